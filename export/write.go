package export

import (
	"os"
	"path/filepath"
)

// Summary counts what WriteDir wrote.
type Summary struct {
	Files  int // files written
	Secret int // of which hold a password (mode 0600)
}

// WriteDir makes the files of p and writes them under dir. Each file is
// written to a temporary file beside it and renamed into place, so a file is
// either complete or absent, never half-written. Files that hold a password
// get mode 0600, others 0644.
func (p *Plan) WriteDir(dir string) (Summary, error) {
	var sum Summary
	made := make(map[string]bool)
	err := p.Each(func(f File) error {
		full := filepath.Join(dir, filepath.FromSlash(f.Path))
		parent := filepath.Dir(full)
		if !made[parent] {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				return err
			}
			made[parent] = true
		}
		mode := os.FileMode(0o644)
		if f.Secret {
			mode = 0o600
			sum.Secret++
		}
		if err := WriteFile(full, f.Data, mode); err != nil {
			return err
		}
		sum.Files++
		return nil
	})
	return sum, err
}

// WriteFile writes data to name through a temporary file in the same folder
// and a rename, so that name is never seen half-written. The temporary file
// is removed if anything fails.
func WriteFile(name string, data []byte, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".mailprofile-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

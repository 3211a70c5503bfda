package export

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/mailprofile/mailprofile"
)

// Summary counts what WriteDir wrote.
type Summary struct {
	Files  int // files written
	Secret int // of which hold a password (mode 0600)
	People int // accounts whose files were written

	// Skipped counts the accounts that have no account on any set being
	// written (a phased move), and SkippedFirst names the first few.
	Skipped      int
	SkippedFirst []string
}

// skippedShown is how many skipped accounts a Summary names.
const skippedShown = 3

// WriteDir makes the files of p and writes them under dir. Each file is
// written to a temporary file beside it and renamed into place, so a file is
// either complete or absent, never half-written. Files that hold a password
// get mode 0600, others 0644.
//
// When ctx is done, WriteDir finishes the files it is writing and stops,
// returning ctx.Err(): no file is half-written and no temporary file is
// left. progress, when not nil, is called with the counts so far after each
// person, from the calling goroutine.
//
// Files are made in order on the calling goroutine and written by one
// writer per CPU, since writing is bound by the file system's metadata
// operations rather than by making the files. At most a few files wait in
// memory at any time.
func (p *Plan) WriteDir(ctx context.Context, dir string, progress func(Summary)) (Summary, error) {
	workers := max(2, runtime.GOMAXPROCS(0))
	type job struct {
		name string
		file File
	}
	jobs := make(chan job, 4*workers)
	var (
		mu       sync.Mutex
		sum      Summary
		writeErr error
		wg       sync.WaitGroup
	)
	snapshot := func() Summary {
		mu.Lock()
		defer mu.Unlock()
		return sum
	}
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				mode := os.FileMode(0o644)
				if j.file.Secret {
					mode = 0o600
				}
				err := WriteFile(j.name, j.file.Data, mode)
				mu.Lock()
				if err != nil && writeErr == nil {
					writeErr = err
				}
				if err == nil {
					sum.Files++
					if j.file.Secret {
						sum.Secret++
					}
				}
				mu.Unlock()
			}
		})
	}

	lastDir, lastPerson := "", ""
	err := p.Each(func(f File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		mu.Lock()
		failed := writeErr != nil
		mu.Unlock()
		if failed {
			return errStopped
		}
		full := filepath.Join(dir, filepath.FromSlash(f.Path))
		// A person's files come one after another: one MkdirAll each.
		if parent := filepath.Dir(full); parent != lastDir {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				return err
			}
			lastDir = parent
		}
		if person, _, ok := strings.Cut(f.Path, "/"); ok && person != "isp" && person != lastPerson {
			lastPerson = person
			mu.Lock()
			sum.People++
			mu.Unlock()
			if progress != nil {
				progress(snapshot())
			}
		}
		jobs <- job{full, f}
		return nil
	}, func(a *mailprofile.Account) {
		mu.Lock()
		sum.Skipped++
		if len(sum.SkippedFirst) < skippedShown {
			sum.SkippedFirst = append(sum.SkippedFirst, a.Address)
		}
		mu.Unlock()
	})
	close(jobs)
	wg.Wait()
	if errors.Is(err, errStopped) || err == nil {
		err = writeErr
	}
	return sum, err
}

var errStopped = errors.New("export: stopped after a write failed")

// WriteFile writes data to name through a temporary file in the same folder
// and a rename, so that name is never seen half-written. The temporary file
// is removed if anything fails.
func WriteFile(name string, data []byte, mode os.FileMode) error {
	return WriteFileFunc(name, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFileFunc is WriteFile for what write writes, as it writes it: a
// document too large to hold in memory. When write fails, nothing is left.
func WriteFileFunc(name string, mode os.FileMode, write func(io.Writer) error) (err error) {
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
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

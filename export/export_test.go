package export_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"howett.net/plist"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

func load(t *testing.T, path string) *mailprofile.Site {
	t.Helper()
	site, err := mailprofile.Load(path)
	require.NoError(t, err)
	return site
}

// tree lists the files under dir with their modes.
func tree(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	files := make(map[string]fs.FileMode)
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if !d.IsDir() {
			info, err := d.Info()
			require.NoError(t, err)
			rel, _ := filepath.Rel(dir, path)
			files[filepath.ToSlash(rel)] = info.Mode().Perm()
		}
		return nil
	}))
	return files
}

func names(m map[string]fs.FileMode) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name string
		file string
		opts *export.Options
		want []string
	}{
		{"migration default set", "../examples/migration.yaml", nil, []string{
			"info@example.co.jp/autodiscover-new.xml",
			"info@example.co.jp/info@example.co.jp.mobileconfig",
			"info@example.co.jp/thunderbird-new.xml",
			"isp/new/example.co.jp.xml",
			"sato@example.co.jp/autodiscover-new.xml",
			"sato@example.co.jp/sato@example.co.jp.mobileconfig",
			"sato@example.co.jp/thunderbird-new.xml",
			"yamada@example.co.jp/autodiscover-new.xml",
			"yamada@example.co.jp/thunderbird-new.xml",
			"yamada@example.co.jp/yamada@example.co.jp.mobileconfig",
		}},
		{"both sets, one person, two formats", "../examples/migration.yaml",
			&export.Options{Sets: []string{"old", "new"}, Accounts: []string{"INFO@example.co.jp"}, Formats: []export.Format{"thunderbird", "apple"}},
			[]string{
				"info@example.co.jp/info@example.co.jp.mobileconfig",
				"info@example.co.jp/thunderbird-new.xml",
				"info@example.co.jp/thunderbird-old.xml",
				"isp/new/example.co.jp.xml",
				"isp/old/example.co.jp.xml",
			}},
		{"phased move skips accounts not on the set", "../testdata/phased.yaml",
			&export.Options{Sets: []string{"old"}, Formats: []export.Format{"outlook"}},
			[]string{
				"both@phased.example/autodiscover-old.xml",
				"staying@phased.example/autodiscover-old.xml",
			}},
		{"unsafe characters", "../testdata/escaping.yaml", &export.Options{Formats: []export.Format{"apple"}}, []string{
			"Foo.Bar+tag@other.example/Foo.Bar+tag@other.example.mobileconfig",
			"o%27brien%26co@xn--r8jz45g.jp/o%27brien%26co@xn--r8jz45g.jp.mobileconfig",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := export.NewPlan(load(t, tt.file), tt.opts)
			require.NoError(t, err)
			dir := t.TempDir()
			sum, err := plan.WriteDir(context.Background(), dir, nil)
			require.NoError(t, err)
			files := tree(t, dir)
			assert.Equal(t, tt.want, names(files))
			assert.Equal(t, len(tt.want), sum.Files)
			assert.Zero(t, sum.Secret)
			for name, mode := range files {
				assert.Equal(t, fs.FileMode(0o644), mode, name)
			}
		})
	}
}

// TestContentMatchesGenerators checks that gen writes exactly what the
// generator packages make.
func TestContentMatchesGenerators(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	plan, err := export.NewPlan(site, nil)
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = plan.WriteDir(context.Background(), dir, nil)
	require.NoError(t, err)

	a := sitetest.Account(t, site, "info@example.co.jp")
	p, err := site.Settings("new", a)
	require.NoError(t, err)
	tb, _ := thunderbird.Generate(p, nil)
	ol, _ := outlook.Generate(p, nil)
	ap, _ := apple.Generate([]*mailprofile.Settings{p}, nil)
	tmpl, _ := site.DomainSettings("new")
	dom, _ := thunderbird.Generate(tmpl, nil)
	for file, want := range map[string][]byte{
		"info@example.co.jp/thunderbird-new.xml":             tb,
		"info@example.co.jp/autodiscover-new.xml":            ol,
		"info@example.co.jp/info@example.co.jp.mobileconfig": ap,
		"isp/new/example.co.jp.xml":                          dom,
	} {
		got, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), file)
	}
}

func TestPasswordFilesArePrivate(t *testing.T) {
	site := load(t, "../testdata/escaping.yaml")
	plan, err := export.NewPlan(site, &export.Options{IncludePasswords: true})
	require.NoError(t, err)
	dir := t.TempDir()
	sum, err := plan.WriteDir(context.Background(), dir, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Secret)
	files := tree(t, dir)
	for name, mode := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		hasPassword := strings.Contains(string(data), "p&amp;ss&lt;w&gt;rd")
		if hasPassword {
			assert.Equal(t, fs.FileMode(0o600), mode, name)
		} else {
			assert.Equal(t, fs.FileMode(0o644), mode, name)
		}
	}
	assert.Equal(t, fs.FileMode(0o600), files["Foo.Bar+tag@other.example/Foo.Bar+tag@other.example.mobileconfig"])
	assert.Equal(t, fs.FileMode(0o600), files["Foo.Bar+tag@other.example/thunderbird-primary.xml"])
}

func TestNewPlanErrors(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	_, err := export.NewPlan(site, &export.Options{Sets: []string{"newer"}})
	assert.ErrorIs(t, err, mailprofile.ErrUnknownSet)
	_, err = export.NewPlan(site, &export.Options{Accounts: []string{"nobody@example.co.jp"}})
	assert.ErrorIs(t, err, mailprofile.ErrNotFound)
	_, err = export.NewPlan(site, &export.Options{Formats: []export.Format{"eudora"}})
	assert.EqualError(t, err, `unknown format "eudora" (have thunderbird, outlook, apple)`)

	oauth, err := mailprofile.Load("../testdata/oauth2.yaml")
	require.NoError(t, err)
	_, err = export.NewPlan(oauth, &export.Options{Formats: []export.Format{"apple"}})
	var unsupported *mailprofile.UnsupportedError
	assert.ErrorAs(t, err, &unsupported)
	_, err = export.NewPlan(oauth, &export.Options{Formats: []export.Format{"thunderbird"}})
	assert.NoError(t, err, "Thunderbird can express OAuth2")
}

func TestWriteFileLeavesNothingHalfWritten(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "a.xml")
	require.NoError(t, os.WriteFile(target, []byte("old content"), 0o644))

	// A folder that cannot be written: the old file stays whole and no
	// temporary file is left behind.
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if os.Getuid() != 0 { // root may write anyway
		err := export.WriteFile(target, []byte("new"), 0o644)
		require.Error(t, err)
		got, _ := os.ReadFile(target)
		assert.Equal(t, "old content", string(got))
	}
	require.NoError(t, os.Chmod(dir, 0o755))

	// Renaming over a folder fails after the data is written: the
	// temporary file must be removed.
	blocked := filepath.Join(dir, "blocked")
	require.NoError(t, os.MkdirAll(filepath.Join(blocked, "x"), 0o755))
	err := export.WriteFile(blocked, []byte("data"), 0o644)
	require.Error(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	assert.ElementsMatch(t, []string{"a.xml", "blocked"}, left, "no temporary file may be left")

	require.NoError(t, export.WriteFile(target, []byte("new"), 0o600))
	got, _ := os.ReadFile(target)
	assert.Equal(t, "new", string(got))
	info, _ := os.Stat(target)
	assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm())

	// A writer that fails halfway leaves the old file and nothing else.
	err = export.WriteFileFunc(target, 0o644, func(w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("x"), 1<<20)); err != nil {
			return err
		}
		return errors.New("stopped")
	})
	assert.EqualError(t, err, "stopped")
	got, _ = os.ReadFile(target)
	assert.Equal(t, "new", string(got))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file may be left")
}

func TestSafeName(t *testing.T) {
	tests := map[string]string{
		"info@example.co.jp":  "info@example.co.jp",
		"a/b@example.com":     "a%2Fb@example.com",
		"a%b@example.com":     "a%25b@example.com",
		".hidden@example.com": "%2Ehidden@example.com",
		"o'brien@example.com": "o%27brien@example.com",
		"x*y?z|w@example.com": "x%2Ay%3Fz%7Cw@example.com",
		"Foo+tag@example.com": "Foo+tag@example.com",
		"con.x@example.com":   "%63on.x@example.com", // CON is a device on Windows
		"LPT1.a@example.com":  "%4CPT1.a@example.com",
		"con@example.com":     "con@example.com", // "con@example" is no device
		"com10.x@example.com": "com10.x@example.com",
	}
	for in, want := range tests {
		assert.Equal(t, want, export.SafeName(in), in)
	}

	// The longest address there can be: 64 before the @, 253 after.
	domain := strings.Repeat(strings.Repeat("d", 62)+".", 4)[:249] + ".com"
	long := strings.Repeat("l", 64) + "@" + domain
	other := strings.Repeat("l", 63) + "m@" + domain
	name := export.SafeName(long)
	assert.LessOrEqual(t, len(name), export.MaxNameLength)
	assert.LessOrEqual(t, len(name+".mobileconfig"), 255)
	assert.Equal(t, name, export.SafeName(long), "the same address, the same name")
	assert.NotEqual(t, name, export.SafeName(other), "another address, another name")
}

// TestEscaping reads every file made from a description full of characters
// that XML and plists must escape, with real parsers, and finds the text
// unchanged.
func TestEscaping(t *testing.T) {
	site := load(t, "../testdata/escaping.yaml")
	plan, err := export.NewPlan(site, nil)
	require.NoError(t, err)
	texts := make(map[string][]string)
	require.NoError(t, plan.Each(func(f export.File) error {
		if strings.HasSuffix(f.Path, ".mobileconfig") {
			var v any
			_, err := plist.Unmarshal(f.Data, &v)
			require.NoError(t, err, f.Path)
			texts[f.Path] = plistStrings(v)
			return nil
		}
		dec := xml.NewDecoder(bytes.NewReader(f.Data))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, f.Path)
			if cd, ok := tok.(xml.CharData); ok {
				texts[f.Path] = append(texts[f.Path], string(cd))
			}
		}
		return nil
	}, nil))
	org := `Tom & Jerry's <Mail> "Co" 🐭 株式会社`
	label := `新サーバー <new> & "main"`
	want := map[string][]string{
		"isp/primary/xn--r8jz45g.jp.xml":                         {org + " — " + label, "%EMAILLOCALPART%+mail"},
		"o%27brien%26co@xn--r8jz45g.jp/thunderbird-primary.xml":  {"o'brien&co+mail", "o'brien&co@xn--r8jz45g.jp"},
		"o%27brien%26co@xn--r8jz45g.jp/autodiscover-primary.xml": {`O'Brien & <Co> "Sales" 📧`, "o'brien&co+mail"},
		"Foo.Bar+tag@other.example/autodiscover-primary.xml":     {"山田 太郎", `login&<"'>`},
		"o%27brien%26co@xn--r8jz45g.jp/o%27brien%26co@xn--r8jz45g.jp.mobileconfig": {
			`O'Brien & <Co> "Sales" 📧`, "o'brien&co@例え.jp — " + label, org, "o'brien&co+mail",
		},
	}
	for file, strs := range want {
		for _, s := range strs {
			assert.Contains(t, texts[file], s, file)
		}
	}
}

func plistStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, plistStrings(x)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, x := range v {
			out = append(out, plistStrings(x)...)
		}
		return out
	}
	return nil
}

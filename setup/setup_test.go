package setup_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/setup"
)

func load(t *testing.T, file string) *mailprofile.Site {
	t.Helper()
	site, err := mailprofile.Load(file)
	require.NoError(t, err)
	return site
}

// TestSheetsGolden writes the sheets of the examples in both languages and
// compares them with the kept files.
func TestSheetsGolden(t *testing.T) {
	for _, c := range []string{"../examples/migration.yaml", "../examples/single.yaml", "../testdata/escaping.yaml"} {
		for _, lang := range []string{"ja", "en"} {
			site := load(t, c)
			dir := t.TempDir()
			n, err := setup.WriteSheets(context.Background(), dir, site, &setup.Options{Lang: lang, BaseURL: "https://setup.example-host.jp"}, nil)
			require.NoError(t, err)
			assert.Equal(t, len(sitetest.All(t, site)), n)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, n+1)
			for _, e := range entries {
				got, err := os.ReadFile(filepath.Join(dir, e.Name()))
				require.NoError(t, err)
				golden.Check(t, filepath.Join("testdata", golden.Name(c), lang, e.Name()), got)
			}
		}
	}
}

// TestValuesFromTheModel checks that the page shows the values of the
// profile the generators use, and escapes what it shows.
func TestValuesFromTheModel(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	site.BaseURL = ""
	a := sitetest.Account(t, site, "info@example.co.jp")
	var buf bytes.Buffer
	require.NoError(t, setup.Page(&buf, site, a, &setup.Options{Lang: "en"}))
	page := buf.String()
	newP, err := site.Settings("new", a)
	require.NoError(t, err)
	oldP, err := site.Settings("old", a)
	require.NoError(t, err)
	for _, s := range []mailprofile.Server{newP.Incoming[0], newP.Outgoing[0], oldP.Incoming[0], oldP.Outgoing[0]} {
		has(t, page, `<td class="value">`+s.Host+`</td>`)
		has(t, page, `<td class="value">`+s.Security.String()+`</td>`)
		has(t, page, `<td class="value">`+s.Username+`</td>`)
	}
	has(t, page, `<html lang="en">`)
	has(t, page, "Keep your current account (old server) until 2026-12-19")
	has(t, page, "203.0.113.10 is an IP address")
	hasNot(t, page, "id=\"qr\"")
	has(t, page, "Ask for the profile file")

	esc := load(t, "../testdata/escaping.yaml")
	buf.Reset()
	require.NoError(t, setup.Page(&buf, esc, sitetest.Account(t, esc, "o'brien&co@例え.jp"), &setup.Options{Lang: "ja"}))
	has(t, buf.String(), "O&#39;Brien &amp; &lt;Co&gt; &#34;Sales&#34; 📧 様")
	hasNot(t, buf.String(), "<Co>")
	hasNot(t, buf.String(), "p&amp;ss")
}

// has reports a missing piece of a page without printing the whole page.
func has(t *testing.T, page, s string) {
	t.Helper()
	if !strings.Contains(page, s) {
		t.Errorf("the page lacks %q", s)
	}
}

func hasNot(t *testing.T, page, s string) {
	t.Helper()
	if strings.Contains(page, s) {
		t.Errorf("the page has %q", s)
	}
}

func TestNoMigration(t *testing.T) {
	site := load(t, "../examples/single.yaml")
	var buf bytes.Buffer
	require.NoError(t, setup.Page(&buf, site, site.Accounts[0], &setup.Options{Lang: "en", BaseURL: "https://x.example/"}))
	page := buf.String()
	has(t, page, "These are the settings of your mail account (mail).")
	hasNot(t, page, "Your current account")
	has(t, page, `href="https://x.example/apple/hello@xn--r8jz45g.jp.mobileconfig"`)
	assert.True(t, strings.Contains(page, `<svg class="qr"`))
}

// TestMobileCodeTooLong: settings too long for a Thunderbird code that
// scans on paper leave the code out and point to the values instead.
func TestMobileCodeTooLong(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	a := &mailprofile.Account{Address: "sato@example.co.jp", Name: strings.Repeat("佐藤", 100)}
	var buf bytes.Buffer
	require.NoError(t, setup.Page(&buf, site, a, &setup.Options{Lang: "en"}))
	hasNot(t, buf.String(), `id="mobileqr"`)
	has(t, buf.String(), "These settings do not fit in a QR code: enter the values under “Any other mail program” by hand.")
	has(t, buf.String(), `id="qr"`)

	a.Name = "佐藤"
	buf.Reset()
	require.NoError(t, setup.Page(&buf, site, a, &setup.Options{Lang: "ja"}))
	has(t, buf.String(), `id="mobileqr"`)
	has(t, buf.String(), "アカウント「sato@example.co.jp — 新サーバー」が追加されます。")
}

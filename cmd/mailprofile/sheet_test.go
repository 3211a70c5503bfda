package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/spectest"
)

// onlyFile asserts that dir holds name and nothing else: no temporary
// file is left behind.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if name == "" {
		assert.Empty(t, names)
		return
	}
	assert.Equal(t, []string{name}, names)
}

// TestSheetCombinedAndPDF: one document for the whole office, as HTML and
// printed by Chromium, one page per person.
func TestSheetCombinedAndPDF(t *testing.T) {
	dir := t.TempDir()
	html := filepath.Join(dir, "all.html")
	code, stdout, stderr := runCLI(t, "sheet", "-c", "../../examples/migration.yaml", "--combined", html, "--lang", "en")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "wrote 3 sheets, one per page, to "+html+"\n", stdout)
	data, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(data), "<main "))
	assert.True(t, strings.HasSuffix(string(data), "</html>\n"))
	onlyFile(t, dir, "all.html")

	chromium := spectest.Tool(t, "chromium", "chromium")
	pdfinfo := spectest.Tool(t, "pdfinfo", "poppler-utils")
	pdf := filepath.Join(dir, "all.pdf")
	code, stdout, stderr = runCLI(t, "sheet", "-c", "../../examples/migration.yaml", "--pdf", pdf, "--chromium", chromium)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "printed 3 sheets, one per page, to "+pdf+"\n", stdout)
	out, err := exec.Command(pdfinfo, pdf).Output()
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`(?m)^Pages:\s+3$`), string(out), "one page per person")
	info, err := os.Stat(pdf)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
}

// TestSheetPDFWithoutChromium: --pdf without a Chromium to print with is
// a clear error that says what to do, and nothing is written.
func TestSheetPDFWithoutChromium(t *testing.T) {
	dir := t.TempDir()
	pdf := filepath.Join(dir, "all.pdf")

	code, _, stderr := runCLI(t, "sheet", "-c", "../../examples/migration.yaml", "--pdf", pdf, "--chromium", filepath.Join(dir, "no-chromium"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "mailprofile sheet: --chromium "+filepath.Join(dir, "no-chromium")+": no such program\n", stderr)

	t.Setenv("PATH", t.TempDir())
	code, _, stderr = runCLI(t, "sheet", "-c", "../../examples/migration.yaml", "--pdf", pdf)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--pdf prints with Chromium or Google Chrome, and neither is installed (looked for chromium, chromium-browser, google-chrome, google-chrome-stable on PATH)")
	assert.Contains(t, stderr, "apt-get install chromium")
	assert.Contains(t, stderr, "--combined FILE.html")
	onlyFile(t, dir, "")

	// A Chromium that fails says why, and leaves nothing.
	fake := filepath.Join(t.TempDir(), "chromium")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n"), 0o755))
	code, _, stderr = runCLI(t, "sheet", "-c", "../../examples/migration.yaml", "--pdf", pdf, "--chromium", fake)
	assert.Equal(t, 1, code)
	assert.Equal(t, "mailprofile sheet: printing with "+fake+" gave no PDF (exit status 3): cannot open display\n", stderr)
	onlyFile(t, dir, "")
}

// TestSheetDestinations: sheet needs somewhere to write, and a set with
// nobody on it writes no empty document.
func TestSheetDestinations(t *testing.T) {
	code, _, stderr := runCLI(t, "sheet", "-c", "../../examples/migration.yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "say where the sheets go: -o DIR, --combined FILE.html or --pdf FILE.pdf")
	code, _, stderr = runCLI(t, "sheet", "-c", "../../examples/migration.yaml", "-o", t.TempDir(), "--chromium", "chromium")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--chromium is for --pdf")

	nobody := write(t, "site.yaml", strings.Split(desc("example.co.jp"), "accounts:")[0])
	dir := t.TempDir()
	code, _, stderr = runCLI(t, "sheet", "-c", nobody, "--combined", filepath.Join(dir, "all.html"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "nobody has an account on the set: there is no sheet to write")
	onlyFile(t, dir, "")
}

// TestPrintStopsOnSignal: Ctrl-C while Chromium prints stops it, and no
// PDF, whole or half, is left. The Chromium here says it has started
// through a named pipe, then waits.
func TestPrintStopsOnSignal(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(t.TempDir(), "started")
	require.NoError(t, syscall.Mkfifo(started, 0o600))
	fake := filepath.Join(t.TempDir(), "chromium")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho printing > "+started+"\nexec sleep 600\n"), 0o755))
	cmd := exec.Command(build(t), "sheet", "-c", "../../examples/migration.yaml", "--pdf", filepath.Join(dir, "all.pdf"), "--chromium", fake)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	said := make(chan string, 1)
	go func() {
		data, _ := os.ReadFile(started) // returns once the fake has written
		said <- string(data)
	}()
	select {
	case s := <-said:
		require.Equal(t, "printing\n", s)
	case <-time.After(time.Minute): // a hang guard, not a measure of speed
		cmd.Process.Kill()
		t.Fatalf("Chromium never started: %s", stderr.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	assert.Equal(t, 130, exitCode(t, cmd))
	assert.Equal(t, "mailprofile sheet: stopped; no PDF written\n", stderr.String())
	onlyFile(t, dir, "")
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// chromiumNames are the programs --pdf looks for on PATH, in this order.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findChromium is the Chromium that prints: given, else the first of
// chromiumNames on PATH.
func findChromium(given string) (string, error) {
	if given != "" {
		path, err := exec.LookPath(given)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("--chromium %s: no such program", given)
		}
		if err != nil {
			return "", fmt.Errorf("--chromium %s: %w", given, err)
		}
		return path, nil
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("--pdf prints with Chromium or Google Chrome, and neither is installed (looked for %s on PATH): install one (Debian: apt-get install chromium), name it with --chromium PROGRAM, or write --combined FILE.html and print that from a browser",
		strings.Join(chromiumNames, ", "))
}

// printTimeout is how long Chromium may take to print n sheets: a start,
// and a generous second a page.
func printTimeout(n int) time.Duration {
	return 2*time.Minute + time.Duration(n)*time.Second
}

// printPDF prints the HTML document page with Chromium, headless, into
// out: through a temporary file beside it, so out is never half-written.
// Chromium is stopped when ctx is done or after timeout.
func printPDF(ctx context.Context, chromium, page, out string, timeout time.Duration) (err error) {
	profile, err := os.MkdirTemp("", "mailprofile-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	tmp, err := os.CreateTemp(filepath.Dir(out), ".mailprofile-*.pdf")
	if err != nil {
		return err
	}
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()

	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := []string{
		"--headless", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-sync",
		"--disable-background-networking", "--user-data-dir=" + profile,
		"--no-pdf-header-footer", "--print-to-pdf=" + tmp.Name(),
		(&url.URL{Scheme: "file", Path: page}).String(),
	}
	if os.Geteuid() == 0 {
		args = append([]string{"--no-sandbox"}, args...) // Chromium refuses root otherwise
	}
	cmd := exec.CommandContext(pctx, chromium, args...)
	var words tail
	cmd.Stdout, cmd.Stderr = &words, &words
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // Chromium stops its helpers
	cmd.WaitDelay = 10 * time.Second
	runErr := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case pctx.Err() != nil:
		return fmt.Errorf("printing with %s did not finish within %v", chromium, timeout)
	}
	data, _ := os.ReadFile(tmp.Name())
	if runErr != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		return fmt.Errorf("printing with %s gave no PDF (%v): %s", chromium, runErr, lastLine(string(words)))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

// lastLine is the last line s says, clipped: what a program that failed
// said last.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	last := lines[len(lines)-1]
	if len(last) > 300 {
		last = last[:300] + "…"
	}
	return last
}

// tail keeps the last 4 KiB written to it: what a chatty program said last.
type tail []byte

func (t *tail) Write(p []byte) (int, error) {
	*t = append(*t, p...)
	if len(*t) > 4<<10 {
		*t = (*t)[len(*t)-4<<10:]
	}
	return len(p), nil
}

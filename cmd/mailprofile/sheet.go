package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/setup"
)

func runSheet(ctx context.Context, e *env, args []string) int {
	f := newFlags("sheet", "-c FILE|DIR|- (-o DIR | --combined FILE.html | --pdf FILE.pdf) [--lang ja|en] [--set NAME] [--base-url URL] [-q]",
		`Sheet writes, for every person, a printable settings sheet (one A4 page,
self-contained HTML with the QR codes of their Apple profile and of their
account for Thunderbird on phones): what an agency prints and hands out.
With -o, one file per person and an index page listing everyone; a
description of several domains is written one folder per domain,
DIR/DOMAIN/.... With --combined, everyone's sheet in one HTML document, one
person per printed page; with --pdf, that document printed to PDF with
Chromium. The QR codes and links point under the description's base_url
(or --base-url), where mailprofile serve answers.`,
		e)
	config := f.String("c", "", "the description `file`, folder, or - for standard input")
	out := f.String("o", "", "the output `folder` (created if missing)")
	combined := f.String("combined", "", "write every sheet into one HTML `file`, one person per printed page")
	pdf := f.String("pdf", "", "print every sheet into one PDF `file` with Chromium")
	chromium := f.String("chromium", "", "the Chromium `program` that prints --pdf (default: chromium, chromium-browser or google-chrome on PATH)")
	lang := f.String("lang", "", "the `language`: ja or en (default: the description's language)")
	set := f.String("set", "", "the server `set` to add (default: the set moved to)")
	base := f.String("base-url", "", "where mailprofile serve is reached, for links and QR codes (default: base_url)")
	quiet := f.Bool("q", false, "print only problems: no warnings, progress or summary")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "":
		return f.fail("-c FILE is required")
	case *out == "" && *combined == "" && *pdf == "":
		return f.fail("say where the sheets go: -o DIR, --combined FILE.html or --pdf FILE.pdf")
	case *lang != "" && *lang != "ja" && *lang != "en":
		return f.fail("--lang must be ja or en, not %q", *lang)
	case *chromium != "" && *pdf == "":
		return f.fail("--chromium is for --pdf")
	}
	printer := ""
	if *pdf != "" {
		var err error
		if printer, err = findChromium(*chromium); err != nil {
			return failed(e, "sheet", err)
		}
	}
	sites, err := loadSites(ctx, e, *config)
	if err != nil {
		return failed(e, "sheet", err)
	}
	for _, site := range sites {
		if _, err := site.LookupSet(*set); err != nil {
			return failed(e, "sheet", fmt.Errorf("%s: %w", site.Source.File, err))
		}
		if *base == "" && site.BaseURL == "" && !*quiet {
			fmt.Fprintf(e.stderr, "warning: %s: no base_url in the description and no --base-url: the sheets have no Apple QR code or profile link\n", site.Domain)
		}
	}
	opts := &setup.Options{Lang: *lang, Set: *set, BaseURL: *base}
	if *out != "" {
		if code := writeSheets(ctx, e, sites, *out, opts, *quiet); code != exitOK {
			return code
		}
	}
	if *combined != "" {
		if code := writeCombined(ctx, e, sites, *combined, opts, *quiet); code != exitOK {
			return code
		}
	}
	if *pdf != "" {
		return printSheets(ctx, e, sites, printer, *pdf, opts, *quiet)
	}
	return exitOK
}

// writeSheets writes a file per person into dir.
func writeSheets(ctx context.Context, e *env, sites []*mailprofile.Site, out string, opts *setup.Options, quiet bool) int {
	progress := newProgress(e.stderr, quiet)
	total := 0
	for _, site := range sites {
		dir := out
		if len(sites) > 1 {
			dir = filepath.Join(out, site.Domain)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return failed(e, "sheet", err)
		}
		n, err := setup.WriteSheets(ctx, dir, site, opts, func(n int) {
			progress.show("%d sheets", total+n)
		})
		total += n
		progress.clear()
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(e.stderr, "mailprofile sheet: stopped after %s; every sheet written is whole\n", plural(total, "sheet"))
			return exitInterrupted
		}
		if err != nil {
			return failed(e, "sheet", fmt.Errorf("%v (%s written before it)", err, plural(total, "sheet")))
		}
	}
	if !quiet {
		fmt.Fprintf(e.stdout, "wrote %s and index.html to %s\n", plural(total, "sheet"), out)
	}
	return exitOK
}

// writeCombined writes everyone's sheet into one document, name, or
// nothing at all.
func writeCombined(ctx context.Context, e *env, sites []*mailprofile.Site, name string, opts *setup.Options, quiet bool) int {
	n, code := combine(ctx, e, sites, name, opts, quiet)
	if code == exitOK && !quiet {
		fmt.Fprintf(e.stdout, "wrote %s, one per page, to %s\n", plural(n, "sheet"), name)
	}
	return code
}

// printSheets prints everyone's sheet into one PDF, name, with chromium.
func printSheets(ctx context.Context, e *env, sites []*mailprofile.Site, chromium, name string, opts *setup.Options, quiet bool) int {
	dir, err := os.MkdirTemp("", "mailprofile-print-")
	if err != nil {
		return failed(e, "sheet", err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "sheets.html")
	n, code := combine(ctx, e, sites, page, opts, quiet)
	if code != exitOK {
		return code
	}
	progress := newProgress(e.stderr, quiet)
	progress.show("printing %s with %s", plural(n, "sheet"), filepath.Base(chromium))
	err = printPDF(ctx, chromium, page, name, printTimeout(n))
	progress.clear()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "mailprofile sheet: stopped; no PDF written")
		return exitInterrupted
	}
	if err != nil {
		return failed(e, "sheet", err)
	}
	if !quiet {
		fmt.Fprintf(e.stdout, "printed %s, one per page, to %s\n", plural(n, "sheet"), name)
	}
	return exitOK
}

// combine writes the combined document to name and returns the number of
// sheets in it; when it fails or is stopped, nothing is written.
func combine(ctx context.Context, e *env, sites []*mailprofile.Site, name string, opts *setup.Options, quiet bool) (int, int) {
	progress := newProgress(e.stderr, quiet)
	n := 0
	err := export.WriteFileFunc(name, 0o644, func(w io.Writer) error {
		var err error
		n, err = setup.WriteCombined(ctx, w, sites, opts, func(n int) { progress.show("%d sheets", n) })
		if err == nil && n == 0 {
			err = errors.New("nobody has an account on the set: there is no sheet to write")
		}
		return err
	})
	progress.clear()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "mailprofile sheet: stopped; nothing written")
		return n, exitInterrupted
	}
	if err != nil {
		return n, failed(e, "sheet", err)
	}
	return n, exitOK
}

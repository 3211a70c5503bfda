package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mailprofile/mailprofile/setup"
)

func runSheet(ctx context.Context, e *env, args []string) int {
	f := newFlags("sheet", "-c FILE|DIR|- -o DIR [--lang ja|en] [--set NAME] [--base-url URL] [-q]",
		`Sheet writes, for every person, a printable settings sheet (one A4 page,
self-contained HTML with the QR code of their Apple profile) and an index
page listing everyone: what an agency prints and hands out. The QR codes and
links point under the description's base_url (or --base-url), where
mailprofile serve answers. A description of several domains is written one
folder per domain: DIR/DOMAIN/...`,
		e)
	config := f.String("c", "", "the description `file`, folder, or - for standard input")
	out := f.String("o", "", "the output `folder` (created if missing)")
	lang := f.String("lang", "", "the `language`: ja or en (default: the description's language)")
	set := f.String("set", "", "the server `set` to add (default: the set moved to)")
	base := f.String("base-url", "", "where mailprofile serve is reached, for links and QR codes (default: base_url)")
	quiet := f.Bool("q", false, "print only problems: no warnings, progress or summary")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "" || *out == "":
		return f.fail("-c FILE and -o DIR are required")
	case *lang != "" && *lang != "ja" && *lang != "en":
		return f.fail("--lang must be ja or en, not %q", *lang)
	}
	sites, err := loadSites(ctx, e, *config)
	if err != nil {
		return failed(e, "sheet", err)
	}
	for _, site := range sites {
		if _, err := site.LookupSet(*set); err != nil {
			return failed(e, "sheet", fmt.Errorf("%s: %w", site.Source.File, err))
		}
	}
	progress := newProgress(e.stderr, *quiet)
	total := 0
	for _, site := range sites {
		if *base == "" && site.BaseURL == "" && !*quiet {
			fmt.Fprintf(e.stderr, "warning: %s: no base_url in the description and no --base-url: the sheets have no QR code or profile link\n", site.Domain)
		}
		dir := *out
		if len(sites) > 1 {
			dir = filepath.Join(*out, site.Domain)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return failed(e, "sheet", err)
		}
		n, err := setup.WriteSheets(ctx, dir, site, &setup.Options{Lang: *lang, Set: *set, BaseURL: *base}, func(n int) {
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
	if !*quiet {
		fmt.Fprintf(e.stdout, "wrote %s and index.html to %s\n", plural(total, "sheet"), *out)
	}
	return exitOK
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/setup"
)

func runSheet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newFlags("sheet", "-c FILE -o DIR [--lang ja|en] [--set NAME] [--base-url URL]",
		`Sheet writes, for every person, a printable settings sheet (one A4 page,
self-contained HTML with the QR code of their Apple profile) and an index
page listing everyone: what an agency prints and hands out. The QR codes and
links point under the description's base_url (or --base-url), where
mailprofile serve answers.`,
		stdout, stderr)
	config := f.String("c", "", "the description `file` (YAML)")
	out := f.String("o", "", "the output `folder` (created if missing)")
	lang := f.String("lang", "", "the `language`: ja or en (default: the description's language)")
	set := f.String("set", "", "the server `set` to add (default: the set moved to)")
	base := f.String("base-url", "", "where mailprofile serve is reached, for links and QR codes (default: base_url)")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "" || *out == "":
		return f.fail("-c FILE and -o DIR are required")
	case *lang != "" && *lang != "ja" && *lang != "en":
		return f.fail("--lang must be ja or en, not %q", *lang)
	}
	site, err := mailprofile.Load(*config)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	if *base == "" && site.BaseURL == "" {
		fmt.Fprintln(stderr, "warning: no base_url in the description and no --base-url: the sheets have no QR code or profile link")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "mailprofile sheet: %v\n", err)
		return exitFailure
	}
	n, err := setup.WriteSheets(*out, site, &setup.Options{Lang: *lang, Set: *set, BaseURL: *base})
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile sheet: %v (%d sheets written before it)\n", err, n)
		return exitFailure
	}
	fmt.Fprintf(stdout, "wrote %d sheets and index.html to %s\n", n, *out)
	return exitOK
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/importer"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newFlags("import", "[--set NAME] [--address A | --domain D] [-o FILE] INPUT",
		`Import reads the settings a provider publishes, a Thunderbird clientConfig
file (its autoconfig, or its ISPDB entry) or an Outlook Autodiscover response,
and writes them as a description (YAML) with one server set, to complete by
hand. What has no place in a description is listed as notes on standard
error. INPUT "-" is standard input.`,
		stdout, stderr)
	set := f.String("set", "old", "the `name` of the imported server set")
	address := f.String("address", "", "the `address` an Autodiscover response answered (gives the domain and the login patterns)")
	domain := f.String("domain", "", "the mail `domain` of an Autodiscover response, without --address")
	out := f.String("o", "", "write the description to `file` instead of standard output")
	if code := f.parseArgs(args, 1); code >= 0 {
		return code
	}
	input := f.Arg(0)
	var data []byte
	var err error
	if input == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(input)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile import: %v\n", err)
		return exitFailure
	}
	site, notes, err := importer.Read(data, &importer.Options{Set: *set, Address: *address, Domain: *domain})
	for _, n := range notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile import: %s: %v\n", input, err)
		return exitFailure
	}
	var buf bytes.Buffer
	// The name is quoted: it may hold a line end, which would end the comment.
	fmt.Fprintf(&buf, "# Imported from %s by mailprofile import. Check it, then add the\n# other server set, the migration and the accounts.\n", strconv.Quote(input))
	if err := site.WriteYAML(&buf); err != nil {
		fmt.Fprintf(stderr, "mailprofile import: %v\n", err)
		return exitFailure
	}
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
	} else {
		err = export.WriteFile(*out, buf.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile import: %v\n", err)
		return exitFailure
	}
	return exitOK
}

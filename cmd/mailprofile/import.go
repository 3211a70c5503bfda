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

func runImport(ctx context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	f := newFlags("import", "INPUT [--set NAME] [--address A | --domain D] [-o FILE] [-q]",
		`Import reads the settings a provider publishes, a Thunderbird clientConfig
file (its autoconfig, or its ISPDB entry) or an Outlook Autodiscover response,
and writes them as a description (YAML) with one server set, to complete by
hand. What has no place in a description is listed as notes on standard
error. INPUT "-" is standard input.`,
		e)
	set := f.String("set", "old", "the `name` of the imported server set")
	address := f.String("address", "", "the `address` an Autodiscover response answered (gives the domain and the login patterns)")
	domain := f.String("domain", "", "the mail `domain` of an Autodiscover response, without --address")
	out := f.String("o", "", "write the description to `file` instead of standard output")
	quiet := f.Bool("q", false, "do not print the notes on what was not imported")
	if code := f.parseArgs(args, 1); code >= 0 {
		return code
	}
	input := f.arg(0)
	data, err := await(ctx, func() ([]byte, error) {
		if input == "-" {
			return io.ReadAll(e.stdin)
		}
		return os.ReadFile(input)
	})
	if err != nil {
		return failed(e, "import", err)
	}
	site, notes, err := importer.Read(data, &importer.Options{Set: *set, Address: *address, Domain: *domain})
	if !*quiet {
		for _, n := range notes {
			fmt.Fprintf(stderr, "note: %s\n", n)
		}
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

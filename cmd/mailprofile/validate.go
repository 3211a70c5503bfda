package main

import (
	"context"
	"fmt"
	"io"

	"github.com/mailprofile/mailprofile"
)

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newFlags("validate", "-c FILE",
		"Validate reads a description, reports every problem with its file, line and field,\nand prints the warnings: what works but will surprise people.",
		stdout, stderr)
	config := f.String("c", "", "the description `file` (YAML)")
	if code := f.parse(args); code >= 0 {
		return code
	}
	if *config == "" {
		return f.fail("-c FILE is required")
	}
	site, err := mailprofile.Load(*config)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	for _, w := range site.Warnings() {
		fmt.Fprintf(stderr, "warning: %v\n", w)
	}
	n := 0
	if err := site.EachAccount(func(*mailprofile.Account) error { n++; return nil }); err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "%s: %s, %d server sets, %d accounts: OK\n", *config, site.Domain, len(site.Sets), n)
	return exitOK
}

package main

import (
	"context"
	"fmt"

	"github.com/mailprofile/mailprofile"
)

func runValidate(ctx context.Context, e *env, args []string) int {
	f := newFlags("validate", "-c FILE|DIR|- [-q]",
		`Validate reads the descriptions (a file of one or more domains separated by
---, a folder of .yaml files, or - for standard input), reports every problem
with its file, line and field, and prints the warnings: what works but will
surprise people.`,
		e)
	config := f.String("c", "", "the description `file`, folder, or - for standard input")
	quiet := f.Bool("q", false, "print only problems: no warnings, no summary")
	if code := f.parse(args); code >= 0 {
		return code
	}
	if *config == "" {
		return f.fail("-c FILE is required")
	}
	sites, err := loadSites(ctx, e, *config)
	if err != nil {
		return failed(e, "validate", err)
	}
	for _, site := range sites {
		n := 0
		err := site.EachAccount(func(*mailprofile.Account) error {
			n++
			return ctx.Err()
		})
		if err != nil {
			return failed(e, "validate", err)
		}
		if *quiet {
			continue
		}
		for _, w := range site.Warnings() {
			fmt.Fprintf(e.stderr, "warning: %v\n", w)
		}
		for _, a := range site.Advice() {
			fmt.Fprintf(e.stderr, "advice: %s: %s\n", site.Domain, a)
		}
		fmt.Fprintf(e.stdout, "%s: %s, %s, %s: OK\n", site.Source.File, site.Domain, plural(len(site.Sets), "server set"), plural(n, "account"))
	}
	return exitOK
}

// plural is "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

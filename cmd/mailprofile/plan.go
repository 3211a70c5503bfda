package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/timeline"
)

func runPlan(ctx context.Context, e *env, args []string) int {
	f := newFlags("plan", "-c FILE|- [--lang ja|en] [--ics FILE]",
		`Plan prints the dated steps of the move from the migration's dates: lower
the MX record's TTL, hand out the sheets, switch, end the overlap, remove the
old accounts. With --ics it also writes them as a calendar file (iCalendar),
one all-day event a step; importing a newer plan of the same move replaces
the events of the last.`,
		e)
	config := f.String("c", "", "the description `file` (YAML), or - for standard input")
	lang := f.String("lang", "", "the `language`: ja or en (default: the description's language)")
	ics := f.String("ics", "", "also write the steps to this calendar `file`")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "":
		return f.fail("-c FILE is required")
	case *lang != "" && *lang != "ja" && *lang != "en":
		return f.fail("--lang must be ja or en, not %q", *lang)
	}
	site, err := loadSite(ctx, e, *config)
	if err != nil {
		return failed(e, "plan", err)
	}
	steps, err := timeline.Steps(site, *lang)
	if err != nil {
		return failed(e, "plan", err)
	}
	if *ics != "" {
		var buf bytes.Buffer
		if err := timeline.WriteICS(&buf, site, steps, time.Now()); err != nil {
			return failed(e, "plan", err)
		}
		if err := export.WriteFile(*ics, buf.Bytes(), 0o644); err != nil {
			return failed(e, "plan", err)
		}
	}
	if err := timeline.WriteText(e.stdout, steps); err != nil {
		return failed(e, "plan", err)
	}
	if *ics != "" {
		fmt.Fprintf(e.stderr, "wrote %d events to %s\n", len(steps), *ics)
	}
	return exitOK
}

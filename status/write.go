package status

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteText writes the report for people: the DNS answers by question,
// the caches, the old mailboxes, what changed since the last run, and the
// verdict with what is in the way and what to do.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("mailprofile status %s: the move from %q to %q, at %s\n", r.Domain, r.From, r.To, r.at(r.Time))

	p("\nDNS\n")
	for i := 0; i < len(r.DNS); {
		j := i
		for j < len(r.DNS) && r.DNS[j].Name == r.DNS[i].Name && r.DNS[j].Type == r.DNS[i].Type {
			j++
		}
		group := r.DNS[i:j]
		p("  %s %s\n", r.DNS[i].Name, r.DNS[i].Type)
		if a, ok := alike(group); ok {
			if a.Class == ClassNone {
				p("    %-7s every server asked (%d): no records\n", a.Class, len(group))
			} else {
				p("    %-7s every server asked (%d): %s (TTL up to %d s)\n", a.Class, len(group), strings.Join(a.Values, ", "), a.TTL)
			}
			i = j
			continue
		}
		for _, a := range group {
			switch a.Class {
			case ClassError:
				p("    %-7s %s: %s\n", a.Class, a.Source.Server, a.Error)
			case ClassNone:
				p("    %-7s %s: no records\n", a.Class, a.Source.Server)
			default:
				p("    %-7s %s: %s (TTL %d s)\n", a.Class, a.Source.Server, strings.Join(a.Values, ", "), a.TTL)
			}
		}
		i = j
	}

	p("\nCaches\n")
	if r.Switch.IsZero() {
		p("  The switch: %s\n", r.SwitchNote)
	} else {
		p("  The switch: %s (%s)\n", r.at(r.Switch), r.SwitchNote)
	}
	if r.CacheUntil.IsZero() {
		p("  Old answers may be cached until: %s\n", r.CacheNote)
	} else {
		p("  Old answers may be cached until: %s (%s)\n", r.at(r.CacheUntil), r.CacheNote)
	}

	p("\nOld mailboxes (%s)\n", r.From)
	if len(r.Mailboxes) == 0 {
		p("  none: no account is on the old set\n")
	}
	since := "arrivals since the switch not counted: its time is not known"
	if !r.MailSince.IsZero() {
		since = "since " + r.at(r.MailSince)
	}
	for _, mb := range r.Mailboxes {
		switch mb.Status {
		case MailboxNotChecked, MailboxFailed:
			p("  %-11s %s, %s: %s\n", mb.Status, mb.Address, mb.Server, mb.Reason)
		default:
			newest := "empty"
			if !mb.Newest.IsZero() {
				newest = "newest " + r.at(mb.Newest)
			}
			arrived := since
			if !r.MailSince.IsZero() {
				arrived = fmt.Sprintf("%d arrived %s", mb.Arrived, since)
			}
			p("  %-11s %s, %s: %s, %s, %s\n", mb.Status, mb.Address, mb.Server, plural(mb.Messages, "message"), arrived, newest)
		}
	}

	if !r.PreviousTime.IsZero() {
		p("\nSince the last run (%s)\n", r.at(r.PreviousTime))
		if len(r.Changes) == 0 {
			p("  nothing changed\n")
		}
		for _, c := range r.Changes {
			p("  %s\n", c)
		}
	}

	if len(r.Notes) > 0 {
		p("\nNotes\n")
		for _, n := range r.Notes {
			p("  %s\n", n)
		}
	}

	if r.Ready {
		p("\nVerdict: READY. The old server (%s) may go: every name server and resolver asked answers new, the caches' time has passed, and no checked mailbox received mail in the quiet time.\n", r.From)
	} else {
		p("\nVerdict: NOT READY. Keep the old server (%s); in the way:\n", r.From)
		for _, bl := range r.Blockers {
			p("  - %s\n    → %s\n", bl.What, bl.Do)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// alike reports whether every answer of a group has the same class and
// values, and returns one of them with the longest TTL.
func alike(group []Answer) (Answer, bool) {
	if len(group) < 2 {
		return Answer{}, false
	}
	first := group[0]
	for _, a := range group {
		if a.Class != first.Class || a.Class == ClassError || !slices.Equal(a.Values, first.Values) {
			return Answer{}, false
		}
		first.TTL = max(first.TTL, a.TTL)
	}
	return first, true
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteJSON writes the report as one JSON object.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	out := *r
	for _, s := range []*[]string{&out.Notes, &out.Changes} {
		if *s == nil {
			*s = []string{}
		}
	}
	if out.Blockers == nil {
		out.Blockers = []Blocker{}
	}
	out.DNS = slices.Clone(r.DNS)
	for i := range out.DNS {
		if out.DNS[i].Values == nil {
			out.DNS[i].Values = []string{}
		}
	}
	return enc.Encode(out)
}

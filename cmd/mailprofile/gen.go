package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
)

func runGen(ctx context.Context, e *env, args []string) int {
	f := newFlags("gen", "-c FILE|DIR|- -o DIR [flags]",
		`Gen writes, for every person, the Thunderbird file, the Outlook Autodiscover
response and the Apple profile, plus the Thunderbird file for the whole domain:

  DIR/isp/SET/DOMAIN.xml             Thunderbird, whole domain (for <install dir>/isp/)
  DIR/ADDRESS/thunderbird-SET.xml    Thunderbird, this person
  DIR/ADDRESS/autodiscover-SET.xml   Outlook Autodiscover response
  DIR/ADDRESS/ADDRESS.mobileconfig   Apple profile (one account per set)

A description of several domains (a file with ---, or a folder) is written
one folder per domain: DIR/DOMAIN/... During a migration the default set is
the one being moved to: the account to add. With --sign-cert and --sign-key
the Apple profiles are signed (CMS, DER), at the same paths, and show as
"Verified" on devices that trust the certificate.`,
		e)
	config := f.String("c", "", "the description `file`, folder, or - for standard input")
	out := f.String("o", "", "the output `folder` (created if missing)")
	var formats, sets, accounts listFlag
	f.Var(&formats, "format", "formats to write, comma-separated: thunderbird, outlook, apple (default all)")
	f.Var(&sets, "set", "server sets to write, comma-separated, e.g. old,new (default: the set moved to)")
	f.Var(&accounts, "account", "only these addresses, comma-separated (default all)")
	passwords := f.Bool("include-passwords", false, "write passwords from the description into the files (those files get mode 0600)")
	quiet := f.Bool("q", false, "print only problems: no warnings, progress or summary")
	sign := addSigningFlags(f)
	if code := f.parse(args); code >= 0 {
		return code
	}
	if *config == "" || *out == "" {
		return f.fail("-c FILE and -o DIR are required")
	}
	if msg := sign.check(); msg != "" {
		return f.fail("%s", msg)
	}
	opts := export.Options{Sets: sets, IncludePasswords: *passwords}
	for _, name := range formats {
		opts.Formats = append(opts.Formats, export.Format(name))
	}
	var err error
	if opts.AppleSigner, opts.AppleRootCA, err = sign.load(e.stderr); err != nil {
		return failed(e, "gen", err)
	}
	sites, err := loadSites(ctx, e, *config)
	if err != nil {
		return failed(e, "gen", err)
	}

	// Every plan is checked before anything is written.
	type job struct {
		site *mailprofile.Site
		plan *export.Plan
		dir  string
	}
	var jobs []job
	wanted, err := accountsByDomain(accounts)
	if err != nil {
		return failed(e, "gen", err)
	}
	for _, site := range sites {
		o := opts
		if accounts != nil {
			if o.Accounts = wanted[site.Domain]; o.Accounts == nil {
				continue
			}
			delete(wanted, site.Domain)
		}
		plan, err := export.NewPlan(site, &o)
		if err != nil {
			return failed(e, "gen", fmt.Errorf("%s: %w", site.Source.File, err))
		}
		dir := *out
		if len(sites) > 1 {
			dir = filepath.Join(*out, site.Domain)
		}
		jobs = append(jobs, job{site, plan, dir})
	}
	for _, addrs := range wanted {
		return failed(e, "gen", fmt.Errorf("%w: %s (no description has its domain)", mailprofile.ErrNotFound, addrs[0]))
	}

	progress := newProgress(e.stderr, *quiet)
	var total export.Summary
	for _, j := range jobs {
		if !*quiet {
			for _, w := range append(j.site.Warnings(), j.plan.Warnings()...) {
				progress.clear()
				fmt.Fprintf(e.stderr, "warning: %v\n", w)
			}
		}
		sum, err := j.plan.WriteDir(ctx, j.dir, func(s export.Summary) {
			progress.show("%d people, %d files", total.People+s.People, total.Files+s.Files)
		})
		total = add(total, sum)
		progress.clear()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintf(e.stderr, "mailprofile gen: stopped after %s; every file written is whole\n", plural(total.Files, "file"))
				return exitInterrupted
			}
			return failed(e, "gen", fmt.Errorf("%v (%s written before it)", err, plural(total.Files, "file")))
		}
	}
	if !*quiet {
		printGenSummary(e.stdout, total, jobs[0].site, *out, len(sites) > 1, opts, *config)
	}
	return exitOK
}

// accountsByDomain sorts the addresses of --account by their domain.
func accountsByDomain(addrs []string) (map[string][]string, error) {
	out := make(map[string][]string)
	for _, a := range addrs {
		addr, err := mailprofile.ParseAddress(a)
		if err != nil {
			return nil, fmt.Errorf("--account: %w", err)
		}
		domain := addr[strings.LastIndexByte(addr, '@')+1:]
		out[domain] = append(out[domain], addr)
	}
	return out, nil
}

func add(a, b export.Summary) export.Summary {
	a.Files += b.Files
	a.Secret += b.Secret
	a.People += b.People
	a.Skipped += b.Skipped
	for _, s := range b.SkippedFirst {
		if len(a.SkippedFirst) < 3 {
			a.SkippedFirst = append(a.SkippedFirst, s)
		}
	}
	return a
}

// printGenSummary says what was written, what was left out and why, and
// what to do with each kind of file.
func printGenSummary(w io.Writer, sum export.Summary, site *mailprofile.Site, out string, perDomain bool, opts export.Options, config string) {
	people := plural(sum.People, "person")
	if sum.People != 1 {
		people = fmt.Sprintf("%d people", sum.People)
	}
	fmt.Fprintf(w, "wrote %s for %s to %s", plural(sum.Files, "file"), people, out)
	if sum.Secret > 0 {
		fmt.Fprintf(w, " (%d hold passwords: mode 0600, keep them private)", sum.Secret)
	}
	fmt.Fprintln(w)
	if sum.Skipped > 0 {
		names := strings.Join(sum.SkippedFirst, ", ")
		if sum.Skipped > len(sum.SkippedFirst) {
			names += ", …"
		}
		fmt.Fprintf(w, "skipped %s with no account on the set being written (a phased move; --set chooses): %s\n", plural(sum.Skipped, "account"), names)
	}
	if sum.Files == 0 {
		return
	}
	set := site.DefaultSet().Name
	switch {
	case len(opts.Sets) == 1:
		set = opts.Sets[0]
	case len(opts.Sets) > 1:
		set = "SET"
	}
	base, domain := out, site.Domain
	if perDomain {
		base, domain = filepath.Join(out, "DOMAIN"), "DOMAIN"
	}
	has := func(f export.Format) bool { return opts.Formats == nil || slices.Contains(opts.Formats, f) }
	fmt.Fprintln(w, "What each file is for:")
	if has(export.FormatThunderbird) {
		fmt.Fprintf(w, "  %s\n      Thunderbird, every person: copy into the isp folder of Thunderbird's\n      installation folder on each computer; it comes before any lookup while it is there\n", filepath.Join(base, "isp", set, domain+".xml"))
		fmt.Fprintf(w, "  %s\n      Thunderbird, one person, logins filled in: the same, renamed to %s.xml\n", filepath.Join(base, "ADDRESS", "thunderbird-"+set+".xml"), domain)
	}
	if has(export.FormatApple) {
		fmt.Fprintf(w, "  %s\n      iPhone, iPad, Mac: send it to the person, who opens it in Safari or Mail\n", filepath.Join(base, "ADDRESS", "ADDRESS.mobileconfig"))
	}
	if has(export.FormatOutlook) {
		fmt.Fprintf(w, "  %s\n      Outlook: for classic Outlook's local Autodiscover; most Outlooks ask Microsoft\n      instead, so give people the values too\n", filepath.Join(base, "ADDRESS", "autodiscover-"+set+".xml"))
	}
	fmt.Fprintf(w, "Printed steps and values for each person: mailprofile sheet -c %s -o sheets/\n", config)
}

// progress shows a line on a terminal that each call replaces; on
// anything else, and when quiet, it shows nothing.
type progress struct {
	w     io.Writer
	on    bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: !quiet && ok && term.IsTerminal(int(f.Fd()))}
}

// show replaces the line, at most four times a second.
func (p *progress) show(format string, args ...any) {
	if !p.on || time.Since(p.last) < 250*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\033[K"+format, args...)
	p.shown = true
}

// clear takes the line away.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

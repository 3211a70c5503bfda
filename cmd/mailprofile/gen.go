package main

import (
	"context"
	"fmt"
	"io"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
)

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newFlags("gen", "-c FILE -o DIR [flags]",
		`Gen writes, for every person, the Thunderbird file, the Outlook Autodiscover
response and the Apple profile, plus the Thunderbird file for the whole domain:

  DIR/isp/SET/DOMAIN.xml             Thunderbird, whole domain (for <install dir>/isp/)
  DIR/ADDRESS/thunderbird-SET.xml    Thunderbird, this person
  DIR/ADDRESS/autodiscover-SET.xml   Outlook Autodiscover response
  DIR/ADDRESS/ADDRESS.mobileconfig   Apple profile (one account per set)

During a migration the default set is the one being moved to: the account to add.
With --sign-cert and --sign-key the Apple profiles are signed (CMS, DER), at the
same paths, and show as "Verified" on devices that trust the certificate.`,
		stdout, stderr)
	config := f.String("c", "", "the description `file` (YAML)")
	out := f.String("o", "", "the output `folder` (created if missing)")
	var formats, sets, accounts listFlag
	f.Var(&formats, "format", "formats to write, comma-separated: thunderbird, outlook, apple (default all)")
	f.Var(&sets, "set", "server sets to write, comma-separated, e.g. old,new (default: the set moved to)")
	f.Var(&accounts, "account", "only these addresses, comma-separated (default all)")
	passwords := f.Bool("include-passwords", false, "write passwords from the description into the files (those files get mode 0600)")
	quiet := f.Bool("q", false, "do not print warnings and the summary")
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
	opts := &export.Options{Sets: sets, Accounts: accounts, IncludePasswords: *passwords}
	var err error
	for _, name := range formats {
		opts.Formats = append(opts.Formats, export.Format(name))
	}

	if opts.AppleSigner, opts.AppleRootCA, err = sign.load(stderr); err != nil {
		fmt.Fprintf(stderr, "mailprofile gen: %v\n", err)
		return exitFailure
	}
	site, err := mailprofile.Load(*config) // CSV accounts stay in their file: any size fits
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	if !*quiet {
		for _, w := range site.Warnings() {
			fmt.Fprintf(stderr, "warning: %v\n", w)
		}
	}
	plan, err := export.NewPlan(site, opts)
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile gen: %s: %v\n", *config, err)
		return exitFailure
	}
	sum, err := plan.WriteDir(*out)
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile gen: %v (%d files written before it)\n", err, sum.Files)
		return exitFailure
	}
	if !*quiet {
		fmt.Fprintf(stdout, "wrote %d files to %s", sum.Files, *out)
		if sum.Secret > 0 {
			fmt.Fprintf(stdout, " (%d hold passwords: mode 0600, keep them private)", sum.Secret)
		}
		fmt.Fprintln(stdout)
	}
	return exitOK
}

package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/status"
)

func runStatus(ctx context.Context, e *env, args []string) int {
	f := newFlags("status", "-c FILE|- [--resolver ADDR[:PORT]]... [--passwords FILE] [--account ADDRESS]... [--state FILE] [--json]",
		`Status says whether the old server of the move may go, and if not, what is
still in the way and what to do. It asks each authoritative name server of the
domain (found through its NS records, asked without recursion), the system
resolver and every --resolver for the MX (and the addresses of MX hosts in the
domain), autoconfig, autodiscover and the SRV records that mailprofile dns
prints, and tells each answer apart as old, new or other; works out until
when a cache may still hold an old answer; and logs in to the old set's
mailboxes, read only (IMAP EXAMINE and arrival dates; POP3 STAT, UIDL and TOP,
never DELE), to see whether mail still arrives there.

Passwords for the old set come from the accounts CSV (password.SET or
password), from --passwords FILE (a CSV of the same form), or for a single
--account from the environment variable `+passwordEnv+`. They are never printed,
logged or written to the state file.

The exit status is 0 when the old server may go, 1 when not, and 2 when the
command could not do its work (bad flags, a broken description), so that cron
can act on it.`,
		e)
	config := f.String("c", "", "the description `file` (YAML), or - for standard input")
	var resolvers, accounts listFlag
	f.Var(&resolvers, "resolver", "also ask this resolver, `ADDR[:PORT]`; may be repeated or comma-separated")
	f.Var(&accounts, "account", "only look into the mailboxes of these `addresses` (default every account on the old set)")
	resolvConf := f.String("resolv-conf", "/etc/resolv.conf", "the `file` that names the system resolver")
	passwords := f.String("passwords", "", "a CSV `file` with the old set's passwords (address, password.SET or password)")
	stateFile := f.String("state", "", "remember this run in this `file` and say what changed since the last one")
	caFile := f.String("ca", "", "trust the CA certificates in this PEM `file` instead of the system's, for the old mail server")
	insecure := f.Bool("insecure-tls", false, "log in to the old mail server without checking its certificate (an IP address its certificate does not name)")
	parallel := f.Int("parallel", 4, "how many mailboxes to look into at once")
	timeout := f.Duration("timeout", 15*time.Second, "bound on each step: a DNS question, connecting, a mail command")
	deadline := f.Duration("deadline", 5*time.Minute, "bound on the whole run")
	quiet := f.Duration("quiet", status.DefaultQuiet, "how long the old mailboxes must have received nothing")
	asJSON := f.Bool("json", false, "write the report as JSON")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "":
		return f.fail("-c FILE is required")
	case *parallel < 1:
		return f.fail("--parallel must be at least 1")
	case *timeout <= 0 || *deadline <= 0 || *quiet <= 0:
		return f.fail("--timeout, --deadline and --quiet must be more than zero")
	}
	fail := func(err error) int {
		if code := failed(e, "status", err); code == exitInterrupted {
			return code
		}
		return exitUsage
	}
	site, err := loadSite(ctx, e, *config)
	if err != nil {
		return fail(err)
	}
	opts := &status.Options{Resolvers: resolvers, ResolvConf: *resolvConf, Accounts: accounts,
		Parallel: *parallel, Timeout: *timeout, Quiet: *quiet, InsecureTLS: *insecure}
	if *caFile != "" {
		if opts.Roots, err = readRoots(*caFile); err != nil {
			return fail(err)
		}
	}
	if site.Migration == nil {
		return fail(fmt.Errorf("%s has no migration: there is no old server to check", site.Source.File))
	}
	if opts.Passwords, err = statusPasswords(e, *passwords, site.Migration.From, accounts); err != nil {
		return fail(err)
	}
	if *stateFile != "" {
		if opts.Previous, err = status.ReadState(*stateFile); err != nil {
			return fail(err)
		}
	}
	runCtx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	report, err := status.Run(runCtx, site, opts)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return fail(err)
	}
	if *stateFile != "" {
		if err := status.WriteState(*stateFile, report.State()); err != nil {
			return fail(err)
		}
	}
	if *asJSON {
		err = status.WriteJSON(e.stdout, report)
	} else {
		err = status.WriteText(e.stdout, report)
	}
	if err != nil {
		return fail(err)
	}
	if report.Ready {
		return exitOK
	}
	return exitFailure
}

// statusPasswords are the passwords on the set from of --passwords FILE,
// and of the environment for a single --account.
func statusPasswords(e *env, file, from string, accounts []string) (map[string]mailprofile.Secret, error) {
	out := map[string]mailprofile.Secret{}
	if pw, ok := os.LookupEnv(passwordEnv); ok {
		if len(accounts) != 1 {
			return nil, fmt.Errorf("%s is the password of one account: give that account with --account ADDRESS", passwordEnv)
		}
		addr, err := mailprofile.ParseAddress(accounts[0])
		if err != nil {
			return nil, fmt.Errorf("--account: %v", err)
		}
		out[strings.ToLower(addr)] = mailprofile.NewSecret(pw)
	}
	if file == "" {
		return out, nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(e.stderr, "mailprofile status: warning: %s holds passwords and can be read by others (chmod 600 %s)\n", file, file)
	}
	list, err := mailprofile.ReadAccounts(file, fh)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		pw, ok := a.Passwords[from]
		if !ok {
			pw = a.Passwords[""]
		}
		if pw.IsZero() {
			continue
		}
		addr, err := mailprofile.ParseAddress(a.Address)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		if _, ok := out[strings.ToLower(addr)]; !ok {
			out[strings.ToLower(addr)] = pw
		}
	}
	return out, nil
}

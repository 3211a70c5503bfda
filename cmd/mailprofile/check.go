package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/check"
)

// passwordEnv holds the password of check --login; a flag would show it
// in the process list and the shell history.
const passwordEnv = "MAILPROFILE_PASSWORD"

func runCheck(ctx context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	f := newFlags("check", "-c FILE|- [--set NAME] [--ca FILE] [--login ADDRESS] [--json]",
		`Check connects to every server of the description, as a mail client would,
and reports OK, WARN or FAIL per check with the reason and what to do: the
name resolves, the port answers, TLS or STARTTLS works as described, the
certificate is trusted, covers the host name or IP address (an IP needs an IP
SAN), and is not about to expire, and the server offers the authentication
described. With --login it also logs in, with the password from the
environment variable `+passwordEnv+` or asked for on the terminal.
The exit status is 1 when anything fails.`,
		e)
	config := f.String("c", "", "the description `file` (YAML), or - for standard input")
	var sets listFlag
	f.Var(&sets, "set", "only these server sets, comma-separated (default all)")
	caFile := f.String("ca", "", "trust the CA certificates in this PEM `file` instead of the system's")
	login := f.String("login", "", "also log in as this account `address`")
	asJSON := f.Bool("json", false, "write the results as JSON")
	timeout := f.Duration("timeout", 10*time.Second, "bound on each step with a server")
	deadline := f.Duration("deadline", 60*time.Second, "bound on the whole check")
	if code := f.parse(args); code >= 0 {
		return code
	}
	if *config == "" {
		return f.fail("-c FILE is required")
	}
	site, err := loadSite(ctx, e, *config)
	if err != nil {
		return failed(e, "check", err)
	}
	opts := &check.Options{Sets: sets, Timeout: *timeout}
	for _, name := range sets {
		if _, err := site.LookupSet(name); err != nil {
			fmt.Fprintf(stderr, "mailprofile check: %v\n", err)
			return exitFailure
		}
	}
	if *caFile != "" {
		if opts.Roots, err = readRoots(*caFile); err != nil {
			fmt.Fprintf(stderr, "mailprofile check: %v\n", err)
			return exitFailure
		}
	}
	if *login != "" {
		pw, err := password(ctx, stderr, *login)
		if err != nil {
			return failed(e, "check", err)
		}
		opts.Login = &check.Login{Address: *login, Password: pw}
	}
	runCtx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	results := check.Run(runCtx, site, opts)
	if ctx.Err() != nil {
		return failed(e, "check", ctx.Err())
	}
	if *asJSON {
		err = check.WriteJSON(stdout, results)
	} else {
		err = check.WriteTable(stdout, results)
		fmt.Fprintln(stdout, check.Summary(results))
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile check: %v\n", err)
		return exitFailure
	}
	if check.Failed(results) {
		return exitFailure
	}
	return exitOK
}

// readRoots reads the CA certificates of --ca.
func readRoots(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return roots, nil
}

// password takes the login password from the environment, or asks for it
// on the terminal without echoing it. Ctrl-C while it asks gives the
// terminal back as it was.
func password(ctx context.Context, stderr io.Writer, address string) (mailprofile.Secret, error) {
	if pw, ok := os.LookupEnv(passwordEnv); ok {
		return mailprofile.NewSecret(pw), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return mailprofile.Secret{}, errors.New("--login needs the password in " + passwordEnv + ", or a terminal to ask on")
	}
	state, err := term.GetState(fd)
	if err != nil {
		return mailprofile.Secret{}, err
	}
	fmt.Fprintf(stderr, "Password for %s: ", address)
	pw, err := await(ctx, func() ([]byte, error) { return term.ReadPassword(fd) })
	fmt.Fprintln(stderr)
	if err != nil {
		term.Restore(fd, state) // ReadPassword may still be waiting, with echo off
		return mailprofile.Secret{}, err
	}
	return mailprofile.NewSecret(string(pw)), nil
}

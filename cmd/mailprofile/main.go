// Command mailprofile turns one description of mail servers and accounts
// into ready-to-import mail client setup files.
//
// Usage:
//
//	mailprofile gen -c site.yaml -o out/     write every person's files
//	mailprofile validate -c site.yaml        check a description
//	mailprofile sheet -c site.yaml -o sheets/  a printable sheet per person
//	mailprofile serve -c site.yaml           answer mail clients' lookups over HTTP
//	mailprofile check -c site.yaml           test every server as a client would
//	mailprofile dns -c site.yaml             the DNS records to publish
//	mailprofile import provider.xml          a description from published settings
//
// Run "mailprofile COMMAND --help" for a command's flags. The exit status is
// 0 on success, 1 on failure and 2 for a usage error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"gen", "write Thunderbird, Outlook and Apple files for every person", runGen},
	{"validate", "check a description and print its warnings", runValidate},
	{"sheet", "write a printable settings sheet for every person", runSheet},
	{"serve", "answer Thunderbird, Outlook and Apple lookups over HTTP", runServe},
	{"check", "connect to every server and check TLS, certificates and logins", runCheck},
	{"dns", "print the DNS records that let clients find the settings", runDNS},
	{"import", "start a description from a provider's autoconfig or Autodiscover", runImport},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mailprofile: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mailprofile COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "mailprofile COMMAND --help" for the flags of a command.`)
}

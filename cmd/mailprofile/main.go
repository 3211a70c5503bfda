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
// Run "mailprofile help COMMAND" for a command's flags. The exit status is
// 0 on success, 1 on failure, 2 for a usage error, and 130 (143) when
// stopped by Ctrl-C (SIGTERM).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
)

func main() {
	// The first SIGINT or SIGTERM cancels the context: commands stop
	// between two files, and leave none half-written.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value
	go func() {
		got.Store(<-sigs)
		cancel()
	}()
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	if code == exitInterrupted && got.Load() == syscall.SIGTERM {
		code = 128 + int(syscall.SIGTERM)
	}
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 128 + int(syscall.SIGINT) // stopped by a signal
)

// env is what a command reads and writes besides files.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"gen", "write Thunderbird, Outlook and Apple files for every person", runGen},
		{"validate", "check a description and print its warnings", runValidate},
		{"sheet", "write a printable settings sheet for every person", runSheet},
		{"serve", "answer Thunderbird, Outlook and Apple lookups over HTTP", runServe},
		{"check", "connect to every server and check TLS, certificates and logins", runCheck},
		{"dns", "print the DNS records that let clients find the settings", runDNS},
		{"plan", "print the dated steps of the move, and write them as a calendar file", runPlan},
		{"status", "say whether the old server may go: DNS, caches and the old mailboxes", runStatus},
		{"import", "start a description from a provider's autoconfig or Autodiscover", runImport},
		{"help", "show the flags of a command: mailprofile help gen", runHelp},
		{"version", "print the version", runVersion},
	}
}

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(e.stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(ctx, e, nil)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "mailprofile: unknown command %q (run \"mailprofile --help\" for the commands)\n", args[0])
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
	fmt.Fprintln(w, `Run "mailprofile help COMMAND" for the flags of a command.`)
}

// runHelp prints the help of a command, as "COMMAND --help" does.
func runHelp(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] && c.name != "help" && c.name != "version" {
			return c.run(ctx, e, []string{"--help"})
		}
	}
	fmt.Fprintf(e.stderr, "mailprofile help: unknown command %q (run \"mailprofile --help\" for the commands)\n", args[0])
	return exitUsage
}

// runVersion prints the version from the build information: the module's
// version for go install, the commit for a build from a checkout.
func runVersion(_ context.Context, e *env, _ []string) int {
	fmt.Fprintln(e.stdout, "mailprofile", version())
	return exitOK
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		return "(devel) " + rev[:min(12, len(rev))] + dirty
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}

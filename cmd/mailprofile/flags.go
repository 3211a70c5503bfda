package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flags is one subcommand's FlagSet with the writers it reports to.
type flags struct {
	*flag.FlagSet
	synopsis, about string
	stdout, stderr  io.Writer
}

func newFlags(name, synopsis, about string, stdout, stderr io.Writer) *flags {
	f := &flags{
		FlagSet:  flag.NewFlagSet("mailprofile "+name, flag.ContinueOnError),
		synopsis: synopsis, about: about, stdout: stdout, stderr: stderr,
	}
	f.SetOutput(io.Discard) // parse reports errors itself
	return f
}

func (f *flags) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s %s\n\n%s\n\nFlags:\n", f.Name(), f.synopsis, f.about)
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
}

// parse parses args, which must all be flags. It returns the exit status
// when the command must stop (exitOK after --help, exitUsage after a bad
// flag or argument), or -1 to go on.
func (f *flags) parse(args []string) int {
	if code := f.parseArgs(args, 0); code >= 0 {
		return code
	}
	return -1
}

// parseArgs is parse for a command that takes n arguments after its flags.
func (f *flags) parseArgs(args []string, n int) int {
	err := f.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.usage(f.stdout)
		return exitOK
	case err != nil:
		return f.fail("%v", err)
	case f.NArg() > n:
		return f.fail("unexpected argument %q", f.Arg(n))
	case f.NArg() < n:
		return f.fail("missing argument")
	}
	return -1
}

// fail reports a usage error and returns exitUsage.
func (f *flags) fail(format string, args ...any) int {
	fmt.Fprintf(f.stderr, "%s: %s\n", f.Name(), fmt.Sprintf(format, args...))
	f.usage(f.stderr)
	return exitUsage
}

// listFlag is a flag holding a comma-separated list; it may be repeated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// flags is one subcommand's FlagSet with the writers it reports to.
type flags struct {
	*flag.FlagSet
	synopsis, about string
	e               *env
	args            []string // the arguments that are not flags
}

func newFlags(name, synopsis, about string, e *env) *flags {
	f := &flags{
		FlagSet:  flag.NewFlagSet("mailprofile "+name, flag.ContinueOnError),
		synopsis: synopsis, about: about, e: e,
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
	return f.parseArgs(args, 0)
}

// parseArgs is parse for a command that takes n arguments. Flags may come
// before and after them, as in "import file.xml --address a@b"; after
// "--" everything is an argument.
func (f *flags) parseArgs(args []string, n int) int {
	for {
		err := f.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			f.usage(f.e.stdout)
			return exitOK
		case err != nil:
			return f.fail("%v", err)
		}
		rest := f.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			f.args = append(f.args, rest...)
			break
		}
		f.args = append(f.args, rest[0])
		args = rest[1:]
	}
	switch {
	case len(f.args) > n:
		return f.fail("unexpected argument %q", f.args[n])
	case len(f.args) < n:
		return f.fail("missing argument")
	}
	return -1
}

// arg is the i-th argument that is not a flag.
func (f *flags) arg(i int) string { return f.args[i] }

// fail reports a usage error in one line and returns exitUsage.
func (f *flags) fail(format string, args ...any) int {
	fmt.Fprintf(f.e.stderr, "%s: %s (run \"%s --help\" for the flags)\n", f.Name(), fmt.Sprintf(format, args...), f.Name())
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

// repeatedFlag is a flag that may be given several times, each value
// whole (a file name may hold a comma).
type repeatedFlag []string

func (r *repeatedFlag) String() string { return strings.Join(*r, " ") }

func (r *repeatedFlag) Set(s string) error {
	*r = append(*r, s)
	return nil
}

// secondsFlag is a time in whole seconds, written as a number of seconds
// (3600) or as a duration (1h, 90m).
type secondsFlag int

func (s *secondsFlag) String() string { return strconv.Itoa(int(*s)) }

func (s *secondsFlag) Set(v string) error {
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return errors.New("must not be negative")
		}
		*s = secondsFlag(n)
		return nil
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		return errors.New("must be a number of seconds or a duration such as 1h")
	case d < 0:
		return errors.New("must not be negative")
	case d%time.Second != 0:
		return errors.New("must be whole seconds")
	}
	*s = secondsFlag(d / time.Second)
	return nil
}

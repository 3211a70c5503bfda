package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/mailprofile/mailprofile"
)

// stdinName is how messages name standard input.
const stdinName = "<standard input>"

// loadSites reads the descriptions at path: a file of one or more domains
// (YAML documents separated by ---), a folder of such files, or "-" for
// standard input. Nothing is written while it reads, so a signal ends the
// wait at once.
func loadSites(ctx context.Context, e *env, path string) ([]*mailprofile.Site, error) {
	return await(ctx, func() ([]*mailprofile.Site, error) {
		if path != "-" {
			return mailprofile.LoadAll(path)
		}
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", stdinName, err)
		}
		return mailprofile.ParseAll(stdinName, data)
	})
}

// loadSite is loadSites for a command that takes one domain.
func loadSite(ctx context.Context, e *env, path string) (*mailprofile.Site, error) {
	sites, err := loadSites(ctx, e, path)
	if err != nil {
		return nil, err
	}
	if len(sites) > 1 {
		name := path
		if path == "-" {
			name = stdinName
		}
		return nil, fmt.Errorf("%s describes %d domains; this command takes one: give it the description of one domain", name, len(sites))
	}
	return sites[0], nil
}

// await runs f, which writes nothing, and returns its result, or the
// context's error as soon as the context is done.
func await[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// failed reports err and returns the exit status: exitInterrupted when a
// signal stopped the command, else exitFailure. Errors of a description
// are printed as they are (file:line: field: message), others after the
// command's name.
func failed(e *env, name string, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(e.stderr, "mailprofile %s: stopped\n", name)
		return exitInterrupted
	}
	if mailprofile.Errors(err) != nil {
		fmt.Fprintln(e.stderr, err)
	} else {
		fmt.Fprintf(e.stderr, "mailprofile %s: %v\n", name, err)
	}
	return exitFailure
}

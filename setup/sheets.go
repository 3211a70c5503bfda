package setup

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strconv"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
)

// WriteSheets writes the printable sheet of every account of site into dir
// (ADDRESS.html, named as export.SafeName names it, each self-contained
// with its QR codes) and index.html, which lists them all. Accounts not on
// the set are left out. It returns the number of sheets written; progress,
// when not nil, is called with it after each. When ctx is done it stops
// after the sheet it is writing and returns ctx.Err(): no sheet is
// half-written.
func WriteSheets(ctx context.Context, dir string, site *mailprofile.Site, opts *Options, progress func(int)) (int, error) {
	o := printed(opts)
	var entries []IndexEntry
	err := eachPerson(ctx, site, o, func(a *mailprofile.Account) error {
		var buf bytes.Buffer
		if err := Page(&buf, site, a, o); err != nil {
			return err
		}
		name := export.SafeName(a.Address) + ".html"
		if err := export.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
		entries = append(entries, IndexEntry{Address: mailprofile.UnicodeAddress(a.Address), Name: a.Name, Href: name})
		if progress != nil {
			progress(len(entries))
		}
		return nil
	})
	if err != nil {
		return len(entries), err
	}
	var buf bytes.Buffer
	if err := Index(&buf, site, entries, o); err != nil {
		return len(entries), err
	}
	return len(entries), export.WriteFile(filepath.Join(dir, "index.html"), buf.Bytes(), 0o644)
}

// WriteCombined writes the sheets of every account of every site into one
// HTML document, each person on a printed A4 page of their own: one print
// run for the whole office. Accounts not on the set are left out. It
// returns the number of sheets written; progress, when not nil, is called
// with it after each. When ctx is done it stops and returns ctx.Err(); the
// caller throws the unfinished document away.
func WriteCombined(ctx context.Context, w io.Writer, sites []*mailprofile.Site, opts *Options, progress func(int)) (int, error) {
	o := printed(opts)
	if len(sites) == 0 {
		return 0, nil
	}
	lang := o.lang(sites[0])
	head := map[string]any{"Lang": lang, "Org": sites[0].DisplayName()}
	if err := execute(w, lang, "combined-start", head); err != nil {
		return 0, err
	}
	n := 0
	for _, site := range sites {
		err := eachPerson(ctx, site, o, func(a *mailprofile.Account) error {
			v, err := newView(site, a, o)
			if err != nil {
				return err
			}
			n++
			v.ID = "p" + strconv.Itoa(n) + "-" // the ids of each sheet apart
			if err := execute(w, v.Lang, "sheet", v); err != nil {
				return err
			}
			if progress != nil {
				progress(n)
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, execute(w, lang, "combined-end", head)
}

// printed is opts for paper: nothing to follow or switch to.
func printed(opts *Options) *Options {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.SwitchURL = ""
	o.Printed = true
	return &o
}

// eachPerson calls fn with every account of site on the set of opts, and
// stops with ctx.
func eachPerson(ctx context.Context, site *mailprofile.Site, opts *Options, fn func(*mailprofile.Account) error) error {
	set, err := site.LookupSet(opts.Set)
	if err != nil {
		return err
	}
	return site.EachAccount(func(a *mailprofile.Account) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !a.HasSet(set.Name) {
			return nil
		}
		return fn(a)
	})
}

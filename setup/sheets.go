package setup

import (
	"bytes"
	"context"
	"path/filepath"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
)

// WriteSheets writes the printable sheet of every account of site into dir
// (ADDRESS.html, named as export.SafeName names it, each self-contained
// with its QR code) and index.html, which lists them all. Accounts not on
// the set are left out. It returns the number of sheets written; progress,
// when not nil, is called with it after each. When ctx is done it stops
// after the sheet it is writing and returns ctx.Err(): no sheet is
// half-written.
func WriteSheets(ctx context.Context, dir string, site *mailprofile.Site, opts *Options, progress func(int)) (int, error) {
	if opts == nil {
		opts = &Options{}
	}
	o := *opts
	o.SwitchURL = "" // a printed page has nothing to switch to
	set, err := site.LookupSet(o.Set)
	if err != nil {
		return 0, err
	}
	var entries []IndexEntry
	err = site.EachAccount(func(a *mailprofile.Account) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !a.HasSet(set.Name) {
			return nil
		}
		var buf bytes.Buffer
		if err := Page(&buf, site, a, &o); err != nil {
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
	if err := Index(&buf, site, entries, &o); err != nil {
		return len(entries), err
	}
	return len(entries), export.WriteFile(filepath.Join(dir, "index.html"), buf.Bytes(), 0o644)
}

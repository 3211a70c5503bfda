// Package sitetest reaches the accounts of a loaded description in tests,
// failing the test when they cannot be read, and makes the Settings that
// the generators must refuse.
package sitetest

import (
	"testing"

	"github.com/mailprofile/mailprofile"
)

// Account returns the listed account with address addr, or fails t.
func Account(t testing.TB, site *mailprofile.Site, addr string) *mailprofile.Account {
	t.Helper()
	a, err := site.Account(addr)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// All returns every account of site, those of its CSV file included, or
// fails t.
func All(t testing.TB, site *mailprofile.Site) []*mailprofile.Account {
	t.Helper()
	var all []*mailprofile.Account
	err := site.EachAccount(func(a *mailprofile.Account) error {
		all = append(all, a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// Unvalidated is Settings built in code that Validate never completed (no
// ports, no security): what every generator must refuse.
func Unvalidated() *mailprofile.Settings {
	return &mailprofile.Settings{
		Site:     &mailprofile.Site{Domain: "example.com"},
		Set:      &mailprofile.ServerSet{Name: "main"},
		Account:  &mailprofile.Account{Address: "a@example.com"},
		Incoming: []mailprofile.Server{{Protocol: mailprofile.ProtocolIMAP, Host: "imap.example.com"}},
		Outgoing: []mailprofile.Server{{Protocol: mailprofile.ProtocolSMTP, Host: "smtp.example.com"}},
	}
}

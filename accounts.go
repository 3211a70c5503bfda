package mailprofile

import (
	"fmt"
	"strings"
	"sync"
)

// EachAccount calls f for every account: those of Site.Accounts first, then
// those of the CSV file, read from it one at a time, so that memory does
// not grow with their number. It stops at the first error from f, or from
// reading the file, and returns it. Each account of the file is checked
// again as it is read: a file changed since Validate is an error, never
// wrong data.
func (s *Site) EachAccount(f func(*Account) error) error {
	for _, a := range s.Accounts {
		if err := f(a); err != nil {
			return err
		}
	}
	if s.AccountsCSV == "" {
		return nil
	}
	return s.eachCSVAccount(func(a *Account, _ rowRef) error { return f(a) })
}

// eachCSVAccount reads the accounts of the CSV file, checking each as
// Validate does.
func (s *Site) eachCSVAccount(f func(*Account, rowRef) error) error {
	var fromF error
	err := eachCSVAccount(s.AccountsCSV, func(a *Account, ref rowRef) error {
		v := &validator{site: s, domainOK: true}
		v.account(a, -1)
		if err := v.errs.Err(); err != nil {
			return err
		}
		fromF = f(a, ref)
		return fromF
	})
	if err != nil && err != fromF {
		return changedError(s.AccountsCSV, err)
	}
	return err
}

func changedError(file string, err error) error {
	return fmt.Errorf("%s changed since it was checked: %w", file, err)
}

// Account returns the account with the given address. Letter case and the
// form of the domain (Unicode or ASCII) do not matter, as for the duplicate
// check of Validate. The error wraps ErrNotFound when there is no such
// account, or says why the CSV file could not be read.
//
// The first call for a site with a CSV file reads the file once and keeps
// where each address is (a few dozen bytes per account); later calls read
// just the one row.
func (s *Site) Account(address string) (*Account, error) {
	addr, err := normalizeAddress(address)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	key := addressKey(addr)
	for _, a := range s.Accounts {
		if addressKey(a.Address) == key {
			return a, nil
		}
	}
	if s.AccountsCSV == "" {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, addr)
	}
	rows, err := s.index.get(s)
	if err != nil {
		return nil, err
	}
	ref, ok := rows[key]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, addr)
	}
	a, err := csvAccountAt(s.AccountsCSV, ref)
	if err == nil {
		v := &validator{site: s, domainOK: true}
		v.account(a, -1)
		err = v.errs.Err()
	}
	if err == nil && addressKey(a.Address) != key {
		err = fmt.Errorf("line %d holds %s, not %s", ref.line, a.Address, addr)
	}
	if err != nil {
		return nil, changedError(s.AccountsCSV, err)
	}
	return a, nil
}

// accountIndex is where each address of a site's CSV file is.
type accountIndex struct {
	mu   sync.Mutex
	rows map[string]rowRef // by addressKey
}

func (ix *accountIndex) get(s *Site) (map[string]rowRef, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.rows != nil {
		return ix.rows, nil
	}
	rows := make(map[string]rowRef)
	err := s.eachCSVAccount(func(a *Account, ref rowRef) error {
		rows[addressKey(a.Address)] = ref
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix.rows = rows
	return rows, nil
}

// reset forgets the index, for Validate: the accounts may have changed.
func (ix *accountIndex) reset() {
	ix.mu.Lock()
	ix.rows = nil
	ix.mu.Unlock()
}

// addressKey is what tells addresses apart: two that differ in letter case
// only are one account. addr is normalised (its domain in ASCII form).
func addressKey(addr string) string {
	return strings.ToLower(addr)
}

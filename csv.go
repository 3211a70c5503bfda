package mailprofile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// ReadAccountsFile reads accounts from a CSV file; see ReadAccounts.
func ReadAccountsFile(path string) ([]*Account, error) {
	var accounts []*Account
	err := eachCSVAccount(path, func(a *Account) error {
		accounts = append(accounts, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return accounts, nil
}

// eachCSVAccount reads the CSV file at path and calls f for each account,
// one at a time.
func eachCSVAccount(path string, f func(*Account) error) error {
	file, err := os.Open(path)
	if err != nil {
		return ErrorList{{Pos: Pos{File: path}, Field: "accounts_csv", Msg: readError(err)}}
	}
	defer file.Close()
	return readCSV(path, file, f)
}

// ReadAccounts reads accounts from CSV text as spreadsheets save it: UTF-8
// (a byte order mark is fine), a header row, fields quoted the Excel way.
// The columns, in any order and letter case:
//
//	address          the email address (required)
//	name             the display name
//	sets             the sets the account has, e.g. "new" or "old new"
//	username         the login name on every set
//	username.SET     the login name on one set, e.g. username.old
//	password         the password on every set (used only on request)
//	password.SET     the password on one set
//
// Columns named note, notes or comment, or starting with # or _, are
// ignored. Errors name the file, the line and the row as a spreadsheet
// numbers it (the header is row 1). The accounts are not validated here;
// Validate does that.
func ReadAccounts(name string, r io.Reader) ([]*Account, error) {
	var accounts []*Account
	err := readCSV(name, r, func(a *Account) error {
		accounts = append(accounts, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return accounts, nil
}

// readCSV reads CSV accounts and hands each to f as soon as it is read. It
// reads on after a bad row, to report every problem; an error from f stops
// it.
func readCSV(name string, r io.Reader, f func(*Account) error) error {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	var errs ErrorList
	fail := func(line int, field, format string, args ...any) {
		errs.add(Pos{File: name, Line: line}, field, format, args...)
	}

	header, err := cr.Read()
	if err == io.EOF {
		fail(0, "", "the file is empty; it needs a header row with an address column")
		return errs.Err()
	}
	if err != nil {
		fail(csvLine(err), "row 1", "%s", csvErrorText(err))
		return errs.Err()
	}
	cols := make([]func(a *Account, v string), len(header))
	hasAddress := false
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		set := ""
		if base, s, ok := strings.Cut(h, "."); ok {
			h, set = base, s
		}
		switch {
		case h == "address" && set == "":
			hasAddress = true
			cols[i] = func(a *Account, v string) { a.Address = v }
		case h == "name" && set == "":
			cols[i] = func(a *Account, v string) { a.Name = v }
		case h == "sets" && set == "":
			cols[i] = func(a *Account, v string) { a.Sets = splitList(v) }
		case h == "username":
			cols[i] = func(a *Account, v string) {
				if a.Usernames == nil {
					a.Usernames = make(map[string]string)
				}
				a.Usernames[set] = v
			}
		case h == "password":
			cols[i] = func(a *Account, v string) {
				if a.Passwords == nil {
					a.Passwords = make(map[string]Secret)
				}
				a.Passwords[set] = NewSecret(v)
			}
		case h == "note" || h == "notes" || h == "comment" || strings.HasPrefix(h, "#") || strings.HasPrefix(h, "_"):
		default:
			fail(1, "row 1", "unknown column %q (known: address, name, sets, username, username.SET, password, password.SET)", header[i])
		}
	}
	if !hasAddress {
		fail(1, "row 1", "no address column")
	}
	if len(errs) > 0 {
		return errs.Err()
	}

	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(csvLine(err), fmt.Sprintf("row %d", row), "%s", csvErrorText(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		a := &Account{Source: Source{Pos: Pos{File: name, Line: line}, Path: fmt.Sprintf("row %d", row)}}
		for i, v := range rec {
			v = strings.TrimSpace(v)
			if i >= len(cols) {
				if v != "" {
					fail(line, a.Source.Path, "has %d fields but the header has %d columns", len(rec), len(header))
				}
				continue
			}
			if cols[i] == nil || v == "" {
				continue
			}
			if !utf8.ValidString(v) {
				fail(line, a.Source.Path+": "+strings.ToLower(strings.TrimSpace(header[i])),
					"is not UTF-8 text (save the file as \"CSV UTF-8\")")
				continue
			}
			fieldLine, _ := cr.FieldPos(i)
			a.Source.setKey(strings.ToLower(strings.TrimSpace(header[i])), fieldLine)
			cols[i](a, v)
		}
		if err := f(a); err != nil {
			return err
		}
	}
	return errs.Err()
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func csvLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

func csvErrorText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return err.Error()
}

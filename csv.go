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

	"golang.org/x/text/unicode/norm"
)

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
// ignored. Every row has as many fields as the header has columns. Errors
// name the file, the line and the row as a spreadsheet numbers it (the
// header is row 1); every bad row is reported at once, and the good rows are
// returned beside them. The accounts are not validated here; Validate does
// that.
func ReadAccounts(name string, r io.Reader) ([]*Account, error) {
	var accounts []*Account
	err := readCSV(name, r, func(a *Account, _ rowRef) error {
		accounts = append(accounts, a)
		return nil
	})
	return accounts, err
}

// rowRef is where an account's row is in its CSV file: the byte offset of
// the row after any byte order mark, its first line and its row number.
type rowRef struct {
	offset int64
	line   int32
	row    int32
}

// eachCSVAccount reads the CSV file at path and calls f for each account,
// one at a time.
func eachCSVAccount(path string, f func(*Account, rowRef) error) error {
	file, err := os.Open(path)
	if err != nil {
		return ErrorList{{Pos: Pos{File: path}, Field: "accounts_csv", Msg: readError(err)}}
	}
	defer file.Close()
	return readCSV(path, file, f)
}

// csvAccountAt reads the account in the row at ref of the CSV file at path.
func csvAccountAt(path string, ref rowRef) (*Account, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	br, bom := skipBOM(file)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, csvErrorText(err))
	}
	cols, errs := csvColumns(path, header)
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	if _, err := file.Seek(bom+ref.offset, io.SeekStart); err != nil {
		return nil, err
	}
	cr = csv.NewReader(bufio.NewReader(file))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %s", path, ref.line, csvErrorText(err))
	}
	a, errs := cols.account(path, rec, ref, func(int) int { return int(ref.line) })
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	return a, nil
}

// skipBOM returns a reader of r after any UTF-8 byte order mark, and the
// mark's length.
func skipBOM(r io.Reader) (*bufio.Reader, int64) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		return br, 3
	}
	return br, 0
}

// readCSV reads CSV accounts and hands each to f as soon as it is read,
// with where its row is. A row with a problem is reported and left out, and
// reading goes on, so that one pass reports every problem; an error from f
// stops it.
func readCSV(name string, r io.Reader, f func(*Account, rowRef) error) error {
	br, _ := skipBOM(r)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return ErrorList{{Pos: Pos{File: name}, Msg: "the file is empty; it needs a header row with an address column"}}
	}
	if err != nil {
		return ErrorList{{Pos: Pos{File: name, Line: csvLine(err)}, Field: "row 1", Msg: csvErrorText(err)}}
	}
	cols, errs := csvColumns(name, header)
	if len(errs) > 0 {
		return errs.Err()
	}
	for row := int32(2); ; row++ {
		offset := cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The rows after a broken quote cannot be told apart.
			errs.add(Pos{File: name, Line: csvLine(err)}, fmt.Sprintf("row %d", row), "%s", csvErrorText(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		ref := rowRef{offset: offset, line: int32(line), row: row}
		a, rowErrs := cols.account(name, rec, ref, func(i int) int { l, _ := cr.FieldPos(i); return l })
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		if err := f(a, ref); err != nil {
			return err
		}
	}
	return errs.Err()
}

// column is what one column of a CSV file of accounts sets.
type column struct {
	key string                     // the header as messages show it, e.g. "username.old"
	set func(a *Account, v string) // nil for a column that is ignored
}

// columnNames are other names of the columns, as offices export them from
// Japanese Excel: name → the name the reader knows.
var columnNames = map[string]string{
	"メールアドレス": "address",
	"氏名":      "name",
	"名前":      "name",
	"ユーザー名":   "username",
	"パスワード":   "password",
	"備考":      "note",
	"メモ":      "note",
}

// columnKey is a header as the reader knows it: in lower case, with
// full-width letters and half-width katakana made ordinary (NFKC), and
// Japanese names in English.
func columnKey(h string) (key, base, set string) {
	key = strings.ToLower(norm.NFKC.String(strings.TrimSpace(h)))
	base, set, dotted := strings.Cut(key, ".")
	if en, ok := columnNames[base]; ok {
		base, key = en, en
		if dotted {
			key = en + "." + set
		}
	}
	return key, base, set
}

type columns []column

// csvColumns reads the header row.
func csvColumns(name string, header []string) (columns, ErrorList) {
	var errs ErrorList
	cols := make(columns, len(header))
	hasAddress := false
	for i, h := range header {
		key, base, set := columnKey(h)
		cols[i].key = clipped(key)
		switch {
		case key == "address":
			hasAddress = true
			cols[i].set = func(a *Account, v string) { a.Address = v }
		case key == "name":
			cols[i].set = func(a *Account, v string) { a.Name = v }
		case key == "sets":
			cols[i].set = func(a *Account, v string) { a.Sets = splitList(v) }
		case base == "username":
			cols[i].set = func(a *Account, v string) {
				if a.Usernames == nil {
					a.Usernames = make(map[string]string)
				}
				a.Usernames[set] = v
			}
		case base == "password":
			cols[i].key = "password" // the rest of the header may be a password typed there
			cols[i].set = func(a *Account, v string) {
				if a.Passwords == nil {
					a.Passwords = make(map[string]Secret)
				}
				a.Passwords[set] = NewSecret(v)
			}
		case key == "note" || key == "notes" || key == "comment" || strings.HasPrefix(key, "#") || strings.HasPrefix(key, "_"):
		case strings.HasPrefix(base, "pass"):
			errs.add(Pos{File: name, Line: 1}, "row 1", "a column whose name starts with %q is not password or password.SET (its name is not shown, as it may hold a password)", h[:4])
		default:
			errs.add(Pos{File: name, Line: 1}, "row 1", "unknown column %q (known: address, name, sets, username, username.SET, password, password.SET, or メールアドレス, 氏名, 名前, ユーザー名, パスワード)", clipped(h))
		}
	}
	if !hasAddress {
		errs.add(Pos{File: name, Line: 1}, "row 1", "no address column")
	}
	return cols, errs
}

// account makes the account of one row; lineOf gives the line of field i.
func (cols columns) account(name string, rec []string, ref rowRef, lineOf func(i int) int) (*Account, ErrorList) {
	var errs ErrorList
	path := fmt.Sprintf("row %d", ref.row)
	if len(rec) != len(cols) {
		errs.add(Pos{File: name, Line: int(ref.line)}, path,
			"has %d fields but the header has %d columns (a field that holds a comma must be in double quotes)", len(rec), len(cols))
		return nil, errs
	}
	a := &Account{Source: Source{Pos: Pos{File: name, Line: int(ref.line)}, Path: path}}
	for i, v := range rec {
		v = strings.TrimSpace(v)
		if cols[i].set == nil || v == "" {
			continue
		}
		if !utf8.ValidString(v) {
			errs.add(Pos{File: name, Line: lineOf(i)}, path+": "+cols[i].key, "is not UTF-8 text (save the file as \"CSV UTF-8\")")
			continue
		}
		a.Source.setKey(cols[i].key, lineOf(i))
		cols[i].set(a, v)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return a, nil
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

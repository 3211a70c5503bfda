package mailprofile

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a place in a description file. The zero Pos means the value was
// built in code rather than read from a file.
type Pos struct {
	File string // file name as given to Parse or Load
	Line int    // 1-based; 0 when unknown
}

// String returns "file:line", "file" or "" as far as they are known.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
}

// Error is one problem in a description: where it is, which field, and what
// is wrong. It prints as "site.yaml:14: servers.new.outgoing[0].port: 70000
// is not a port".
type Error struct {
	Pos   Pos
	Field string // dotted path of the field, e.g. "servers.new.outgoing[0].port"
	Msg   string
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	var b strings.Builder
	if s := e.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a description, in file and line
// order. Load and Parse return it as their error; use errors.As to reach the
// individual errors.
type ErrorList []*Error

var _ error = ErrorList(nil)

// Error returns the errors one per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.sort()
	return l
}

// Unwrap lets errors.Is and errors.As look at each error in the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.before(l[j].Pos) })
}

// before orders places by file, then line.
func (p Pos) before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	return p.Line < q.Line
}

func (l *ErrorList) add(pos Pos, field, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// clipped shortens a value for a message: a field of a spreadsheet or a
// key may be megabytes long, and a message shows the start of it and its
// length.
func clipped(s string) string {
	const keep = 64
	if len(s) <= 2*keep {
		return s
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// Warning is something that works but will surprise people, such as a
// certificate name warning for a server addressed by IP: where it is, which
// field, and what people will see. It prints as an Error does.
type Warning struct {
	Pos   Pos
	Field string
	Msg   string
}

// String returns "file:line: field: msg".
func (w *Warning) String() string {
	e := Error(*w)
	return e.Error()
}

// Errors returns the individual errors in err when it is, or wraps, an
// ErrorList or an *Error, and nil otherwise.
func Errors(err error) []*Error {
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// UnsupportedError is returned by a generator when a client's format cannot
// express what the description asks for, such as OAuth2 in an Apple profile.
type UnsupportedError struct {
	Client string // "apple", "outlook", "thunderbird"
	Field  string // what could not be expressed, e.g. "incoming"
	Reason string
}

var _ error = (*UnsupportedError)(nil)

func (e *UnsupportedError) Error() string {
	return e.Client + ": " + e.Field + ": " + e.Reason
}

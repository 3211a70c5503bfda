package apple

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small writer for the XML property lists of profiles. It writes what
// howett.net/plist writes (sorted keys, tab indentation, the same escaping)
// without reflection, so that a profile is made in microseconds: the served
// endpoint makes one per request. The tests read every output back with
// howett.net/plist and check it against Apple's schema.

const plistHeader = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
`

// value is a plist value: a string, an integer, a boolean, data, or an
// array of dictionaries.
type value struct {
	kind  byte // 's', 'i', 'b', 'd' (data), 'a'
	s     string
	i     int
	b     bool
	data  []byte
	dicts []dict
}

type entry struct {
	key string
	val value
}

// dict is a dictionary being built; write sorts its keys.
type dict []entry

func (d *dict) str(key, s string) { *d = append(*d, entry{key, value{kind: 's', s: s}}) }

// strIf adds s unless it is empty, like howett's omitempty.
func (d *dict) strIf(key, s string) {
	if s != "" {
		d.str(key, s)
	}
}

func (d *dict) integer(key string, i int)  { *d = append(*d, entry{key, value{kind: 'i', i: i}}) }
func (d *dict) boolean(key string, b bool) { *d = append(*d, entry{key, value{kind: 'b', b: b}}) }
func (d *dict) bytes(key string, b []byte) { *d = append(*d, entry{key, value{kind: 'd', data: b}}) }

func (d *dict) array(key string, ds []dict) {
	*d = append(*d, entry{key, value{kind: 'a', dicts: ds}})
}

// marshal writes the plist document with d as its top-level dictionary.
func marshal(d dict) []byte {
	buf := make([]byte, 0, 4096)
	buf = append(buf, plistHeader...)
	buf = d.write(buf, 1)
	buf = append(buf, "</plist>\n"...)
	return buf
}

func (d dict) write(buf []byte, depth int) []byte {
	byKey := func(a, b entry) int { return strings.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(d, byKey) {
		slices.SortFunc(d, byKey)
	}
	buf = indent(buf, depth)
	buf = append(buf, "<dict>\n"...)
	for _, e := range d {
		buf = indent(buf, depth+1)
		buf = append(buf, "<key>"...)
		buf = appendEscaped(buf, e.key)
		buf = append(buf, "</key>\n"...)
		buf = e.val.write(buf, depth+1)
	}
	buf = indent(buf, depth)
	return append(buf, "</dict>\n"...)
}

func (v value) write(buf []byte, depth int) []byte {
	buf = indent(buf, depth)
	switch v.kind {
	case 's':
		if v.s == "" {
			return append(buf, "<string/>\n"...)
		}
		buf = append(buf, "<string>"...)
		buf = appendEscaped(buf, v.s)
		return append(buf, "</string>\n"...)
	case 'i':
		buf = append(buf, "<integer>"...)
		buf = strconv.AppendInt(buf, int64(v.i), 10)
		return append(buf, "</integer>\n"...)
	case 'd':
		buf = append(buf, "<data>"...)
		buf = base64.StdEncoding.AppendEncode(buf, v.data)
		return append(buf, "</data>\n"...)
	case 'b':
		if v.b {
			return append(buf, "<true/>\n"...)
		}
		return append(buf, "<false/>\n"...)
	}
	buf = append(buf, "<array>\n"...)
	for _, d := range v.dicts {
		buf = d.write(buf, depth+1)
	}
	buf = indent(buf, depth)
	return append(buf, "</array>\n"...)
}

func indent(buf []byte, depth int) []byte {
	for range depth {
		buf = append(buf, '\t')
	}
	return buf
}

// appendEscaped escapes s as encoding/xml's EscapeText does: the five XML
// characters, tab and line ends as character references, and anything that
// may not appear in XML as U+FFFD.
func appendEscaped(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		// The common case: a run of plain ASCII, copied at once.
		j := i
		for j < len(s) && plain(s[j]) {
			j++
		}
		if j > i {
			buf = append(buf, s[i:j]...)
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			buf = append(buf, "&#34;"...)
		case r == '\'':
			buf = append(buf, "&#39;"...)
		case r == '&':
			buf = append(buf, "&amp;"...)
		case r == '<':
			buf = append(buf, "&lt;"...)
		case r == '>':
			buf = append(buf, "&gt;"...)
		case r == '\t':
			buf = append(buf, "&#x9;"...)
		case r == '\n':
			buf = append(buf, "&#xA;"...)
		case r == '\r':
			buf = append(buf, "&#xD;"...)
		case r == utf8.RuneError && size == 1 || !inXMLRange(r):
			buf = append(buf, "\uFFFD"...)
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return buf
}

func plain(c byte) bool {
	return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>'
}

// inXMLRange reports whether r may appear in XML 1.0 text.
func inXMLRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

package outlook

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

// scanRequest reads a request in the plain form every client sends: ASCII,
// an optional XML declaration, elements with quoted attributes, text with
// XML's own entity references. It gives up (ok false) at anything else, at
// anything malformed and at any error, leaving the whole decision to
// decodeRequest; so it never accepts what encoding/xml would refuse, and
// never refuses anything.
func scanRequest(b []byte) (req *Request, ok bool) {
	if !plainText(b) {
		return nil, false
	}
	i := skipSpace(b, 0)
	if bytes.HasPrefix(b[i:], []byte("<?xml")) {
		end := bytes.Index(b[i:], []byte("?>"))
		if end < 0 || bytes.IndexByte(b[i:i+end], '<') > 0 || !validDecl(b[i+5:i+end]) {
			return nil, false
		}
		i += end + 2
	}
	var (
		c        collector
		stackBuf [8][]byte
		stack    = stackBuf[:0] // qualified names of the open elements
		done     bool           // the root element has closed
	)
	for i < len(b) {
		if b[i] != '<' {
			j := len(b)
			if k := bytes.IndexByte(b[i:], '<'); k >= 0 {
				j = i + k
			}
			text, ok := unescape(b[i:j])
			if !ok || len(stack) == 0 && len(bytes.TrimSpace(text)) > 0 {
				return nil, false
			}
			c.text = text // the one run of text since the last tag: no copy
			i = j
			continue
		}
		if done || i+1 >= len(b) {
			return nil, false
		}
		switch b[i+1] {
		case '!', '?': // comments, CDATA, DOCTYPE, processing instructions
			return nil, false
		case '/':
			name, j := scanName(b, i+2)
			j = skipSpace(b, j)
			if len(name) == 0 || j >= len(b) || b[j] != '>' || len(stack) == 0 || !bytes.Equal(stack[len(stack)-1], name) {
				return nil, false
			}
			stack = stack[:len(stack)-1]
			c.end()
			done = len(stack) == 0
			i = j + 1
		default:
			name, j := scanName(b, i+1)
			if len(name) == 0 {
				return nil, false
			}
			var seenBuf [4][]byte
			seen := seenBuf[:0]
			for {
				k := skipSpace(b, j)
				if k >= len(b) {
					return nil, false
				}
				if b[k] == '>' || b[k] == '/' {
					j = k
					break
				}
				if k == j { // attributes must be separated by space
					return nil, false
				}
				attr, k2 := scanName(b, k)
				k2 = skipSpace(b, k2)
				if len(attr) == 0 || k2+1 >= len(b) || b[k2] != '=' {
					return nil, false
				}
				k2 = skipSpace(b, k2+1)
				if k2 >= len(b) || b[k2] != '"' && b[k2] != '\'' {
					return nil, false
				}
				q := b[k2]
				end := bytes.IndexByte(b[k2+1:], q)
				if end < 0 {
					return nil, false
				}
				val := b[k2+1 : k2+1+end]
				if bytes.IndexByte(val, '<') >= 0 || bytes.IndexByte(val, '&') >= 0 {
					return nil, false
				}
				for _, s := range seen {
					if bytes.Equal(s, attr) {
						return nil, false // a repeated attribute
					}
				}
				seen = append(seen, attr)
				j = k2 + 1 + end + 1
			}
			local := name
			if k := bytes.LastIndexByte(name, ':'); k >= 0 {
				local = name[k+1:]
			}
			if len(local) == 0 || name[0] == ':' {
				return nil, false
			}
			c.start(local)
			if b[j] == '/' {
				if j+1 >= len(b) || b[j+1] != '>' {
					return nil, false
				}
				c.end()
				done = len(stack) == 0
				i = j + 2
			} else {
				stack = append(stack, name)
				i = j + 1
			}
		}
	}
	if !done || len(stack) != 0 {
		return nil, false
	}
	req, err := c.result()
	if err != nil {
		return nil, false
	}
	return req, true
}

// plainText reports whether b is ASCII without control characters other
// than tab, LF and CR. It looks at eight bytes at a time, and at single
// bytes only in words that hold a byte below 0x20 (or a tab or line end).
func plainText(b []byte) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		if w&highs != 0 {
			return false // a byte of 0x80 or more
		}
		if (w-0x20*ones)&^w&highs != 0 { // a byte below 0x20
			for _, c := range b[:8] {
				if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
					return false
				}
			}
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 || c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// validDecl accepts the attributes of the XML declarations clients send.
func validDecl(b []byte) bool {
	s := string(bytes.TrimSpace(b))
	switch s {
	case `version="1.0"`, `version="1.0" encoding="utf-8"`, `version="1.0" encoding="UTF-8"`,
		`version='1.0'`, `version='1.0' encoding='utf-8'`, `version='1.0' encoding='UTF-8'`:
		return len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r')
	}
	return false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanName reads an XML name of ASCII letters, digits, '_', '-', '.' and
// ':' that does not start with a digit, '-' or '.'. A name with more than
// one ':', which encoding/xml refuses, reads as empty (give up).
func scanName(b []byte, i int) ([]byte, int) {
	j, colons := i, 0
	for j < len(b) {
		class := nameBytes[b[j]]
		if class&nameNext == 0 || j == i && class&nameFirst == 0 {
			break
		}
		if b[j] == ':' {
			colons++
		}
		j++
	}
	if colons > 1 {
		return nil, j
	}
	return b[i:j], j
}

// The classes of bytes in the names scanName reads.
const (
	nameFirst = 1 << iota // may start a name
	nameNext              // may be in a name after its first byte
)

var nameBytes = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
			t[c] = nameFirst | nameNext
		case '0' <= c && c <= '9', c == '-', c == '.':
			t[c] = nameNext
		}
	}
	return t
}()

// unescape resolves XML's five entities and character references in text,
// and turns line ends ("\r\n" and a lone "\r") into "\n" as XML does.
func unescape(b []byte) ([]byte, bool) {
	// Texts are short: one look at each byte beats three searches.
	special := false
	for _, c := range b {
		if c == '&' || c == '\r' || c == ']' {
			special = true
			break
		}
	}
	if !special {
		return b, true
	}
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 {
		if bytes.Contains(b, []byte("]]>")) {
			return nil, false
		}
		return b, true
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			if i+1 < len(b) && b[i+1] == '\n' {
				continue // the "\n" follows
			}
			out = append(out, '\n')
			continue
		}
		if b[i] != '&' {
			out = append(out, b[i])
			continue
		}
		end := bytes.IndexByte(b[i:], ';')
		if end < 0 {
			return nil, false
		}
		ent := string(b[i+1 : i+end])
		switch ent {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			var n uint64
			var err error
			switch {
			case len(ent) > 2 && ent[:2] == "#x":
				n, err = strconv.ParseUint(ent[2:], 16, 8)
			case len(ent) > 1 && ent[0] == '#':
				n, err = strconv.ParseUint(ent[1:], 10, 8)
			default:
				return nil, false
			}
			if err != nil || n >= 0x80 || n < 0x20 && n != '\t' && n != '\n' {
				return nil, false // only ASCII character references here, and no CR
			}
			out = append(out, byte(n))
		}
		i += end
	}
	if bytes.Contains(b, []byte("]]>")) {
		return nil, false
	}
	return out, true
}

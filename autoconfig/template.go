package autoconfig

import (
	"bytes"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/cut"
)

// template is a generated XML document whose user names still hold
// placeholders, cut at each placeholder so that an answer is the pieces
// joined with the escaped parts of the address.
type template []cut.Piece[string]

var placeholders = []cut.Needle[string]{
	{Text: mailprofile.PlaceholderAddress, Key: mailprofile.PlaceholderAddress},
	{Text: mailprofile.PlaceholderLocalPart, Key: mailprofile.PlaceholderLocalPart},
	{Text: mailprofile.PlaceholderDomain, Key: mailprofile.PlaceholderDomain},
}

func compile(doc []byte) template {
	return cut.At(doc, placeholders)
}

// execute appends the document for addr to buf.
func (t template) execute(buf []byte, addr string) []byte {
	// Escaped once for all its places; escaping makes no "@".
	var escBuf [256]byte
	esc := appendEscaped(escBuf[:0], addr)
	at := bytes.LastIndexByte(esc, '@')
	for _, p := range t {
		buf = append(buf, p.Literal...)
		switch p.Key {
		case mailprofile.PlaceholderAddress:
			buf = append(buf, esc...)
		case mailprofile.PlaceholderLocalPart:
			buf = append(buf, esc[:at]...)
		case mailprofile.PlaceholderDomain:
			buf = append(buf, esc[at+1:]...)
		}
	}
	return buf
}

// appendEscaped appends s escaped as XML character data, the way the
// generators (etree) escape it, so that a filled-in template is byte for
// byte what generating for the address gives.
func appendEscaped(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			buf = append(buf, "&amp;"...)
		case '<':
			buf = append(buf, "&lt;"...)
		case '>':
			buf = append(buf, "&gt;"...)
		case '\'':
			buf = append(buf, "&apos;"...)
		case '"':
			buf = append(buf, "&quot;"...)
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

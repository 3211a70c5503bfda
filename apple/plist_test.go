package apple

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"howett.net/plist"
)

// TestEscapingMatchesEncodingXML keeps appendEscaped identical to
// encoding/xml's EscapeText, which howett.net/plist uses.
func TestEscapingMatchesEncodingXML(t *testing.T) {
	for _, s := range []string{
		"", "plain", `<&>"'`, "tab\there\nline\rend", "株式会社 🐭", "bad \xff utf-8", "ctl \x01\x1f", "\uFFFE\uFFFF", "\U0010FFFF",
	} {
		var want bytes.Buffer
		xml.EscapeText(&want, []byte(s))
		assert.Equal(t, want.String(), string(appendEscaped(nil, s)), "%q", s)
	}
}

// TestMarshalMatchesHowett writes a dictionary of every kind of value with
// both writers.
func TestMarshalMatchesHowett(t *testing.T) {
	type inner struct {
		A string `plist:"A"`
		B bool   `plist:"B"`
	}
	type outer struct {
		Zeta  int     `plist:"Zeta"`
		Alpha string  `plist:"Alpha"`
		List  []inner `plist:"List"`
		Off   bool    `plist:"Off"`
	}
	want, err := plist.MarshalIndent(outer{Zeta: -7, Alpha: `x<&>"'y`, List: []inner{{"a", true}, {"", false}}}, plist.XMLFormat, "\t")
	assert.NoError(t, err)
	d := dict{}
	d.integer("Zeta", -7)
	d.str("Alpha", `x<&>"'y`)
	a1, a2 := dict{}, dict{}
	a1.str("A", "a")
	a1.boolean("B", true)
	a2.str("A", "")
	a2.boolean("B", false)
	d.array("List", []dict{a1, a2})
	d.boolean("Off", false)
	assert.Equal(t, string(want)+"\n", string(marshal(d)))
}

package cut_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mailprofile/mailprofile/internal/cut"
)

func TestAt(t *testing.T) {
	needles := []cut.Needle[int]{{Text: "ab", Key: 1}, {Text: "a", Key: 2}, {Text: "c", Key: 3}}
	type piece struct {
		literal string
		key     int
	}
	tests := []struct {
		doc  string
		want []piece
	}{
		{"", nil},
		{"xyz", []piece{{"xyz", 0}}},
		{"abxa", []piece{{"", 1}, {"x", 2}}},              // "ab" before "a" at the same place
		{"xcyabz", []piece{{"x", 3}, {"y", 1}, {"z", 0}}}, // the leftmost wins
		{"cc", []piece{{"", 3}, {"", 3}}},
	}
	for _, tt := range tests {
		var got []piece
		for _, p := range cut.At([]byte(tt.doc), needles) {
			got = append(got, piece{string(p.Literal), p.Key})
		}
		assert.Equal(t, tt.want, got, "%q", tt.doc)
	}
	assert.Equal(t, 3, cut.Size(cut.At([]byte("xcyabz"), needles)))
}

func ExampleAt() {
	doc := []byte("<user>%EMAILADDRESS%</user><name>%EMAILLOCALPART%</name>")
	pieces := cut.At(doc, []cut.Needle[string]{{Text: "%EMAILADDRESS%", Key: "address"}, {Text: "%EMAILLOCALPART%", Key: "local"}})
	for _, p := range pieces {
		fmt.Printf("%q then %q\n", p.Literal, p.Key)
	}
	// Output:
	// "<user>" then "address"
	// "</user><name>" then "local"
	// "</name>" then ""
}

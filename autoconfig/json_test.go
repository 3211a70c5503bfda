package autoconfig

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAppendJSONTextLikeEncodingJSON checks the hand-written escaping
// against encoding/json for the characters a Host header may hold and
// some it may not.
func TestAppendJSONTextLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "autodiscover.example.co.jp", "[2001:db8::1]", "a&b", "a<b>", `q"\`, "tab\tnl\n", "例え.jp", "\u2028", "x\x7f"} {
		want, err := json.Marshal(s)
		assert.NoError(t, err)
		got := append([]byte{'"'}, appendJSONText(nil, s)...)
		assert.Equal(t, string(want), string(append(got, '"')), "%q", s)
	}
}

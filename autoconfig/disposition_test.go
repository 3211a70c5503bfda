package autoconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAppendContentDisposition checks the shortcut for plain names
// against the whole name put through appendContentDisposition.
func TestAppendContentDisposition(t *testing.T) {
	tests := []struct {
		domain, unicode, addr, want string
	}{
		{"example.co.jp", "example.co.jp", "yamada@example.co.jp",
			`attachment; filename="yamada@example.co.jp.mobileconfig"`},
		{"example.co.jp", "example.co.jp", "a.b+c@example.co.jp",
			`attachment; filename="a.b+c@example.co.jp.mobileconfig"`},
		{"example.co.jp", "example.co.jp", `"a;b"@example.co.jp`,
			`attachment; filename="_a_b_@example.co.jp.mobileconfig"; filename*=UTF-8''%22a%3Bb%22@example.co.jp.mobileconfig`},
		{"example.co.jp", "example.co.jp", "100%@example.co.jp",
			`attachment; filename="100_@example.co.jp.mobileconfig"; filename*=UTF-8''100%25@example.co.jp.mobileconfig`},
		{"example.co.jp", "example.co.jp", "山田@example.co.jp",
			`attachment; filename="__@example.co.jp.mobileconfig"; filename*=UTF-8''%E5%B1%B1%E7%94%B0@example.co.jp.mobileconfig`},
		{"xn--r8jz45g.jp", "例え.jp", "user@xn--r8jz45g.jp",
			`attachment; filename="user@__.jp.mobileconfig"; filename*=UTF-8''user@%E4%BE%8B%E3%81%88.jp.mobileconfig`},
		{"xn--r8jz45g.jp", "例え.jp", "a+b@xn--r8jz45g.jp",
			`attachment; filename="a+b@__.jp.mobileconfig"; filename*=UTF-8''a%2Bb@%E4%BE%8B%E3%81%88.jp.mobileconfig`},
	}
	for _, tt := range tests {
		s := &site{unicodeDomain: tt.unicode, fileSuffix: fileSuffix(tt.unicode)}
		got := string(s.appendContentDisposition([]byte("prefix:"), tt.addr))
		assert.Equal(t, "prefix:"+tt.want, got, tt.addr)
		local := tt.addr[:len(tt.addr)-len(tt.domain)]
		whole := string(appendContentDisposition(nil, []byte(local+tt.unicode+".mobileconfig")))
		assert.Equal(t, whole, got[len("prefix:"):], "the shortcut agrees with the whole name: %s", tt.addr)
	}
}

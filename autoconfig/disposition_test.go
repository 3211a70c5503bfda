package autoconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestContentDisposition checks the file names offered for profiles: as
// they are when plain, with an ASCII fallback and the UTF-8 name
// (RFC 8187) otherwise.
func TestContentDisposition(t *testing.T) {
	tests := []struct{ name, want string }{
		{"yamada@example.co.jp.mobileconfig", `attachment; filename="yamada@example.co.jp.mobileconfig"`},
		{"a.b+c@example.co.jp.mobileconfig", `attachment; filename="a.b+c@example.co.jp.mobileconfig"`},
		{`"a;b"@example.co.jp.mobileconfig`, `attachment; filename="_a_b_@example.co.jp.mobileconfig"; filename*=UTF-8''%22a%3Bb%22@example.co.jp.mobileconfig`},
		{"100%@example.co.jp.mobileconfig", `attachment; filename="100_@example.co.jp.mobileconfig"; filename*=UTF-8''100%25@example.co.jp.mobileconfig`},
		{"山田@example.co.jp.mobileconfig", `attachment; filename="__@example.co.jp.mobileconfig"; filename*=UTF-8''%E5%B1%B1%E7%94%B0@example.co.jp.mobileconfig`},
		{"user@例え.jp.mobileconfig", `attachment; filename="user@__.jp.mobileconfig"; filename*=UTF-8''user@%E4%BE%8B%E3%81%88.jp.mobileconfig`},
		{"a+b@例え.jp.mobileconfig", `attachment; filename="a+b@__.jp.mobileconfig"; filename*=UTF-8''a%2Bb@%E4%BE%8B%E3%81%88.jp.mobileconfig`},
		{`back\slash/@example.co.jp.mobileconfig`, `attachment; filename="back_slash_@example.co.jp.mobileconfig"; filename*=UTF-8''back%5Cslash%2F@example.co.jp.mobileconfig`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, contentDisposition(tt.name), tt.name)
	}
}

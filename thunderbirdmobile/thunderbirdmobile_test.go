package thunderbirdmobile_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/thunderbirdmobile"
)

func TestGenerate(t *testing.T) {
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	st, err := site.Settings("new", sitetest.Account(t, site, "yamada@example.co.jp"))
	require.NoError(t, err)
	data, err := thunderbirdmobile.Generate(st, nil)
	require.NoError(t, err)
	a := spectest.ReadMobileQR(t, data)
	assert.Equal(t, spectest.MobileAccount{
		Protocol: 0, Host: "sv1234.example-host.jp", Port: 993, Security: 3, Auth: 1,
		Username: "yamada@example.co.jp", AccountName: "yamada@example.co.jp — 新サーバー",
		OutProtocol: 0, OutHost: "sv1234.example-host.jp", OutPort: 587, OutSecurity: 2, OutAuth: 1,
		OutUsername: "yamada@example.co.jp", Identity: "yamada@example.co.jp", IdentityName: "山田 太郎",
	}, a)

	old, err := site.Settings("old", sitetest.Account(t, site, "info@example.co.jp"))
	require.NoError(t, err)
	data, err = thunderbirdmobile.Generate(old, &thunderbirdmobile.Options{AccountName: "info (old)"})
	require.NoError(t, err)
	a = spectest.ReadMobileQR(t, data)
	assert.Equal(t, 1, a.Protocol, "POP3")
	assert.Equal(t, "info", a.Username)
	assert.Equal(t, "info (old)", a.AccountName)
}

func TestUnicodeAndLimits(t *testing.T) {
	site, err := mailprofile.Load("../examples/single.yaml")
	require.NoError(t, err)
	st, err := site.Settings("", sitetest.Account(t, site, "hello@例え.jp"))
	require.NoError(t, err)
	data, err := thunderbirdmobile.Generate(st, nil)
	require.NoError(t, err)
	a := spectest.ReadMobileQR(t, data)
	assert.Equal(t, "hello@xn--r8jz45g.jp", a.Identity, "the domain in its ASCII form")
	assert.Equal(t, "mail.xn--r8jz45g.jp", a.Host)
	assert.Contains(t, a.AccountName, "hello@例え.jp", "people read the account name")

	// A name over lines comes on one; a payload too long to scan is refused.
	st.Account = &mailprofile.Account{Address: "hello@xn--r8jz45g.jp", Name: "Two\nLines"}
	data, err = thunderbirdmobile.Generate(st, nil)
	require.NoError(t, err)
	assert.Equal(t, "Two Lines", spectest.ReadMobileQR(t, data).IdentityName)
	st.Account.Name = strings.Repeat("名", 200)
	_, err = thunderbirdmobile.Generate(st, nil)
	var unsupported *mailprofile.UnsupportedError
	assert.ErrorAs(t, err, &unsupported)

	_, err = thunderbirdmobile.Generate(&mailprofile.Settings{Site: st.Site, Set: st.Set, Incoming: st.Incoming, Outgoing: st.Outgoing}, nil)
	assert.ErrorAs(t, err, &unsupported, "no account, no code")
}

// TestValues: every protocol, security and way to log in of the
// description has its number in the format.
func TestValues(t *testing.T) {
	tests := []struct {
		in, out                       string
		protocol, security, auth      int
		outPort, outSecurity, outAuth int
		outUsername                   string
	}{
		{"{protocol: imap, host: mail.example.com}", "{host: mail.example.com, port: 465}", 0, 3, 1, 465, 3, 1, "info@example.com"},
		{"{protocol: pop3, host: mail.example.com, port: 110, security: starttls, auth: password-encrypted}",
			"{host: mail.example.com, port: 587, security: starttls, auth: password-encrypted}", 1, 2, 2, 587, 2, 2, "info@example.com"},
		{"{protocol: imap, host: mail.example.com, auth: oauth2}", "{host: mail.example.com, port: 587, auth: oauth2}", 0, 3, 6, 587, 2, 6, "info@example.com"},
		{"{protocol: imap, host: mail.example.com, port: 143, security: none}", "{host: mail.example.com, port: 587, auth: none}", 0, 0, 1, 587, 2, 0, ""},
		{"{protocol: imap, host: mail.example.com, auth: [oauth2, password-cleartext]}", "{host: mail.example.com, port: 587}", 0, 3, 6, 587, 2, 1, "info@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			site, err := mailprofile.Parse("site.yaml", []byte("domain: example.com\nallow_insecure: true\nservers:\n  s:\n    incoming: ["+tt.in+"]\n    outgoing: ["+tt.out+"]\n"))
			require.NoError(t, err)
			st, err := site.Settings("", &mailprofile.Account{Address: "info@example.com"})
			require.NoError(t, err)
			data, err := thunderbirdmobile.Generate(st, nil)
			require.NoError(t, err)
			a := spectest.ReadMobileQR(t, data)
			assert.Equal(t, []int{tt.protocol, tt.security, tt.auth}, []int{a.Protocol, a.Security, a.Auth})
			assert.Equal(t, []int{tt.outPort, tt.outSecurity, tt.outAuth}, []int{a.OutPort, a.OutSecurity, a.OutAuth})
			assert.Equal(t, tt.outUsername, a.OutUsername)
			assert.Equal(t, "info@example.com — s", a.AccountName)
		})
	}
}

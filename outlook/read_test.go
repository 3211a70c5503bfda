package outlook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/outlook"
)

// response wraps Protocol elements in a settings response.
func response(protocols string) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<User><DisplayName>Taro</DisplayName></User>
<Account><AccountType>email</AccountType><Action>settings</Action>` + protocols + `</Account></Response></Autodiscover>`)
}

const (
	imapProtocol = `<Protocol><Type>IMAP</Type><Server>imap.example.net</Server><Port>993</Port><LoginName>taro@example.net</LoginName><SPA>off</SPA><SSL>on</SSL><Encryption>SSL</Encryption><AuthRequired>on</AuthRequired></Protocol>`
	smtpProtocol = `<Protocol><Type>SMTP</Type><Server>smtp.example.net</Server><Port>587</Port><LoginName>taro</LoginName><SPA>off</SPA><Encryption>TLS</Encryption><AuthRequired>on</AuthRequired></Protocol>`
)

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		opts     *outlook.ReadOptions
		incoming []mailprofile.Server
		outgoing []mailprofile.Server
		notes    []string
	}{
		{name: "logins become placeholders for the address answered",
			data: response(imapProtocol + smtpProtocol), opts: &outlook.ReadOptions{Address: "taro@example.net"},
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILLOCALPART%"}},
			notes:    []string{"User: not imported"}},
		{name: "without the address a login is kept, and said so",
			data: response(strings.Replace(imapProtocol, "taro@example.net", "shared-login", 1) + smtpProtocol), opts: &outlook.ReadOptions{Domain: "example.net", Set: "legacy"},
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "shared-login"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "taro"}},
			notes:    []string{"LoginName shared-login: kept as it is"}},
		{name: "SPA, no authentication for sending, the port deciding, what has no place",
			data: response(`<Protocol><Type>POP3</Type><Server>pop.example.net</Server><Port>110</Port><LoginName>taro@example.net</LoginName><SPA>on</SPA><SSL>on</SSL><AuthRequired>on</AuthRequired><TTL>1</TTL></Protocol>` +
				`<Protocol><Type>SMTP</Type><Server>smtp.example.net</Server><Port>465</Port><SSL>on</SSL><Encryption>Auto</Encryption><AuthRequired>off</AuthRequired></Protocol>` +
				`<Protocol><Type>EXCH</Type><Server>ex.example.net</Server></Protocol>` +
				`<Protocol><Type>SMTP</Type><Server>relay.example.net</Server><Port>25</Port><SSL>off</SSL><AuthRequired>on</AuthRequired></Protocol>`),
			opts:     &outlook.ReadOptions{Address: "taro@example.net"},
			incoming: []mailprofile.Server{{Protocol: "pop3", Host: "pop.example.net", Port: 110, Security: "starttls", Auth: "password-encrypted", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{
				{Protocol: "smtp", Host: "smtp.example.net", Port: 465, Security: "tls", Auth: "none"},
				{Protocol: "smtp", Host: "relay.example.net", Port: 25, Security: "none", Auth: "password-cleartext", Username: "%EMAILADDRESS%"},
			},
			notes: []string{"SPA on: read as an encrypted password", "TTL: not imported", "Encryption Auto: read as SSL/TLS from the port", "Protocol[3] (EXCH): not imported",
				"Protocol[4] (SMTP): port 25 with security none is not how mail clients should submit (587 with starttls, 465 with tls): imported with allow_legacy_submission: true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, notes, err := outlook.ReadResponse(tt.data, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, "example.net", site.Domain)
			require.Len(t, site.Sets, 1)
			want := "old"
			if tt.opts.Set != "" {
				want = tt.opts.Set
			}
			assert.Equal(t, want, site.Sets[0].Name)
			assert.Equal(t, tt.incoming, withoutSources(site.Sets[0].Incoming))
			assert.Equal(t, tt.outgoing, withoutSources(site.Sets[0].Outgoing))
			all := strings.Join(notes, "\n")
			for _, n := range tt.notes {
				assert.Contains(t, all, n)
			}
		})
	}
}

func withoutSources(servers []mailprofile.Server) []mailprofile.Server {
	out := make([]mailprofile.Server, len(servers))
	for i, s := range servers {
		s.Source = mailprofile.Source{}
		s.POP3 = nil // a POX response has no POP3 options; Validate adds the defaults
		out[i] = s
	}
	return out
}

func TestReadResponseErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		opts *outlook.ReadOptions
		want string
	}{
		{"not XML", "<Autodiscover>", &outlook.ReadOptions{Domain: "example.net"}, "outlook: not an Autodiscover settings response: "},
		{"error response", "", &outlook.ReadOptions{Domain: "example.net"}, "outlook: not an Autodiscover settings response: it is error 600 (Invalid Request)"},
		{"redirect", `<Autodiscover><Response><Account><Action>redirectAddr</Action></Account></Response></Autodiscover>`, &outlook.ReadOptions{Domain: "example.net"},
			"outlook: not an Autodiscover settings response: Action is redirectAddr"},
		{"no domain", string(response(imapProtocol + smtpProtocol)), nil, "outlook: an Autodiscover response does not name the mail domain"},
		{"bad address", string(response(imapProtocol + smtpProtocol)), &outlook.ReadOptions{Address: "nobody"}, `outlook: "nobody" is not an email address`},
		{"no SMTP", string(response(imapProtocol)), &outlook.ReadOptions{Domain: "example.net"}, "outlook: not an Autodiscover settings response: it has no IMAP or POP3 server, or no SMTP server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.name == "error response" {
				data = outlook.ErrorResponse(outlook.ErrorInvalidRequest, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
			}
			site, _, err := outlook.ReadResponse(data, tt.opts)
			assert.Nil(t, site)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), err.Error())
		})
	}
}

// TestGenerateReadBack reads back what Generate writes for every account
// of every case: the same servers come back, logins as their patterns.
func TestGenerateReadBack(t *testing.T) {
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	for _, set := range site.Sets {
		st, err := site.Settings(set.Name, sitetest.Account(t, site, "yamada@example.co.jp"))
		require.NoError(t, err)
		data, err := outlook.Generate(st, nil)
		require.NoError(t, err)
		back, _, err := outlook.ReadResponse(data, &outlook.ReadOptions{Set: set.Name, Address: "yamada@example.co.jp"})
		require.NoError(t, err)
		domain, err := site.DomainSettings(set.Name)
		require.NoError(t, err)
		assert.Equal(t, withoutSources(domain.Incoming), withoutSources(back.Sets[0].Incoming))
		assert.Equal(t, withoutSources(domain.Outgoing), withoutSources(back.Sets[0].Outgoing))
	}
}

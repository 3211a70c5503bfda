package thunderbird_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// provider wraps servers in a clientConfig file for example.net.
func provider(servers string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.net"><domain>example.net</domain>` + servers + `</emailProvider></clientConfig>`)
}

const (
	imapSSL = `<incomingServer type="imap"><hostname>imap.example.net</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>`
	smtp587 = `<outgoingServer type="smtp"><hostname>smtp.example.net</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>`
)

func TestRead(t *testing.T) {
	leave := true
	tests := []struct {
		name     string
		data     []byte
		incoming []mailprofile.Server
		outgoing []mailprofile.Server
		notes    []string // substrings, each of some note
	}{
		{name: "plain", data: provider(imapSSL + smtp587),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}}},
		{name: "pop3 options and the domain placeholder in a host",
			data: provider(`<incomingServer type="pop3"><hostname>pop.%EMAILDOMAIN%</hostname><port>995</port><socketType>SSL</socketType><authentication>password-encrypted</authentication><username>%EMAILLOCALPART%</username>
				<pop3><leaveMessagesOnServer>true</leaveMessagesOnServer><daysToLeaveMessagesOnServer>30</daysToLeaveMessagesOnServer><downloadOnBiff>true</downloadOnBiff></pop3></incomingServer>` + smtp587),
			incoming: []mailprofile.Server{{Protocol: "pop3", Host: "pop.example.net", Port: 995, Security: "tls", Auth: "password-encrypted", Username: "%EMAILLOCALPART%",
				POP3: &mailprofile.POP3Options{LeaveOnServer: &leave, KeepDays: 30}}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			notes:    []string{"pop3/downloadOnBiff: not imported"}},
		{name: "the first usable socketType wins; every known authentication is kept, in order",
			data: provider(`<incomingServer type="imap"><hostname>imap.example.net</hostname><port>143</port><socketType>bogus</socketType><socketType>STARTTLS</socketType><socketType>SSL</socketType>
				<authentication>TLS-client-cert</authentication><authentication>password-cleartext</authentication><authentication>password-encrypted</authentication><username>u</username></incomingServer>` + smtp587),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 143, Security: "starttls", Auth: "password-cleartext",
				AuthAlternatives: []mailprofile.Auth{"password-encrypted"}, Username: "u"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			notes:    []string{`socketType "bogus": not imported`, "socketType alternatives SSL: not imported", `authentication "TLS-client-cert": not imported`}},
		{name: "OAuth2 first, the password after",
			data: provider(strings.Replace(imapSSL, "<authentication>password-cleartext</authentication>", "<authentication>OAuth2</authentication><authentication>password-cleartext</authentication>", 1) + smtp587),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "oauth2",
				AuthAlternatives: []mailprofile.Auth{"password-cleartext"}, Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			notes:    []string{"logs in with OAuth2 first, which Outlook's Autodiscover and Apple profiles cannot express: their files give password-cleartext, the next choice"}},
		{name: "an SMTP server without a username",
			data:     provider(imapSSL + strings.Replace(smtp587, "<username>%EMAILADDRESS%</username>", "", 1)),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			notes:    []string{`outgoingServer[1] (type smtp): no username: %EMAILADDRESS% is used (the description's default; Thunderbird would use the text "undefined")`}},
		{name: "a server the model has no place for, and an old one on port 25",
			data: provider(`<incomingServer type="exchange"><hostname>ex.example.net</hostname></incomingServer>` + imapSSL + smtp587 +
				`<outgoingServer type="smtp"><hostname>relay.example.net</hostname><port>25</port><socketType>STARTTLS</socketType><authentication>client-IP-address</authentication></outgoingServer>`),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{
				{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"},
				{Protocol: "smtp", Host: "relay.example.net", Port: 25, Security: "starttls", Auth: "none"},
			},
			notes: []string{"incomingServer[1] (type exchange): not imported", "outgoingServer[2] (type smtp): port 25 with security starttls is not how mail clients should submit"}},
		{name: "a broken placeholder becomes the address",
			data:     provider(strings.Replace(imapSSL, "<username>%EMAILADDRESS%</username>", "<username>%EMAILADDRESS</username>", 1) + smtp587),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			notes:    []string{`username "%EMAILADDRESS" has a % without a closing %`}},
		{name: "what no description holds is a note",
			data: []byte(`<clientConfig version="1.1"><emailProvider id="example.net"><domain>example.net</domain><domain>example.org</domain>` + imapSSL + smtp587 +
				`<documentation url="https://example.net/help"/></emailProvider><webMail/><oAuth2/></clientConfig>`),
			incoming: []mailprofile.Server{{Protocol: "imap", Host: "imap.example.net", Port: 993, Security: "tls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			outgoing: []mailprofile.Server{{Protocol: "smtp", Host: "smtp.example.net", Port: 587, Security: "starttls", Auth: "password-cleartext", Username: "%EMAILADDRESS%"}},
			notes:    []string{"domain example.org: not imported", "documentation: not imported", "webMail: not imported", "oAuth2: not imported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, notes, err := thunderbird.Read(tt.data, nil)
			require.NoError(t, err)
			assert.Equal(t, "example.net", site.Domain)
			require.Len(t, site.Sets, 1)
			set := site.Sets[0]
			assert.Equal(t, "old", set.Name, "the set being left, unless asked otherwise")
			assert.Equal(t, tt.incoming, withoutSources(set.Incoming))
			assert.Equal(t, tt.outgoing, withoutSources(set.Outgoing))
			all := strings.Join(notes, "\n")
			for _, n := range tt.notes {
				assert.Contains(t, all, n)
			}
			if len(tt.notes) == 0 {
				assert.Empty(t, notes)
			}
		})
	}
}

// withoutSources is servers as clients see them: no source, and the POP3
// options by their values only (not whether the description said them).
func withoutSources(servers []mailprofile.Server) []mailprofile.Server {
	out := make([]mailprofile.Server, len(servers))
	for i, s := range servers {
		s.Source = mailprofile.Source{}
		if s.POP3 != nil {
			leave := s.POP3.Leave()
			s.POP3 = &mailprofile.POP3Options{LeaveOnServer: &leave, KeepDays: s.POP3.KeepDays}
		}
		out[i] = s
	}
	return out
}

func TestReadOptionsAndSite(t *testing.T) {
	data := []byte(`<clientConfig version="1.1"><emailProvider id="example.net"><domain>EXAMPLE.net</domain>
		<displayName>Example Mail — Old host</displayName><displayShortName>Old host</displayShortName>` +
		strings.Replace(imapSSL, "SSL", "plain", 1) + smtp587 + `</emailProvider></clientConfig>`)
	site, notes, err := thunderbird.Read(data, &thunderbird.ReadOptions{Set: "legacy"})
	require.NoError(t, err)
	assert.Equal(t, "example.net", site.Domain, "validated: the domain in its normal form")
	assert.Equal(t, "Example Mail", site.Organization, "the label that Generate adds is taken off")
	assert.Equal(t, "legacy", site.Sets[0].Name)
	assert.Equal(t, "Old host", site.Sets[0].Label)
	assert.True(t, site.AllowInsecure)
	assert.Contains(t, strings.Join(notes, "\n"), "socketType plain")
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"not XML", "not xml", "thunderbird: not a clientConfig document"},
		{"broken XML", "<clientConfig><emailProvider>", "thunderbird: not a clientConfig document: "},
		{"another document", "<Autodiscover/>", "thunderbird: not a clientConfig document"},
		{"no provider", "<clientConfig/>", "thunderbird: not a clientConfig document: no emailProvider"},
		{"no domain", `<clientConfig><emailProvider id="x">` + imapSSL + smtp587 + `</emailProvider></clientConfig>`, "thunderbird: not a clientConfig document: no domain"},
		{"no usable server", string(provider(`<incomingServer type="exchange"><hostname>x</hostname></incomingServer>` + smtp587)),
			"thunderbird: the imported settings are not usable: servers.old.incoming: needs at least one IMAP or POP3 server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, _, err := thunderbird.Read([]byte(tt.data), nil)
			assert.Nil(t, site)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), err.Error())
			if strings.Contains(tt.want, "not a clientConfig") {
				assert.ErrorIs(t, err, thunderbird.ErrNotClientConfig)
			}
		})
	}
}

// TestGenerateReadBack reads back what Generate writes for the domain of
// every case: the same servers come back.
func TestGenerateReadBack(t *testing.T) {
	for _, c := range golden.Cases {
		t.Run(golden.Name(c), func(t *testing.T) {
			site, err := mailprofile.Load(c)
			require.NoError(t, err)
			for _, set := range site.Sets {
				st, err := site.DomainSettings(set.Name)
				require.NoError(t, err)
				data, err := thunderbird.Generate(st, nil)
				require.NoError(t, err)
				back, _, err := thunderbird.Read(data, &thunderbird.ReadOptions{Set: set.Name})
				require.NoError(t, err)
				assert.Equal(t, withoutSources(st.Incoming), withoutSources(back.Sets[0].Incoming))
				assert.Equal(t, withoutSources(st.Outgoing), withoutSources(back.Sets[0].Outgoing))
				assert.Equal(t, set.DisplayLabel(), back.Sets[0].Label)
			}
		})
	}
}

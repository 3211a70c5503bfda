package importer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/importer"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// servers are the servers of a site's one set as clients see them.
func servers(s *mailprofile.Site) []string {
	var out []string
	for _, srv := range append(s.Sets[0].Incoming, s.Sets[0].Outgoing...) {
		line := fmt.Sprintf("%s %s:%d %s %s %s", srv.Protocol, srv.Host, srv.Port, srv.Security, srv.Auth, srv.Username)
		if srv.POP3 != nil {
			line += fmt.Sprintf(" leave=%v keep=%d", srv.POP3.Leave(), srv.POP3.KeepDays)
		}
		out = append(out, line)
	}
	return out
}

func yamlOf(t *testing.T, s *mailprofile.Site) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, s.WriteYAML(&buf))
	return buf.String()
}

// inputs are the files imported in the tests: the ISPDB's own entries and
// hand-written files with every element.
func inputs(t *testing.T) map[string]string {
	files := map[string]string{
		"every-element": "testdata/every-element.xml",
	}
	dir := filepath.Join(spectest.SharedDir(t), "specs", "autoconfig", "ispdb-examples")
	for _, f := range []string{"googlemail.com.xml", "office365.com.xml", "web.de.xml"} {
		files[strings.TrimSuffix(f, ".xml")] = filepath.Join(dir, f)
	}
	return files
}

func TestImportClientConfig(t *testing.T) {
	for name, file := range inputs(t) {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			site, notes, err := importer.Read(data, nil)
			require.NoError(t, err)
			out := yamlOf(t, site)
			golden.Check(t, filepath.Join("testdata", name+".yaml"), []byte(out))
			golden.Check(t, filepath.Join("testdata", name+".notes"), []byte(strings.Join(notes, "\n")+"\n"))

			// What is written loads back to the same description.
			again, err := mailprofile.Parse(name+".yaml", []byte(out))
			require.NoError(t, err)
			assert.Equal(t, out, yamlOf(t, again))

			// Round trip: import, generate, import gives the same servers.
			// (The generated file says what the provider's may leave to
			// the client, such as leaving POP3 mail on the server.)
			p, err := site.DomainSettings("")
			require.NoError(t, err)
			generated, err := thunderbird.Generate(p, nil)
			require.NoError(t, err)
			back, _, err := importer.Read(generated, nil)
			require.NoError(t, err)
			assert.Equal(t, servers(site), servers(back))
		})
	}
}

func TestEveryElementNotes(t *testing.T) {
	data, err := os.ReadFile("testdata/every-element.xml")
	require.NoError(t, err)
	site, notes, err := importer.Read(data, &importer.Options{Set: "legacy"})
	require.NoError(t, err)
	set := site.Set("legacy")
	require.NotNil(t, set)
	assert.Equal(t, "example.net", site.Domain)
	assert.Equal(t, "Example & Sons Mail", site.Organization)
	assert.Equal(t, "Example", set.Label)
	assert.Equal(t, "imap.example.net", set.Incoming[0].Host, "%EMAILDOMAIN% in a host name is filled in")
	assert.Equal(t, []mailprofile.Auth{mailprofile.AuthPasswordEncrypted, mailprofile.AuthPasswordCleartext}, set.Incoming[0].Auths())
	assert.Equal(t, 30, set.Incoming[1].POP3.KeepDays)
	assert.True(t, set.Incoming[1].POP3.Leave())
	require.Len(t, set.Outgoing, 3, "the port 25 relay of the provider being left is kept")
	assert.Equal(t, 25, set.Outgoing[1].Port)
	assert.True(t, set.AllowLegacySubmission)
	assert.Equal(t, mailprofile.AuthNone, set.Outgoing[2].Auth)
	joined := strings.Join(notes, "\n")
	for _, want := range []string{
		"domain example.org: not imported",
		"incomingServer[1] (type imap): password: not imported",
		`incomingServer[2] (type pop3): authentication "TLS-client-cert": not imported`,
		"incomingServer[2] (type pop3): pop3/downloadOnBiff: not imported",
		"incomingServer[2] (type pop3): pop3/checkInterval: not imported",
		"incomingServer[3] (type exchange): not imported (only IMAP, POP3 and SMTP servers are described",
		"outgoingServer[1] (type smtp): useGlobalPreferredServer true: not imported",
		"outgoingServer[1] (type smtp): addThisServer: not imported",
		"outgoingServer[1] (type smtp): restriction: not imported",
		"outgoingServer[2] (type smtp): port 25 with security none is not how mail clients should submit (587 with starttls, 465 with tls): imported with allow_legacy_submission: true",
		"identity: not imported", "inputField: not imported", "enable: not imported", "documentation: not imported",
		"webMail: not imported", "oAuth2: not imported", "clientConfigUpdate: not imported",
	} {
		assert.Contains(t, joined, want)
	}
}

func TestImportAutodiscover(t *testing.T) {
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	for _, set := range []string{"old", "new"} {
		p, err := site.Settings(set, sitetest.Account(t, site, "info@example.co.jp"))
		require.NoError(t, err)
		resp, err := outlook.Generate(p, nil)
		require.NoError(t, err)
		got, notes, err := importer.Read(resp, &importer.Options{Set: set, Address: "info@example.co.jp"})
		require.NoError(t, err, "%v", notes)
		want := site.Set(set)
		assert.Equal(t, strip(want.Incoming), strip(got.Set(set).Incoming))
		assert.Equal(t, strip(want.Outgoing), strip(got.Set(set).Outgoing))
		assert.Contains(t, notes, "User: not imported (the name of one person, not a server setting)")

		// Round trip through Outlook's format.
		p2, err := got.Settings(set, &mailprofile.Account{Address: "info@example.co.jp"})
		require.NoError(t, err)
		resp2, err := outlook.Generate(p2, nil)
		require.NoError(t, err)
		again, _, err := importer.Read(resp2, &importer.Options{Set: set, Address: "info@example.co.jp"})
		require.NoError(t, err)
		assert.Equal(t, yamlOf(t, got), yamlOf(t, again))
	}
}

// strip keeps the server fields that do not depend on the person.
func strip(servers []mailprofile.Server) []mailprofile.Server {
	var out []mailprofile.Server
	for _, s := range servers {
		out = append(out, mailprofile.Server{Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security, Auth: s.Auth})
	}
	return out
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		opts *importer.Options
		want string
	}{
		{"not xml", "hello", nil, "importer: neither a Thunderbird clientConfig file nor an Autodiscover response"},
		{"other xml", "<plist/>", nil, "importer: neither a Thunderbird clientConfig file nor an Autodiscover response"},
		{"no domain for POX", `<Autodiscover><Response><Account><Action>settings</Action>
			<Protocol><Type>IMAP</Type><Server>imap.x.jp</Server><Port>993</Port><LoginName>u</LoginName></Protocol>
			<Protocol><Type>SMTP</Type><Server>smtp.x.jp</Server><Port>587</Port><Encryption>TLS</Encryption><LoginName>u</LoginName></Protocol>
			</Account></Response></Autodiscover>`, nil,
			"outlook: an Autodiscover response does not name the mail domain: give the address it answered, or the domain"},
		{"POX error", string(outlook.ErrorResponse(outlook.ErrorAddressNotFound, time0)), nil,
			"outlook: not an Autodiscover settings response: it is error 500 (The email address can't be found.)"},
		{"redirect", `<Autodiscover><Response><Account><Action>redirectAddr</Action><RedirectAddr>a@b.c</RedirectAddr></Account></Response></Autodiscover>`, nil,
			"outlook: not an Autodiscover settings response: Action is redirectAddr (follow it and import what it leads to)"},
		{"OAuth2 only exchange", `<clientConfig version="1.1"><emailProvider id="x.jp"><domain>x.jp</domain>
			<incomingServer type="ews"><url>https://x.jp/ews</url></incomingServer></emailProvider></clientConfig>`, nil,
			"thunderbird: the imported settings are not usable: servers.old.incoming: needs at least one IMAP or POP3 server\nservers.old.outgoing: needs at least one SMTP server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := importer.Read([]byte(tt.data), tt.opts)
			assert.EqualError(t, err, tt.want)
		})
	}
}

var time0 = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

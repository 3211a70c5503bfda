package thunderbird_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// settings returns every Settings of a case: the domain's and each
// account's, on every set the account has.
func settings(t *testing.T, site *mailprofile.Site) map[string]*mailprofile.Settings {
	t.Helper()
	out := make(map[string]*mailprofile.Settings)
	for _, set := range site.Sets {
		p, err := site.DomainSettings(set.Name)
		require.NoError(t, err)
		out[filepath.Join(set.Name, "_domain.xml")] = p
		for _, a := range sitetest.All(t, site) {
			if !a.HasSet(set.Name) {
				continue
			}
			p, err := site.Settings(set.Name, a)
			require.NoError(t, err)
			out[filepath.Join(set.Name, export.SafeName(a.Address)+".xml")] = p
		}
	}
	return out
}

func TestGenerateGolden(t *testing.T) {
	for _, c := range golden.Cases {
		t.Run(golden.Name(c), func(t *testing.T) {
			site, err := mailprofile.Load(c)
			require.NoError(t, err)
			for name, p := range settings(t, site) {
				got, err := thunderbird.Generate(p, nil)
				require.NoError(t, err)
				again, err := thunderbird.Generate(p, nil)
				require.NoError(t, err)
				assert.Equal(t, got, again, "two runs give different bytes")
				golden.Check(t, filepath.Join("testdata", golden.Name(c), name), got)
				spectest.NoBOM(t, got)
				spectest.ValidateClientConfig(t, got)
				assertRoundTrip(t, p, got)
			}
		})
	}
}

// assertRoundTrip reads the generated file back the way Thunderbird's
// readFromXML does and checks that it gives the profile's servers.
func assertRoundTrip(t *testing.T, p *mailprofile.Settings, data []byte) {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	root := doc.Root()
	require.Equal(t, "clientConfig", root.Tag)
	assert.Empty(t, root.Space, "clientConfig must have no namespace prefix")
	assert.Nil(t, root.SelectAttr("xmlns"), "clientConfig must have no namespace")
	assert.Equal(t, "1.1", root.SelectAttrValue("version", ""))
	prov := root.SelectElement("emailProvider")
	require.NotNil(t, prov)
	assert.Equal(t, p.Site.Domain, prov.SelectAttrValue("id", ""))
	assert.Equal(t, p.Site.Domain, prov.SelectElement("domain").Text())
	assert.LessOrEqual(t, len([]rune(prov.SelectElement("displayName").Text())), 60)

	var incoming, outgoing []mailprofile.Server
	for _, el := range prov.SelectElements("incomingServer") {
		s := readServer(t, el)
		s.Protocol = mailprofile.Protocol(el.SelectAttrValue("type", ""))
		if pop := el.SelectElement("pop3"); pop != nil {
			leave, err := strconv.ParseBool(pop.SelectElement("leaveMessagesOnServer").Text())
			require.NoError(t, err)
			s.POP3 = &mailprofile.POP3Options{LeaveOnServer: &leave}
			if d := pop.SelectElement("daysToLeaveMessagesOnServer"); d != nil {
				s.POP3.KeepDays, _ = strconv.Atoi(d.Text())
			}
		}
		incoming = append(incoming, s)
	}
	for _, el := range prov.SelectElements("outgoingServer") {
		s := readServer(t, el)
		s.Protocol = mailprofile.ProtocolSMTP
		assert.Equal(t, "smtp", el.SelectAttrValue("type", ""))
		assert.Equal(t, "false", el.SelectElement("useGlobalPreferredServer").Text(),
			"a second account must send through its own server")
		outgoing = append(outgoing, s)
	}
	assert.Equal(t, strip(p.Incoming), incoming)
	assert.Equal(t, strip(p.Outgoing), outgoing)
}

var socketTypes = map[string]mailprofile.Security{"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
var auths = map[string]mailprofile.Auth{
	"password-cleartext": "password-cleartext", "password-encrypted": "password-encrypted",
	"OAuth2": "oauth2", "none": "none",
}

func readServer(t *testing.T, el *etree.Element) mailprofile.Server {
	t.Helper()
	port, err := strconv.Atoi(el.SelectElement("port").Text())
	require.NoError(t, err)
	s := mailprofile.Server{
		Host:     el.SelectElement("hostname").Text(),
		Port:     port,
		Security: socketTypes[el.SelectElement("socketType").Text()],
		Auth:     auths[el.SelectElement("authentication").Text()],
	}
	if u := el.SelectElement("username"); u != nil {
		s.Username = u.Text()
	}
	return s
}

// strip keeps what the file carries.
func strip(servers []mailprofile.Server) []mailprofile.Server {
	out := make([]mailprofile.Server, len(servers))
	for i, s := range servers {
		out[i] = mailprofile.Server{Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security, Auth: s.Auth, Username: s.Username}
		if s.POP3 != nil {
			leave := s.POP3.Leave()
			out[i].POP3 = &mailprofile.POP3Options{LeaveOnServer: &leave}
			if leave {
				out[i].POP3.KeepDays = s.POP3.KeepDays
			}
		}
	}
	return out
}

func TestPassword(t *testing.T) {
	site, err := mailprofile.Load("../testdata/escaping.yaml")
	require.NoError(t, err)
	a := sitetest.Account(t, site, "Foo.Bar+tag@other.example")
	require.NotNil(t, a)
	p, err := site.Settings("", a)
	require.NoError(t, err)

	without, err := thunderbird.Generate(p, nil)
	require.NoError(t, err)
	assert.NotContains(t, string(without), "<password>", "no password unless asked")

	with, err := thunderbird.Generate(p, &thunderbird.Options{IncludePassword: true})
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(with))
	pws := doc.FindElements("//password")
	require.NotEmpty(t, pws)
	for _, pw := range pws {
		assert.Equal(t, `p&ss<w>rd"'`, pw.Text())
	}
	assert.Contains(t, string(with), "p&amp;ss&lt;w&gt;rd")
}

func TestDisplayNameLimit(t *testing.T) {
	site, err := mailprofile.Parse("long.yaml", []byte(`
domain: example.com
organization: `+strings.Repeat("長", 80)+`
servers:
  main:
    incoming: [{protocol: imap, host: imap.example.com}]
    outgoing: [{host: smtp.example.com}]
`))
	require.NoError(t, err)
	p, err := site.DomainSettings("")
	require.NoError(t, err)
	data, err := thunderbird.Generate(p, nil)
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	name := doc.FindElement("//displayName").Text()
	assert.Len(t, []rune(name), 60)
	assert.True(t, strings.HasSuffix(name, "…"))
	assert.LessOrEqual(t, len([]rune(doc.FindElement("//displayShortName").Text())), 20)
}

// TestRefusesIncomplete: Settings that Validate did not complete are an
// error, not a file with port 0.
func TestRefusesIncomplete(t *testing.T) {
	st := sitetest.Unvalidated()
	_, err := thunderbird.Generate(st, nil)
	assert.ErrorContains(t, err, "call Site.Validate first")
}

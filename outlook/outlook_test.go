package outlook_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/outlook"
)

func TestGenerateGolden(t *testing.T) {
	for _, c := range golden.Cases {
		t.Run(golden.Name(c), func(t *testing.T) {
			site, err := mailprofile.Load(c)
			require.NoError(t, err)
			for _, set := range site.Sets {
				for _, a := range sitetest.All(t, site) {
					if !a.HasSet(set.Name) {
						continue
					}
					p, err := site.Settings(set.Name, a)
					require.NoError(t, err)
					got, err := outlook.Generate(p, nil)
					require.NoError(t, err)
					golden.Check(t, filepath.Join("testdata", golden.Name(c), set.Name, export.SafeName(a.Address)+".xml"), got)
					assertRoundTrip(t, p, got)
				}
			}
		})
	}
}

var encryptions = map[string]mailprofile.Security{"SSL": "tls", "TLS": "starttls", "None": "none"}
var types = map[string]mailprofile.Protocol{"IMAP": "imap", "POP3": "pop3", "SMTP": "smtp"}

// assertRoundTrip reads the response back as a client does and checks it
// gives the profile's servers, with the elements whose absence means "on"
// present.
func assertRoundTrip(t *testing.T, p *mailprofile.Settings, data []byte) {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	root := doc.Root()
	require.Equal(t, "Autodiscover", root.Tag)
	assert.Equal(t, outlook.NamespaceResponse, root.SelectAttrValue("xmlns", ""))
	resp := root.SelectElement("Response")
	require.NotNil(t, resp)
	assert.Equal(t, outlook.NamespaceOutlookResponse, resp.SelectAttrValue("xmlns", ""))
	acct := resp.SelectElement("Account")
	require.NotNil(t, acct)
	assert.Equal(t, "email", acct.SelectElement("AccountType").Text())
	assert.Equal(t, "settings", acct.SelectElement("Action").Text())

	var got []mailprofile.Server
	for _, el := range acct.SelectElements("Protocol") {
		for _, must := range []string{"Type", "Server", "Port", "DomainRequired", "SPA", "SSL", "Encryption", "AuthRequired"} {
			require.NotNil(t, el.SelectElement(must), "Protocol lacks %s", must)
		}
		assert.Equal(t, "off", el.SelectElement("SPA").Text(), "SPA on would make Outlook try NTLM")
		assert.Equal(t, "off", el.SelectElement("DomainRequired").Text())
		port, err := strconv.Atoi(el.SelectElement("Port").Text())
		require.NoError(t, err)
		s := mailprofile.Server{
			Protocol: types[el.SelectElement("Type").Text()],
			Host:     el.SelectElement("Server").Text(),
			Port:     port,
			Security: encryptions[el.SelectElement("Encryption").Text()],
			Auth:     mailprofile.AuthPasswordCleartext,
		}
		assert.Equal(t, s.Security.Encrypted(), el.SelectElement("SSL").Text() == "on")
		if el.SelectElement("AuthRequired").Text() == "off" {
			s.Auth = mailprofile.AuthNone
		}
		if ln := el.SelectElement("LoginName"); ln != nil {
			s.Username = ln.Text()
		}
		got = append(got, s)
	}
	var want []mailprofile.Server
	for _, s := range append(append([]mailprofile.Server{}, p.Incoming...), p.Outgoing...) {
		auth := mailprofile.AuthPasswordCleartext // POX says only "a password"
		if s.Auth == mailprofile.AuthNone {
			auth = mailprofile.AuthNone
		}
		want = append(want, mailprofile.Server{Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security, Auth: auth, Username: s.Username})
	}
	assert.Equal(t, want, got)
}

func TestOAuth2Unsupported(t *testing.T) {
	site, err := mailprofile.Load("../testdata/oauth2.yaml")
	require.NoError(t, err)
	p, err := site.Settings("", site.Accounts[0])
	require.NoError(t, err)
	_, err = outlook.Generate(p, nil)
	var unsupported *mailprofile.UnsupportedError
	require.ErrorAs(t, err, &unsupported)
	assert.Equal(t, "outlook", unsupported.Client)
}

// TestRefusesIncomplete: Settings that Validate did not complete are an
// error, not a file with port 0.
func TestRefusesIncomplete(t *testing.T) {
	st := sitetest.Unvalidated()
	_, err := outlook.Generate(st, nil)
	assert.ErrorContains(t, err, "call Site.Validate first")
}

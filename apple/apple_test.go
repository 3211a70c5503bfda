package apple_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"howett.net/plist"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/internal/spectest"
)

// accountSettings returns a's profiles on every set it has.
func accountSettings(t *testing.T, site *mailprofile.Site, a *mailprofile.Account) []*mailprofile.Settings {
	t.Helper()
	var ps []*mailprofile.Settings
	for _, set := range site.Sets {
		if a.HasSet(set.Name) {
			p, err := site.Settings(set.Name, a)
			require.NoError(t, err)
			ps = append(ps, p)
		}
	}
	return ps
}

func TestGenerateGolden(t *testing.T) {
	for _, c := range golden.Cases {
		t.Run(golden.Name(c), func(t *testing.T) {
			site, err := mailprofile.Load(c)
			require.NoError(t, err)
			var everyone []*mailprofile.Settings
			for _, a := range sitetest.All(t, site) {
				ps := accountSettings(t, site, a)
				everyone = append(everyone, ps...)
				got, err := apple.Generate(ps, nil)
				require.NoError(t, err)
				golden.Check(t, filepath.Join("testdata", golden.Name(c), export.SafeName(a.Address)+".mobileconfig"), got)
				decoded := spectest.CheckAppleProfile(t, got)
				assertServers(t, ps, decoded)
			}
			got, err := apple.Generate(everyone, nil)
			require.NoError(t, err)
			golden.Check(t, filepath.Join("testdata", golden.Name(c), "_everyone.mobileconfig"), got)
			spectest.CheckAppleProfile(t, got)
		})
	}
}

// assertServers checks that each payload carries its profile's first
// servers, and that a password is only there when asked for.
func assertServers(t *testing.T, ps []*mailprofile.Settings, decoded map[string]any) {
	t.Helper()
	content := decoded["PayloadContent"].([]any)
	require.Len(t, content, len(ps), "one payload per account and set")
	for i, p := range ps {
		m := content[i].(map[string]any)
		in, out := p.Incoming[0], p.Outgoing[0]
		assert.Equal(t, p.Address(), m["EmailAddress"])
		assert.Equal(t, p.Description(), m["EmailAccountDescription"])
		assert.Equal(t, in.Host, m["IncomingMailServerHostName"])
		assert.Equal(t, uint64(in.Port), m["IncomingMailServerPortNumber"])
		assert.Equal(t, in.Security.Encrypted(), m["IncomingMailServerUseSSL"])
		assert.Equal(t, in.Username, m["IncomingMailServerUsername"])
		assert.Equal(t, out.Host, m["OutgoingMailServerHostName"])
		assert.Equal(t, uint64(out.Port), m["OutgoingMailServerPortNumber"])
		assert.Equal(t, out.Security.Encrypted(), m["OutgoingMailServerUseSSL"])
		assert.NotContains(t, m, "IncomingPassword")
		assert.NotContains(t, m, "OutgoingPassword")
		wantType := "EmailTypeIMAP"
		if in.Protocol == mailprofile.ProtocolPOP3 {
			wantType = "EmailTypePOP"
		}
		assert.Equal(t, wantType, m["EmailAccountType"])
	}
}

func load(t *testing.T, path string) *mailprofile.Site {
	t.Helper()
	site, err := mailprofile.Load(path)
	require.NoError(t, err)
	return site
}

func identifiers(t *testing.T, data []byte) (top string, payloads []string, uuids []string) {
	t.Helper()
	var prof struct {
		PayloadIdentifier string
		PayloadUUID       string
		PayloadContent    []struct {
			PayloadIdentifier string
			PayloadUUID       string
		}
	}
	_, err := plist.Unmarshal(data, &prof)
	require.NoError(t, err)
	uuids = append(uuids, prof.PayloadUUID)
	for _, p := range prof.PayloadContent {
		payloads = append(payloads, p.PayloadIdentifier)
		uuids = append(uuids, p.PayloadUUID)
	}
	return prof.PayloadIdentifier, payloads, uuids
}

func generate(t *testing.T, site *mailprofile.Site, set, addr string) []byte {
	t.Helper()
	p, err := site.Settings(set, sitetest.Account(t, site, addr))
	require.NoError(t, err)
	data, err := apple.Generate([]*mailprofile.Settings{p}, nil)
	require.NoError(t, err)
	return data
}

func TestIdentifiers(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	newInfo := generate(t, site, "new", "info@example.co.jp")
	oldInfo := generate(t, site, "old", "info@example.co.jp")
	newYamada := generate(t, site, "new", "yamada@example.co.jp")

	t.Run("stable", func(t *testing.T) {
		again := generate(t, load(t, "../examples/migration.yaml"), "new", "info@example.co.jp")
		assert.Equal(t, newInfo, again, "reinstalling must replace the same profile: same bytes every run")
	})
	t.Run("old and new differ", func(t *testing.T) {
		topNew, _, uuidsNew := identifiers(t, newInfo)
		topOld, _, uuidsOld := identifiers(t, oldInfo)
		assert.NotEqual(t, topNew, topOld, "the new profile must not replace the old one")
		assert.NotContains(t, uuidsNew, uuidsOld[0])
	})
	t.Run("accounts differ", func(t *testing.T) {
		topInfo, _, _ := identifiers(t, newInfo)
		topYamada, _, _ := identifiers(t, newYamada)
		assert.NotEqual(t, topInfo, topYamada)
	})
	t.Run("host changes identity", func(t *testing.T) {
		moved := load(t, "../examples/migration.yaml")
		moved.Set("new").Incoming[0].Host = "sv9999.example-host.jp"
		topMoved, _, _ := identifiers(t, generate(t, moved, "new", "info@example.co.jp"))
		topInfo, _, _ := identifiers(t, newInfo)
		assert.NotEqual(t, topInfo, topMoved)
	})
	t.Run("bundle keeps payload identifiers", func(t *testing.T) {
		a := sitetest.Account(t, site, "info@example.co.jp")
		both, err := apple.Generate(accountSettings(t, site, a), nil)
		require.NoError(t, err)
		top, payloads, uuids := identifiers(t, both)
		_, newPayload, _ := identifiers(t, newInfo)
		_, oldPayload, _ := identifiers(t, oldInfo)
		assert.Equal(t, append(oldPayload, newPayload...), payloads)
		assert.Len(t, uuids, 3)
		topNew, _, _ := identifiers(t, newInfo)
		assert.NotEqual(t, topNew, top)
	})
	t.Run("uuid format", func(t *testing.T) {
		_, _, uuids := identifiers(t, newInfo)
		for _, u := range uuids {
			assert.Regexp(t, `^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`, u)
		}
	})
}

func TestPasswords(t *testing.T) {
	site := load(t, "../testdata/escaping.yaml")
	a := sitetest.Account(t, site, "Foo.Bar+tag@other.example")
	ps := accountSettings(t, site, a)

	without, err := apple.Generate(ps, nil)
	require.NoError(t, err)
	var m map[string]any
	_, err = plist.Unmarshal(without, &m)
	require.NoError(t, err)
	payload := m["PayloadContent"].([]any)[0].(map[string]any)
	assert.NotContains(t, payload, "IncomingPassword")
	assert.Equal(t, true, payload["OutgoingPasswordSameAsIncomingPassword"], "ask once for both servers")

	with, err := apple.Generate(ps, &apple.Options{IncludePasswords: true})
	require.NoError(t, err)
	spectest.CheckAppleProfile(t, with)
	_, err = plist.Unmarshal(with, &m)
	require.NoError(t, err)
	payload = m["PayloadContent"].([]any)[0].(map[string]any)
	assert.Equal(t, `p&ss<w>rd"'`, payload["IncomingPassword"])
	assert.Equal(t, `p&ss<w>rd"'`, payload["OutgoingPassword"])
	assert.NotContains(t, payload, "OutgoingPasswordSameAsIncomingPassword")
}

func TestUnsupported(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	tmpl, err := site.DomainSettings("new")
	require.NoError(t, err)
	var unsupported *mailprofile.UnsupportedError
	_, err = apple.Generate([]*mailprofile.Settings{tmpl}, nil)
	require.ErrorAs(t, err, &unsupported)
	assert.Equal(t, "account", unsupported.Field)

	_, err = apple.Generate(nil, nil)
	require.ErrorAs(t, err, &unsupported)

	oauth, err := mailprofile.Load("../testdata/oauth2.yaml")
	require.NoError(t, err)
	p, err := oauth.Settings("", oauth.Accounts[0])
	require.NoError(t, err)
	_, err = apple.Generate([]*mailprofile.Settings{p}, nil)
	require.ErrorAs(t, err, &unsupported)
	assert.Equal(t, "servers", unsupported.Field)
}

// TestSchemaCatchesMistakes makes sure the schema check is not a rubber
// stamp: a wrong type, an unknown key and a value out of range all fail.
func TestSchemaCatchesMistakes(t *testing.T) {
	spectest.SharedDir(t)
	data, err := os.ReadFile("testdata/migration/info@example.co.jp.mobileconfig")
	require.NoError(t, err)
	var m map[string]any
	_, err = plist.Unmarshal(data, &m)
	require.NoError(t, err)
	payload := m["PayloadContent"].([]any)[0].(map[string]any)
	payload["IncomingMailServerPortNumber"] = "993"
	payload["EmailAccountType"] = "EmailTypeExchange"
	payload["IncomingMailServerUseTLS"] = true
	delete(payload, "OutgoingMailServerHostName")
	bad, err := plist.MarshalIndent(m, plist.XMLFormat, "\t")
	require.NoError(t, err)

	rec := &recorder{TB: t}
	spectest.CheckAppleProfile(rec, bad)
	assert.ElementsMatch(t, []string{
		"PayloadContent[0] (com.apple.mail.managed): required key OutgoingMailServerHostName is missing",
		"PayloadContent[0] (com.apple.mail.managed): EmailAccountType is EmailTypeExchange, not one of [EmailTypeIMAP EmailTypePOP]",
		"PayloadContent[0] (com.apple.mail.managed): key IncomingMailServerUseTLS is not in Apple's schema",
		"PayloadContent[0] (com.apple.mail.managed): IncomingMailServerPortNumber is <string>, the schema says <integer>",
	}, rec.errors)
}

// recorder collects the errors a check reports instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Error(args ...any) {
	for _, a := range args {
		r.errors = append(r.errors, a.(string))
	}
}
func (r *recorder) Errorf(format string, args ...any) { r.TB.Errorf(format, args...) }

// TestRefusesIncomplete: Settings that Validate did not complete are an
// error, not a profile with port 0.
func TestRefusesIncomplete(t *testing.T) {
	st := sitetest.Unvalidated()
	_, err := apple.Generate([]*mailprofile.Settings{st}, nil)
	assert.ErrorContains(t, err, "call Site.Validate first")
}

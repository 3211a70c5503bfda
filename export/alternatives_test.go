package export_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/export"
)

// TestAuthAlternatives: each format is given the ways to log in it can
// say, and the plan warns where that is not the first.
func TestAuthAlternatives(t *testing.T) {
	site := load(t, "../testdata/alternatives.yaml")
	plan, err := export.NewPlan(site, nil)
	require.NoError(t, err)
	files := map[string]string{}
	require.NoError(t, plan.Each(func(f export.File) error {
		files[f.Path] = string(f.Data)
		return nil
	}, nil))
	tb := files["isp/main/example.com.xml"]
	assert.Contains(t, tb, "<authentication>OAuth2</authentication>\n      <authentication>password-cleartext</authentication>", "Thunderbird gets both, in order")
	ox := files["a@example.com/autodiscover-main.xml"]
	assert.Contains(t, ox, "<LoginName>a@example.com</LoginName>")
	assert.Equal(t, 2, strings.Count(ox, "<Protocol>"), "no server is left out")
	mc := files["a@example.com/a@example.com.mobileconfig"]
	assert.Contains(t, mc, "<string>EmailAuthPassword</string>")
	assert.Contains(t, mc, "<string>EmailAuthCRAMMD5</string>")

	var warnings []string
	for _, w := range plan.Warnings() {
		warnings = append(warnings, w.String())
	}
	assert.Contains(t, warnings, "../testdata/alternatives.yaml:9: servers.main.incoming[0].auth: Outlook's Autodiscover cannot say oauth2, the first choice: its files give password-cleartext, the next")
	assert.Contains(t, warnings, "../testdata/alternatives.yaml:9: servers.main.incoming[0].auth: an Apple profile cannot say oauth2, the first choice: its files give password-cleartext, the next")
	assert.Contains(t, warnings, "../testdata/alternatives.yaml:11: servers.main.outgoing[0].auth: password-encrypted (CRAM-MD5): Outlook's Autodiscover cannot say it, so the Outlook files tell the client to send the password as it is (protected by TLS); the client may then fail to log in: set it to an encrypted password by hand")
}

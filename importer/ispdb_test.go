package importer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/importer"
	"github.com/mailprofile/mailprofile/internal/spectest"
)

// tbServer is a server as Thunderbird's readFromXML (comm-central,
// mail/components/accountcreation/modules/readFromXML.sys.mjs) reads it
// from a clientConfig file: what it keeps, with its defaults filled in.
type tbServer struct {
	Type, Host string
	Port       int
	SocketType string
	Auths      []string // every value its mapping knows, in order; it uses the first it can
	Username   string   // "undefined" when absent, as String(undefined) gives
	Leave      bool     // POP3: leaveMessagesOnServer, default true
	Days       int      // POP3: daysToLeaveMessagesOnServer, default 14
}

func (s tbServer) String() string {
	return fmt.Sprintf("%s %s:%d %s %v %s leave=%v days=%d", s.Type, s.Host, s.Port, s.SocketType, s.Auths, s.Username, s.Leave, s.Days)
}

var (
	tbIncomingAuths = map[string]string{
		"password-cleartext": "password-cleartext", "plain": "password-cleartext",
		"password-encrypted": "password-encrypted", "secure": "password-encrypted",
		"GSSAPI": "GSSAPI", "NTLM": "NTLM", "OAuth2": "OAuth2",
	}
	tbOutgoingAuths = map[string]string{
		"none": "none", "client-IP-address": "none", "smtp-after-pop": "none",
		"password-cleartext": "password-cleartext", "plain": "password-cleartext",
		"password-encrypted": "password-encrypted", "secure": "password-encrypted",
		"GSSAPI": "GSSAPI", "NTLM": "NTLM", "OAuth2": "OAuth2",
	}
	tbSocketTypes = map[string]bool{"plain": true, "SSL": true, "STARTTLS": true}
)

// thunderbirdReads reads a clientConfig file as readFromXML does, keeping
// the mail servers a description can hold (IMAP, POP3, SMTP) and leaving
// out those readFromXML refuses. %EMAILDOMAIN% in a host is filled in with
// the provider's first domain, as it would be for its addresses.
func thunderbirdReads(t *testing.T, data []byte) []tbServer {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(data))
	prov := doc.FindElement("/clientConfig/emailProvider")
	require.NotNil(t, prov)
	domain := strings.TrimSpace(prov.SelectElement("domain").Text())
	text := func(el *etree.Element, tag string) (string, bool) {
		if c := el.SelectElement(tag); c != nil {
			return strings.TrimSpace(c.Text()), true
		}
		return "", false
	}
	var out []tbServer
	for _, el := range prov.ChildElements() {
		incoming := el.Tag == "incomingServer"
		if !incoming && el.Tag != "outgoingServer" {
			continue
		}
		s := tbServer{Type: el.SelectAttrValue("type", ""), Leave: true, Days: 14}
		if incoming && s.Type != "imap" && s.Type != "pop3" || !incoming && s.Type != "smtp" {
			continue // no description holds it; the importer notes it
		}
		host, _ := text(el, "hostname")
		s.Host = strings.ToLower(strings.ReplaceAll(host, "%EMAILDOMAIN%", domain))
		port, _ := text(el, "port")
		var err error
		if s.Port, err = strconv.Atoi(port); err != nil || s.Port < 1 || s.Port > 65535 {
			continue // readFromXML refuses the server
		}
		for _, st := range el.SelectElements("socketType") {
			if v := strings.TrimSpace(st.Text()); tbSocketTypes[v] {
				s.SocketType = v
				break
			}
		}
		mapping := tbOutgoingAuths
		if incoming {
			mapping = tbIncomingAuths
		}
		for _, a := range el.SelectElements("authentication") {
			if v, ok := mapping[strings.TrimSpace(a.Text())]; ok {
				s.Auths = append(s.Auths, v)
			}
		}
		if s.SocketType == "" || len(s.Auths) == 0 {
			continue // readFromXML refuses the server
		}
		s.Username = "undefined"
		if u, ok := text(el, "username"); ok {
			s.Username = u
		} else if !incoming && s.Auths[0] == "none" {
			s.Username = ""
		}
		if pop := el.SelectElement("pop3"); incoming && pop != nil {
			if v, ok := text(pop, "leaveMessagesOnServer"); ok {
				s.Leave = v == "true"
			}
			if v, ok := text(pop, "daysToLeaveMessagesOnServer"); ok {
				s.Days, _ = strconv.Atoi(v)
			}
		}
		if s.Type != "pop3" {
			s.Leave, s.Days = false, 0
		}
		out = append(out, s)
	}
	return out
}

// TestISPDB imports every provider file of Thunderbird's ISPDB, writes the
// Thunderbird file of the result as gen does, and reads both as Thunderbird
// does: every server, its ways to log in and their order come back as the
// provider wrote them. Where a default was made explicit, a note says so.
func TestISPDB(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(spectest.SharedDir(t), "specs", "autoconfig", "ispdb", "*.xml"))
	require.NoError(t, err)
	require.Len(t, files, 163, "all of Thunderbird's ISPDB")
	var same, explained int
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".xml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			site, notes, err := importer.Read(data, nil)
			require.NoError(t, err, "every provider's file imports")

			plan, err := export.NewPlan(site, &export.Options{Formats: []export.Format{export.FormatThunderbird}})
			require.NoError(t, err)
			var generated []byte
			require.NoError(t, plan.Each(func(f export.File) error {
				if strings.HasPrefix(f.Path, "isp/") {
					generated = f.Data
				}
				return nil
			}, nil))
			require.NotNil(t, generated)
			spectest.ValidateClientConfig(t, generated)

			want, got := thunderbirdReads(t, data), thunderbirdReads(t, generated)
			require.Len(t, got, len(want), "the same servers: %v\nagainst %v", got, want)
			differ := false
			for i := range want {
				w, g := want[i], got[i]
				if w.Username == "undefined" && g.Username == "%EMAILADDRESS%" {
					// A default made explicit, and said so.
					assert.Contains(t, strings.Join(notes, "\n"), "no username: %EMAILADDRESS% is used")
					w.Username, differ = g.Username, true
				}
				assert.Equal(t, w.String(), g.String(), "server %d", i+1)
			}
			if differ {
				explained++
			} else {
				same++
			}

			// The other formats are written where they can say the servers.
			if _, err := export.NewPlan(site, nil); err != nil {
				assert.Contains(t, err.Error(), "cannot express OAuth2", "only OAuth2-only servers stop the other formats")
			}
		})
	}
	t.Logf("%d provider files: %d read back the same, %d the same but for a default made explicit (with a note)", len(files), same, explained)
}

package dnsrecords_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/dnsrecords"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/spectest"
)

var cases = []struct {
	file string
	opts *dnsrecords.Options
}{
	{"../examples/migration.yaml", nil},
	{"../examples/migration.yaml", &dnsrecords.Options{Set: "old", TTL: 300}},
	{"../examples/single.yaml", nil},
	{"../testdata/phased.yaml", nil},
	{"../testdata/dns.yaml", nil},
}

func zone(t *testing.T, file string, opts *dnsrecords.Options) (*dnsrecords.Zone, []byte) {
	t.Helper()
	site, err := mailprofile.Load(file)
	require.NoError(t, err)
	z, err := dnsrecords.For(site, opts)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = z.WriteTo(&buf)
	require.NoError(t, err)
	return z, buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, c := range cases {
		z, text := zone(t, c.file, c.opts)
		name := golden.Name(c.file) + "-" + z.Set
		golden.Check(t, filepath.Join("testdata", name+".zone"), text)
		js, err := json.MarshalIndent(z, "", "  ")
		require.NoError(t, err)
		golden.Check(t, filepath.Join("testdata", name+".json"), append(js, '\n'))
	}
}

// TestNamedCheckzone has BIND check a zone made of the records, with the
// SOA, NS and MX a real zone has.
func TestNamedCheckzone(t *testing.T) {
	checkzone := spectest.Tool(t, "named-checkzone", "bind9-utils")
	for _, c := range cases {
		z, text := zone(t, c.file, c.opts)
		head := "$ORIGIN " + z.Domain + ".\n$TTL 3600\n" +
			"@ IN SOA ns1." + z.Domain + ". hostmaster." + z.Domain + ". 2026112701 7200 3600 1209600 300\n" +
			"@ IN NS ns1." + z.Domain + ".\nns1 IN A 192.0.2.53\n@ 300 IN MX 10 mx.example-host.jp.\n"
		file := filepath.Join(t.TempDir(), "zone")
		require.NoError(t, os.WriteFile(file, append([]byte(head), text...), 0o644))
		out, err := exec.Command(checkzone, "-k", "fail", "-n", "fail", "-i", "local", z.Domain, file).CombinedOutput()
		assert.NoError(t, err, "%s\n%s", out, text)
		assert.Contains(t, string(out), "OK")
	}
}

// TestParsedByDNSLibrary reads the records back with miekg/dns's zone
// parser and compares them field by field.
func TestParsedByDNSLibrary(t *testing.T) {
	for _, c := range cases {
		z, text := zone(t, c.file, c.opts)
		zp := dns.NewZoneParser(bytes.NewReader(text), z.Domain+".", "")
		var got []dnsrecords.Record
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			h := rr.Header()
			data := strings.TrimPrefix(rr.String(), h.String())
			got = append(got, dnsrecords.Record{Name: h.Name, TTL: int(h.Ttl), Type: dns.TypeToString[h.Rrtype], Data: data})
			switch r := rr.(type) {
			case *dns.SRV:
				assert.True(t, r.Target == "." || dns.IsFqdn(r.Target))
				if r.Target == "." {
					assert.Zero(t, r.Port, "a service not offered has port 0")
				}
			case *dns.CNAME:
				assert.True(t, dns.IsFqdn(r.Target))
			}
		}
		require.NoError(t, zp.Err())
		assert.Equal(t, z.Records, got, c.file)
	}
}

func TestServices(t *testing.T) {
	z, _ := zone(t, "../testdata/dns.yaml", nil)
	byName := map[string][]string{}
	for _, r := range z.Records {
		byName[r.Name] = append(byName[r.Name], r.Type+" "+r.Data)
	}
	assert.Equal(t, map[string][]string{
		"autoconfig.example.com.":         {"A 198.51.100.7", "AAAA 2001:db8::7"},
		"autodiscover.example.com.":       {"A 198.51.100.7", "AAAA 2001:db8::7"},
		"_autodiscover._tcp.example.com.": {"SRV 0 0 443 autodiscover.example.com."},
		"_imaps._tcp.example.com.":        {"SRV 0 1 993 imap.example.com."},
		"_imap._tcp.example.com.":         {"SRV 1 1 143 imap.example.com."},
		"_pop3s._tcp.example.com.":        {"SRV 2 1 995 pop.xn--r8jz45g.jp."},
		"_pop3._tcp.example.com.":         {"SRV 0 0 0 ."},
		"_submissions._tcp.example.com.":  {"SRV 0 1 465 smtp.example.com."},
		"_submission._tcp.example.com.":   {"SRV 1 1 587 smtp.example.com."},
	}, byName)
	assert.Equal(t, 300, z.Records[0].TTL)

	m, _ := zone(t, "../examples/migration.yaml", &dnsrecords.Options{Set: "old"})
	assert.Contains(t, m.Notes, "_pop3s._tcp.example.co.jp. is not published: 203.0.113.10 is an IP address, and an SRV record must name a host.")
	assert.Contains(t, m.Notes, "Lower the TTL of the MX record (to 300 seconds, say) by 2026-12-04, a day before the switch on 2026-12-05, so that the change reaches everyone quickly; raise it again afterwards.")

	site, err := mailprofile.Load("../examples/single.yaml")
	require.NoError(t, err)
	_, err = dnsrecords.For(site, &dnsrecords.Options{Set: "nope"})
	assert.ErrorIs(t, err, mailprofile.ErrUnknownSet)
}

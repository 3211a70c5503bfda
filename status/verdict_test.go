package status

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestVerdictNameServerAtTwoAddresses: a name server that answers at one of
// its addresses and not at another (its IPv6 address, from a machine
// without IPv6) is not in the way; one that answers at none is.
func TestVerdictNameServerAtTwoAddresses(t *testing.T) {
	now := time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
	mx := func(ns, server string, class Class) Answer {
		a := Answer{Name: "example.jp.", Type: "MX", Source: Source{Kind: "authoritative", Server: server, NS: ns}, Class: class, mail: true}
		if class == ClassError {
			a.Error = "network is unreachable"
		} else {
			a.Values, a.TTL = []string{"10 mx.example-host.jp."}, 300
		}
		return a
	}
	tests := []struct {
		name  string
		dns   []Answer
		ready bool
	}{
		{"both addresses answer", []Answer{
			mx("ns1.example.jp.", "ns1 (192.0.2.1)", ClassNew),
			mx("ns1.example.jp.", "ns1 (2001:db8::1)", ClassNew),
		}, true},
		{"one address of the same server does not", []Answer{
			mx("ns1.example.jp.", "ns1 (192.0.2.1)", ClassNew),
			mx("ns1.example.jp.", "ns1 (2001:db8::1)", ClassError),
		}, true},
		{"another server does not answer at all", []Answer{
			mx("ns1.example.jp.", "ns1 (192.0.2.1)", ClassNew),
			mx("ns2.example.jp.", "ns2 (2001:db8::2)", ClassError),
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Domain: "example.jp", From: "old", To: "new", Time: now, DNS: tt.dns,
				Switch: now.Add(-72 * time.Hour), CacheUntil: now.Add(-71 * time.Hour)}
			r.verdict(DefaultQuiet)
			assert.Equal(t, tt.ready, r.Ready, "%+v", r.Blockers)
		})
	}
}

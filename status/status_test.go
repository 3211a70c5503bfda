package status_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/bindtest"
	"github.com/mailprofile/mailprofile/internal/dovecottest"
	"github.com/mailprofile/mailprofile/internal/testpki"
	"github.com/mailprofile/mailprofile/status"
)

// The test's DNS: a root server that delegates example.test to two name
// servers, and two recursive resolvers that start from that root. The
// first resolver is the "system" one (named in a resolv.conf of the
// test's), the second is given as a resolver to ask.
const (
	rootIP   = "127.0.42.1"
	ns1IP    = "127.0.42.2"
	ns2IP    = "127.0.42.3"
	systemIP = "127.0.42.4"
	otherIP  = "127.0.42.5"
)

const rootZone = `$TTL 3600
.	IN SOA root.test. admin.test. 1 3600 600 86400 300
.	IN NS root.test.
root.test.	IN A 127.0.42.1
example.test.	IN NS ns1.example.test.
example.test.	IN NS ns2.example.test.
ns1.example.test.	IN A 127.0.42.2
ns2.example.test.	IN A 127.0.42.3
mx.old-host.test.	IN A 192.0.2.10
mx.new-host.test.	IN A 198.51.100.20
imap.new-host.test.	IN A 198.51.100.21
setup.new-host.test.	IN A 198.51.100.30
`

// zone is example.test as it is before (old) and after (new) the switch.
// The MX points at the receiving host by name; mail.example.test, the
// second MX, is in the domain and tells the sets apart by its address.
func zone(serial int, old bool) string {
	mx, mail, ttl, extra := "mx.new-host.test.", "198.51.100.20", 300, "autoconfig\tIN CNAME setup.new-host.test.\n"
	if old {
		mx, mail, ttl, extra = "mx.old-host.test.", "192.0.2.10", 3600, ""
	}
	return fmt.Sprintf(`$TTL 3600
@	IN SOA ns1.example.test. admin.example.test. %d 3600 600 86400 300
@	IN NS ns1
@	IN NS ns2
ns1	IN A 127.0.42.2
ns2	IN A 127.0.42.3
@	%[2]d IN MX 10 %[3]s
@	%[2]d IN MX 20 mail.example.test.
mail	%[2]d IN A %[4]s
%[5]s`, serial, ttl, mx, mail, extra)
}

// dnsWorld is the test's DNS, started.
type dnsWorld struct {
	ns1, ns2, system, other *bindtest.Server
	resolvConf              string
}

func startDNS(t *testing.T) *dnsWorld {
	t.Helper()
	bindtest.Authoritative(t, rootIP, map[string]string{".": rootZone})
	w := &dnsWorld{
		ns1:    bindtest.Authoritative(t, ns1IP, map[string]string{"example.test.": zone(1, true)}),
		ns2:    bindtest.Authoritative(t, ns2IP, map[string]string{"example.test.": zone(1, true)}),
		system: bindtest.Resolver(t, systemIP, rootIP),
		other:  bindtest.Resolver(t, otherIP, rootIP),
	}
	w.resolvConf = filepath.Join(t.TempDir(), "resolv.conf")
	require.NoError(t, os.WriteFile(w.resolvConf, []byte("nameserver "+systemIP+"\n"), 0o644))
	return w
}

// description is the move of example.test: the old set's incoming server
// is the test's Dovecot (IMAP or POP3 at port), the new set another.
func description(t *testing.T, switchDate, protocol string, port int, security string) *mailprofile.Site {
	t.Helper()
	desc := fmt.Sprintf(`domain: example.test
migration: {from: old, to: new, switch_date: %q}
discovery: {host: setup.new-host.test}
servers:
  old:
    incoming:
      - {protocol: %s, host: 127.0.0.1, port: %d, security: %s}
    outgoing:
      - {host: 127.0.0.1, port: 587}
    receives: [mx.old-host.test, 192.0.2.10]
  new:
    incoming:
      - {protocol: imap, host: imap.new-host.test}
    outgoing:
      - {host: imap.new-host.test, port: 587}
    receives: [mx.new-host.test, 198.51.100.20]
accounts_csv: accounts.csv
`, switchDate, protocol, port, security)
	dir := t.TempDir()
	csv := "address,password.old\nquiet@example.test,pw-quiet\nbusy@example.test,pw-busy\nwrong@example.test,not-the-password\nnopass@example.test,\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "accounts.csv"), []byte(csv), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(desc), 0o644))
	site, err := mailprofile.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return site
}

func run(t *testing.T, site *mailprofile.Site, opts *status.Options) *status.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if opts.Timeout == 0 {
		opts.Timeout = 20 * time.Second
	}
	r, err := status.Run(ctx, site, opts)
	require.NoError(t, err)
	return r
}

// answersOf are the answers to one question, by server kind and address.
func answersOf(r *status.Report, name, typ string) map[string]status.Answer {
	out := map[string]status.Answer{}
	for _, a := range r.DNS {
		if a.Name == name && a.Type == typ {
			out[a.Source.Server] = a
		}
	}
	return out
}

const (
	ns1 = "ns1.example.test (127.0.42.2:53, authoritative)"
	ns2 = "ns2.example.test (127.0.42.3:53, authoritative)"
	sys = "127.0.42.4:53 (system)"
	oth = "127.0.42.5:53 (resolver)"
)

// TestSwitchSeenThroughDNS follows one move through DNS: before the
// switch, half switched (one name server still serves the old zone),
// switched with resolvers still holding the old answers, and done; each
// run reads the state the last one left.
func TestSwitchSeenThroughDNS(t *testing.T) {
	w := startDNS(t)
	site := description(t, "2026-12-05T18:00+09:00", "imap", 9, "starttls")
	switchAt := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	opts := func(now time.Time, prev *status.State) *status.Options {
		return &status.Options{ResolvConf: w.resolvConf, Resolvers: []string{otherIP}, Accounts: []string{"nopass@example.test"},
			Now: func() time.Time { return now }, Previous: prev}
	}

	// Before: everyone answers old. The resolvers cache the old MX.
	before := run(t, site, opts(switchAt.Add(-time.Hour), nil))
	mx := answersOf(before, "example.test.", "MX")
	require.Len(t, mx, 4, "two name servers found through NS, the system resolver and one more: %v", mx)
	for server, a := range mx {
		assert.Equal(t, status.ClassOld, a.Class, server)
		assert.Equal(t, []string{"10 mx.old-host.test.", "20 mail.example.test."}, a.Values, server)
	}
	assert.Equal(t, 3600, mx[ns1].TTL)
	assert.Equal(t, status.ClassOld, answersOf(before, "mail.example.test.", "A")[ns2].Class, "told apart by its address")
	assert.False(t, before.Ready)

	// Half switched: ns1 serves the new zone, ns2 still the old one.
	w.ns1.SetZone(t, "example.test.", zone(2, false))
	half := run(t, site, opts(switchAt.Add(time.Hour), before.State()))
	mx = answersOf(half, "example.test.", "MX")
	assert.Equal(t, status.ClassNew, mx[ns1].Class)
	assert.Equal(t, 300, mx[ns1].TTL)
	assert.Equal(t, status.ClassOld, mx[ns2].Class)
	assert.Equal(t, status.ClassNew, answersOf(half, "mail.example.test.", "A")[ns1].Class)
	assert.Equal(t, status.ClassNew, answersOf(half, "autoconfig.example.test.", "A")[ns1].Class, "the CNAME names the discovery host")
	assert.Equal(t, status.ClassNone, answersOf(half, "autoconfig.example.test.", "A")[ns2].Class)
	assert.False(t, half.Ready)
	assert.True(t, hasBlocker(half, ns2+" answers old for example.test. MX"), "%+v", half.Blockers)
	assert.Contains(t, half.Changes, "example.test. MX at "+ns1+": new, was old (10 mx.old-host.test., 20 mail.example.test. → 10 mx.new-host.test., 20 mail.example.test.)")

	// Switched, but the resolvers still hold the old MX from the first
	// run, for up to an hour.
	w.ns2.SetZone(t, "example.test.", zone(2, false))
	now := switchAt.Add(2 * time.Hour)
	cached := run(t, site, opts(now, half.State()))
	mx = answersOf(cached, "example.test.", "MX")
	assert.Equal(t, status.ClassNew, mx[ns1].Class)
	assert.Equal(t, status.ClassNew, mx[ns2].Class)
	assert.Equal(t, status.ClassOld, mx[sys].Class)
	assert.Equal(t, status.ClassOld, mx[oth].Class)
	assert.LessOrEqual(t, mx[sys].TTL, 3600)
	assert.False(t, cached.Ready)
	assert.True(t, hasBlocker(cached, sys+" answers old for example.test. MX"), "%+v", cached.Blockers)
	assert.True(t, cached.CacheUntil.After(now), "the resolver's copy runs out after now: %s", cached.CacheUntil)
	assert.Equal(t, 3600, cached.State().OldTTL, "the old TTL is remembered")

	// The resolvers forget (as their copies run out); a day later the
	// switch is done. The mailbox check has no account to look at.
	w.system.Restart(t)
	w.other.Restart(t)
	done := run(t, site, opts(switchAt.Add(24*time.Hour), cached.State()))
	for server, a := range answersOf(done, "example.test.", "MX") {
		assert.Equal(t, status.ClassNew, a.Class, server)
	}
	assert.Equal(t, switchAt.Add(time.Hour), done.CacheUntil.UTC(), "the switch plus the old TTL of an hour")
	assert.Empty(t, done.Blockers)
	assert.True(t, done.Ready, "%+v", done.Blockers)
	assert.Contains(t, done.Notes[len(done.Notes)-1], "No mailbox on the old server was checked")

	// A cache time not yet passed keeps the verdict at not ready.
	early := run(t, site, opts(switchAt.Add(30*time.Minute), cached.State()))
	assert.False(t, early.Ready)
	assert.True(t, hasBlocker(early, "resolvers may still hold an old answer until 2026-12-05 19:00 +09:00"), "%+v", early.Blockers)
}

// TestAuthoritiesFromAReferral finds the name servers from a parent zone's
// server, which answers with a referral and glue, not an answer.
func TestAuthoritiesFromAReferral(t *testing.T) {
	w := startDNS(t)
	w.ns1.SetZone(t, "example.test.", zone(2, false))
	w.ns2.SetZone(t, "example.test.", zone(2, false))
	empty := filepath.Join(t.TempDir(), "resolv.conf")
	require.NoError(t, os.WriteFile(empty, []byte("nameserver "+rootIP+"\n"), 0o644))
	site := description(t, "2026-12-05", "imap", 9, "starttls")
	r := run(t, site, &status.Options{ResolvConf: empty, Accounts: []string{"nopass@example.test"}})
	mx := answersOf(r, "example.test.", "MX")
	assert.Equal(t, status.ClassNew, mx[ns1].Class)
	assert.Equal(t, status.ClassNew, mx[ns2].Class)
	assert.Equal(t, status.ClassNone, mx["127.0.42.1:53 (system)"].Class, "a server that does not recurse gives no answer")
	assert.False(t, r.Ready, "a resolver without an answer is in the way")
}

func hasBlocker(r *status.Report, prefix string) bool {
	for _, b := range r.Blockers {
		if strings.HasPrefix(b.What, prefix) {
			return true
		}
	}
	return false
}

// TestOldMailboxes looks into mailboxes on a real Dovecot over IMAP and
// POP3, each with STARTTLS and with TLS from the first byte: one quiet
// since before the switch, one that received mail after it, one with a
// wrong password, one without a password; and shows that nothing in them
// changed.
func TestOldMailboxes(t *testing.T) {
	w := startDNS(t)
	w.ns1.SetZone(t, "example.test.", zone(2, false))
	w.ns2.SetZone(t, "example.test.", zone(2, false))
	ca := testpki.NewRoot(t, "status test CA")
	cert, key := ca.Issue(t, testpki.Spec{CommonName: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	users := map[string]string{"quiet@example.test": "pw-quiet", "busy@example.test": "pw-busy", "wrong@example.test": "pw-wrong", "nopass@example.test": "pw-nopass"}
	d := dovecottest.Start(t, testpki.CertPEM(cert), testpki.KeyPEM(t, key), users)
	d.Wait(t)
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)

	switchAt := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	now := switchAt.Add(4 * 24 * time.Hour)
	msg := func(id string, at time.Time) string {
		return fmt.Sprintf("Received: from sender.test by mx.old-host.test; %s\nDate: %s\nFrom: a@sender.test\nMessage-ID: <%s@sender.test>\nSubject: %s\n\nHello.\n",
			at.Format(time.RFC1123Z), at.Add(-time.Minute).Format(time.RFC1123Z), id, id)
	}
	for _, u := range []string{"quiet@example.test", "busy@example.test"} {
		d.Deliver(t, u, msg("before-"+u, switchAt.Add(-48*time.Hour)), switchAt.Add(-48*time.Hour))
	}
	d.Deliver(t, "busy@example.test", msg("after-1", switchAt.Add(time.Hour)), switchAt.Add(time.Hour))
	d.Deliver(t, "busy@example.test", msg("after-2", now.Add(-5*time.Hour)), now.Add(-5*time.Hour))
	before := map[string]map[string]string{}
	for u := range users {
		before[u] = d.Messages(t, u)
	}

	tests := []struct{ protocol, port, security string }{
		{"imap", "imap", "starttls"},
		{"imap", "imaps", "tls"},
		{"pop3", "pop3", "starttls"},
		{"pop3", "pop3s", "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.port, func(t *testing.T) {
			site := description(t, "2026-12-05T18:00+09:00", tt.protocol, d.Ports[tt.port], tt.security)
			r := run(t, site, &status.Options{ResolvConf: w.resolvConf, Roots: roots, Now: func() time.Time { return now }})
			got := map[string]status.Mailbox{}
			for _, mb := range r.Mailboxes {
				got[mb.Address] = mb
			}
			require.Len(t, got, 4)

			quiet := got["quiet@example.test"]
			assert.Equal(t, status.MailboxQuiet, quiet.Status, quiet.Reason)
			assert.Equal(t, 1, quiet.Messages)
			assert.Equal(t, 0, quiet.Arrived)
			assert.True(t, quiet.Newest.Equal(switchAt.Add(-48*time.Hour)), "newest %s", quiet.Newest)

			busy := got["busy@example.test"]
			assert.Equal(t, status.MailboxReceived, busy.Status, busy.Reason)
			assert.Equal(t, 3, busy.Messages)
			assert.Equal(t, 2, busy.Arrived)
			assert.True(t, busy.Newest.Equal(now.Add(-5*time.Hour)), "newest %s", busy.Newest)

			wrong := got["wrong@example.test"]
			assert.Equal(t, status.MailboxFailed, wrong.Status)
			assert.Contains(t, wrong.Reason, "login as wrong@example.test")
			assert.NotContains(t, wrong.Reason, "not-the-password")

			nopass := got["nopass@example.test"]
			assert.Equal(t, status.MailboxNotChecked, nopass.Status)
			assert.Equal(t, "no password for it", nopass.Reason)

			assert.False(t, r.Ready)
			assert.True(t, hasBlocker(r, "busy@example.test received mail on the old server at 2026-12-09 13:00 +09:00"), "%+v", r.Blockers)
			assert.True(t, hasBlocker(r, "wrong@example.test could not be checked"), "%+v", r.Blockers)
			assert.False(t, hasBlocker(r, "quiet@example.test"))
			assert.False(t, hasBlocker(r, "nopass@example.test"), "a mailbox without a password is listed, not in the way")

			var text, js bytes.Buffer
			require.NoError(t, status.WriteText(&text, r))
			require.NoError(t, status.WriteJSON(&js, r))
			for _, out := range []string{text.String(), js.String()} {
				for _, pw := range []string{"pw-quiet", "pw-busy", "not-the-password"} {
					assert.NotContains(t, out, pw)
				}
			}
			var back map[string]any
			require.NoError(t, json.Unmarshal(js.Bytes(), &back))
			assert.Equal(t, false, back["ready"])

			// Once the quiet time has passed for the busy mailbox and the
			// wrong password is left out, the old server may go.
			later := now.Add(72 * time.Hour)
			r = run(t, site, &status.Options{ResolvConf: w.resolvConf, Roots: roots, Now: func() time.Time { return later },
				Accounts: []string{"quiet@example.test", "busy@example.test", "nopass@example.test"}})
			assert.True(t, r.Ready, "%+v", r.Blockers)
		})
	}
	for u := range users {
		assert.Equal(t, before[u], d.Messages(t, u), "%s: every message file, its name (the flags) and its content, as it was", u)
	}
}

// TestUnknownAccount refuses to look for an account the description does
// not have, rather than report nothing about it.
func TestUnknownAccount(t *testing.T) {
	site := description(t, "2026-12-05", "imap", 9, "tls")
	_, err := status.Run(context.Background(), site, &status.Options{ResolvConf: "/nonexistent", Accounts: []string{"nobody@example.test"}})
	require.EqualError(t, err, "nobody@example.test is not an account of the description")
}

// TestServerThatDoesNotAnswer gives up on a server that accepts the
// connection and says nothing, within the step timeout, and reports it.
func TestServerThatDoesNotAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	resolv := filepath.Join(t.TempDir(), "resolv.conf")
	require.NoError(t, os.WriteFile(resolv, []byte("nameserver 127.0.42.99\n"), 0o644)) // nothing there
	for _, proto := range []string{"imap", "pop3"} {
		site := description(t, "2026-12-05", proto, port, "tls")
		r := run(t, site, &status.Options{ResolvConf: resolv, Timeout: 500 * time.Millisecond, Accounts: []string{"quiet@example.test"}})
		require.Len(t, r.Mailboxes, 1)
		assert.Equal(t, status.MailboxFailed, r.Mailboxes[0].Status, proto)
		assert.Contains(t, r.Mailboxes[0].Reason, "TLS", proto)
		assert.False(t, r.Ready)
		assert.True(t, hasBlocker(r, "the domain's authoritative name servers could not be found"))
	}
}

package check_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/check"
	"github.com/mailprofile/mailprofile/internal/dovecottest"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

// servers describes every listener of d under host, with the security of
// each port.
func servers(d *dovecottest.Server, host string) []mailprofile.Server {
	s := func(p mailprofile.Protocol, port string, sec mailprofile.Security) mailprofile.Server {
		return mailprofile.Server{Protocol: p, Host: host, Port: d.Ports[port], Security: sec}
	}
	return []mailprofile.Server{
		s(mailprofile.ProtocolIMAP, "imaps", mailprofile.SecurityTLS),
		s(mailprofile.ProtocolIMAP, "imap", mailprofile.SecurityStartTLS),
		s(mailprofile.ProtocolPOP3, "pop3s", mailprofile.SecurityTLS),
		s(mailprofile.ProtocolPOP3, "pop3", mailprofile.SecurityStartTLS),
		s(mailprofile.ProtocolSMTP, "submissions", mailprofile.SecurityTLS),
		s(mailprofile.ProtocolSMTP, "submission", mailprofile.SecurityStartTLS),
	}
}

// site makes a validated description of the servers.
func site(t *testing.T, srvs ...mailprofile.Server) *mailprofile.Site {
	t.Helper()
	set := &mailprofile.ServerSet{Name: "new"}
	for _, s := range srvs {
		if s.Protocol == mailprofile.ProtocolSMTP {
			set.Outgoing = append(set.Outgoing, s)
		} else {
			set.Incoming = append(set.Incoming, s)
		}
	}
	if len(set.Outgoing) == 0 {
		set.Outgoing = []mailprofile.Server{{Protocol: mailprofile.ProtocolSMTP, Host: "localhost", Port: 9, Security: mailprofile.SecurityTLS}}
	}
	if len(set.Incoming) == 0 {
		set.Incoming = []mailprofile.Server{{Protocol: mailprofile.ProtocolIMAP, Host: "localhost", Port: 9, Security: mailprofile.SecurityTLS}}
	}
	s := &mailprofile.Site{Domain: "example.com", Sets: []*mailprofile.ServerSet{set},
		Accounts: []*mailprofile.Account{{Address: "alice@example.com"}}}
	require.NoError(t, s.Validate())
	return s
}

func run(t *testing.T, s *mailprofile.Site, opts *check.Options) []check.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return check.Run(ctx, s, opts)
}

// only keeps the results of the servers whose name contains port.
func only(results []check.Result, port int) []check.Result {
	var out []check.Result
	for _, r := range results {
		if strings.HasSuffix(r.Server, ":"+strconv.Itoa(port)) {
			out = append(out, r)
		}
	}
	return out
}

func find(t *testing.T, results []check.Result, checkName string) check.Result {
	t.Helper()
	for _, r := range results {
		if r.Check == checkName {
			return r
		}
	}
	t.Fatalf("no %s result in %+v", checkName, results)
	return check.Result{}
}

func TestAgainstDovecot(t *testing.T) {
	ca := testpki.NewRoot(t, "mailprofile test CA")
	now := time.Now()
	certHost, keyHost := issue(t, ca, certSpec{spec: testpki.Spec{CommonName: "localhost", DNSNames: []string{"localhost"}}})
	certIP, keyIP := issue(t, ca, certSpec{spec: testpki.Spec{CommonName: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}}})
	certOld, keyOld := issue(t, ca, certSpec{spec: testpki.Spec{CommonName: "localhost", DNSNames: []string{"localhost"},
		NotBefore: now.Add(-60 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}})
	certSelf, keySelf := issue(t, ca, certSpec{spec: testpki.Spec{CommonName: "localhost", DNSNames: []string{"localhost"}}, selfSigned: true})

	byHost := dovecottest.Start(t, certHost, keyHost, nil)
	byIP := dovecottest.Start(t, certIP, keyIP, nil)
	expired := dovecottest.Start(t, certOld, keyOld, nil)
	self := dovecottest.Start(t, certSelf, keySelf, nil)
	noTLS := dovecottest.Start(t, nil, nil, nil)
	for _, d := range []*dovecottest.Server{byHost, byIP, expired, self, noTLS} { // they start together
		d.Wait(t)
	}
	login := &check.Login{Address: "alice@example.com", Password: mailprofile.NewSecret("secret")}
	roots := pool(ca)

	t.Run("all pass", func(t *testing.T) {
		results := run(t, site(t, servers(byHost, "localhost")...), &check.Options{Roots: roots, Login: login})
		require.NotEmpty(t, results)
		for _, r := range results {
			assert.Equal(t, check.OK, r.Status, "%+v", r)
		}
		assert.False(t, check.Failed(results))
		for _, port := range byHost.Ports {
			got := map[string]bool{}
			for _, r := range only(results, port) {
				got[r.Check] = true
			}
			for _, c := range []string{"resolve", "connect", "greeting", "certificate", "name", "expiry", "auth", "login"} {
				assert.True(t, got[c], "port %d lacks the %s check", port, c)
			}
			assert.True(t, got["tls"] || got["starttls"])
		}
	})

	t.Run("an IP address the certificate does not list", func(t *testing.T) {
		results := run(t, site(t, servers(byHost, "127.0.0.1")...), &check.Options{Roots: roots})
		name := find(t, only(results, byHost.Ports["imaps"]), "name")
		assert.Equal(t, check.Fail, name.Status)
		assert.Equal(t, "does not list the IP address 127.0.0.1 (an IP needs an IP SAN)", name.Reason)
		assert.Equal(t, "use the host name the certificate names (localhost)", name.Advice)
		assert.True(t, check.Failed(results))
	})

	t.Run("an IP address in the certificate", func(t *testing.T) {
		results := run(t, site(t, servers(byIP, "127.0.0.1")...), &check.Options{Roots: roots, Login: login})
		for _, r := range results {
			assert.Equal(t, check.OK, r.Status, "%+v", r)
		}
	})

	t.Run("expired", func(t *testing.T) {
		results := run(t, site(t, servers(expired, "localhost")[0]), &check.Options{Roots: roots})
		r := find(t, only(results, expired.Ports["imaps"]), "expiry")
		assert.Equal(t, check.Fail, r.Status)
		assert.True(t, strings.HasPrefix(r.Reason, "expired on "), r.Reason)
	})

	t.Run("expiring soon", func(t *testing.T) {
		leaf := mustParse(t, certHost)
		later := func() time.Time { return leaf.NotAfter.Add(-5 * 24 * time.Hour) }
		results := run(t, site(t, servers(byHost, "localhost")[0]), &check.Options{Roots: roots, Now: later})
		r := find(t, only(results, byHost.Ports["imaps"]), "expiry")
		assert.Equal(t, check.Warn, r.Status)
		assert.Contains(t, r.Reason, "in 5 days")
		assert.False(t, check.Failed(only(results, byHost.Ports["imaps"])))
	})

	t.Run("self-signed", func(t *testing.T) {
		results := run(t, site(t, servers(self, "localhost")[0]), &check.Options{Roots: roots})
		r := find(t, only(results, self.Ports["imaps"]), "certificate")
		assert.Equal(t, check.Fail, r.Status)
		assert.Contains(t, r.Reason, "not trusted")
	})

	t.Run("STARTTLS described but not offered", func(t *testing.T) {
		srvs := servers(noTLS, "localhost")
		results := run(t, site(t, srvs[1], srvs[3], srvs[5]), &check.Options{Roots: roots})
		for _, p := range []string{"imap", "pop3", "submission"} {
			r := find(t, only(results, noTLS.Ports[p]), "starttls")
			assert.Equal(t, check.Fail, r.Status, p)
		}
		assert.Equal(t, "the server does not offer STLS", find(t, only(results, noTLS.Ports["pop3"]), "starttls").Reason)
	})

	t.Run("TLS described on a STARTTLS port", func(t *testing.T) {
		srv := servers(byHost, "localhost")[1]
		srv.Security = mailprofile.SecurityTLS
		results := run(t, site(t, srv), &check.Options{Roots: roots})
		assert.Equal(t, check.Fail, find(t, only(results, srv.Port), "tls").Status)
	})

	t.Run("nothing listening", func(t *testing.T) {
		port := dovecottest.FreePort(t)
		srv := mailprofile.Server{Protocol: mailprofile.ProtocolIMAP, Host: "localhost", Port: port, Security: mailprofile.SecurityTLS}
		results := run(t, site(t, srv), &check.Options{Roots: roots, Timeout: 2 * time.Second})
		r := find(t, only(results, port), "connect")
		assert.Equal(t, check.Fail, r.Status)
		assert.Contains(t, r.Reason, "nothing answers on port")
	})

	t.Run("authentication not offered", func(t *testing.T) {
		srv := servers(byHost, "localhost")[0]
		srv.Auth = mailprofile.AuthPasswordEncrypted
		results := run(t, site(t, srv), &check.Options{Roots: roots})
		r := find(t, only(results, srv.Port), "auth")
		assert.Equal(t, check.Fail, r.Status)
		assert.Equal(t, "does not offer password-encrypted (offers: PLAIN LOGIN LOGIN-COMMAND)", r.Reason)
	})

	t.Run("login fails", func(t *testing.T) {
		bad := &check.Login{Address: "alice@example.com", Password: mailprofile.NewSecret("wrong-pass")}
		results := run(t, site(t, servers(byHost, "localhost")...), &check.Options{Roots: roots, Login: bad})
		for _, port := range byHost.Ports {
			r := find(t, only(results, port), "login")
			assert.Equal(t, check.Fail, r.Status, "%+v", r)
		}
		for _, r := range results {
			assert.NotContains(t, r.Reason+r.Advice, "wrong-pass")
		}
	})
}

func mustParse(t *testing.T, certPEM []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(certPEM)
	c, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return c
}

package main

import (
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

	"github.com/mailprofile/mailprofile/internal/bindtest"
	"github.com/mailprofile/mailprofile/internal/dovecottest"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

// TestStatusUsage: what keeps status from doing its work is exit status
// 2, never the 1 of "not ready", so that cron can tell them apart.
func TestStatusUsage(t *testing.T) {
	noMove := write(t, "site.yaml", desc("example.test"))
	moving := write(t, "moving.yaml", statusDesc("2026-12-05", 993, "tls"))
	tests := []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"no description", "", []string{"status"}, "-c FILE is required"},
		{"no migration", "", []string{"status", "-c", noMove}, "has no migration: there is no old server to check"},
		{"bad resolver", "", []string{"status", "-c", moving, "--resolver", "dns.example"}, `resolver "dns.example" is not an IP address`},
		{"password for whom", "secret", []string{"status", "-c", moving}, "MAILPROFILE_PASSWORD is the password of one account: give that account with --account ADDRESS"},
		{"unknown account", "", []string{"status", "-c", moving, "--account", "nobody@example.test"}, "nobody@example.test is not an account of the description"},
		{"parallel", "", []string{"status", "-c", moving, "--parallel", "0"}, "--parallel must be at least 1"},
		{"broken state file", "", []string{"status", "-c", moving, "--state", write(t, "state.json", "{")}, "not a state file of mailprofile status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(passwordEnv, tt.env)
			}
			code, _, stderr := runCLI(t, tt.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "secret")
		})
	}
}

// statusDesc is a move of example.test whose old set is a Dovecot on
// loopback (IMAP at port with security), and whose accounts' old
// passwords are in a CSV beside it.
func statusDesc(switchDate string, port int, security string) string {
	return fmt.Sprintf(`domain: example.test
migration: {from: old, to: new, switch_date: %q}
servers:
  old:
    incoming: [{protocol: imap, host: 127.0.0.1, port: %d, security: %s}]
    outgoing: [{host: 127.0.0.1, port: 587}]
    receives: [mx.old.test]
  new:
    incoming: [{protocol: imap, host: mx.new.test}]
    outgoing: [{host: mx.new.test, port: 587}]
accounts:
  - address: sato@example.test
  - address: kato@example.test
`, switchDate, port, security)
}

// TestStatusCLI runs status twice against a real name server, resolver
// and Dovecot: first half way (the MX still old, mail arriving), then
// done; the second run says what changed since the first, from the state
// file, and neither the report nor the state holds a password.
func TestStatusCLI(t *testing.T) {
	const rootIP, nsIP, resolverIP = "127.0.43.1", "127.0.43.2", "127.0.43.3"
	bindtest.Authoritative(t, rootIP, map[string]string{".": `$TTL 3600
.	IN SOA root.test. admin.test. 1 3600 600 86400 300
.	IN NS root.test.
root.test.	IN A 127.0.43.1
example.test.	IN NS ns.example.test.
ns.example.test.	IN A 127.0.43.2
mx.old.test.	IN A 192.0.2.1
mx.new.test.	IN A 192.0.2.2
`})
	zone := func(serial int, mx string) string {
		return fmt.Sprintf("$TTL 60\n@ IN SOA ns.example.test. admin.example.test. %d 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.43.2\n@ IN MX 10 %s\n", serial, mx)
	}
	ns := bindtest.Authoritative(t, nsIP, map[string]string{"example.test.": zone(1, "mx.old.test.")})
	resolver := bindtest.Resolver(t, resolverIP, rootIP)
	resolvConf := write(t, "resolv.conf", "nameserver "+resolverIP+"\n")

	ca := testpki.NewRoot(t, "status CLI test CA")
	cert, key := ca.Issue(t, testpki.Spec{CommonName: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	caFile := write(t, "ca.pem", string(testpki.CertPEM(ca.Cert)))
	d := dovecottest.Start(t, testpki.CertPEM(cert), testpki.KeyPEM(t, key), map[string]string{"sato@example.test": "pw-sato-1", "kato@example.test": "pw-kato-2"})
	d.Wait(t)
	now := time.Now()
	mail := func(user string, at time.Time) {
		d.Deliver(t, user, fmt.Sprintf("Received: by mx.old.test; %s\nSubject: hi\n\nhi\n", at.Format(time.RFC1123Z)), at)
	}
	mail("sato@example.test", now.Add(-20*24*time.Hour))
	mail("kato@example.test", now.Add(-20*24*time.Hour))
	mail("kato@example.test", now.Add(-2*time.Hour))

	dir := t.TempDir()
	site := filepath.Join(dir, "site.yaml")
	switchAt := now.Add(-10 * 24 * time.Hour).UTC().Format("2006-01-02T15:04Z07:00")
	require.NoError(t, os.WriteFile(site, []byte(statusDesc(switchAt, d.Ports["imaps"], "tls")), 0o644))
	passwords := filepath.Join(dir, "passwords.csv")
	require.NoError(t, os.WriteFile(passwords, []byte("address,password.old\nsato@example.test,pw-sato-1\nkato@example.test,pw-kato-2\n"), 0o600))
	state := filepath.Join(dir, "state.json")
	args := []string{"status", "-c", site, "--resolv-conf", resolvConf, "--ca", caFile, "--passwords", passwords, "--state", state, "--timeout", "20s"}

	code, stdout, stderr := runCLI(t, args...)
	assert.Equal(t, exitFailure, code, stderr)
	assert.Contains(t, stdout, "  example.test. MX\n    old     every server asked (2): 10 mx.old.test. (TTL up to 60 s)\n")
	assert.Contains(t, stdout, "received    kato@example.test, IMAP 127.0.0.1:")
	assert.Contains(t, stdout, "quiet       sato@example.test, IMAP 127.0.0.1:")
	assert.Contains(t, stdout, "Verdict: NOT READY.")
	assert.NotContains(t, stdout, "Since the last run", "no state yet")
	info, err := os.Stat(state)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// The MX is switched and the resolver has forgotten the old one; kato's
	// mail is left aside: only sato's mailbox is looked into.
	ns.SetZone(t, "example.test.", zone(2, "mx.new.test."))
	resolver.Restart(t)
	code, stdout, stderr = runCLI(t, append(args, "--account", "sato@example.test", "--json")...)
	assert.Equal(t, exitOK, code, stdout+stderr)
	var report struct {
		Ready     bool
		Changes   []string
		Mailboxes []struct{ Address, Status string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &report), stdout)
	assert.True(t, report.Ready)
	assert.Contains(t, report.Changes, "example.test. MX at ns.example.test (127.0.43.2:53, authoritative): new, was old (10 mx.old.test. → 10 mx.new.test.)")
	require.Len(t, report.Mailboxes, 1)
	assert.Equal(t, "quiet", report.Mailboxes[0].Status)

	saved, err := os.ReadFile(state)
	require.NoError(t, err)
	for _, out := range []string{stdout, stderr, string(saved)} {
		assert.NotContains(t, out, "pw-sato")
		assert.NotContains(t, out, "pw-kato")
	}
	assert.True(t, strings.Contains(string(saved), `"sato@example.test"`))
}

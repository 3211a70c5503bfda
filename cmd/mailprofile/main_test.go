package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIInput(t, "", args...)
}

// runCLIInput is runCLI with input on standard input.
func runCLIInput(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &env{stdin: strings.NewReader(input), stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("domain: example.co.jp\nservers:\n  new:\n    incoming: [{protocol: imap, host: a.example}]\n    outgoing: [{host: a.example, port: 25}]\n"), 0o644))
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"no command", nil, 2, "", "usage: mailprofile COMMAND"},
		{"help", []string{"--help"}, 0, "Commands:", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"gen help", []string{"gen", "--help"}, 0, "usage: mailprofile gen -c FILE|DIR|- -o DIR", ""},
		{"validate help", []string{"validate", "-h"}, 0, "usage: mailprofile validate -c FILE", ""},
		{"gen without flags", []string{"gen"}, 2, "", "-c FILE and -o DIR are required"},
		{"gen unknown flag", []string{"gen", "--colour"}, 2, "", "flag provided but not defined: -colour"},
		{"gen extra argument", []string{"gen", "-c", "x", "-o", "y", "z"}, 2, "", `unexpected argument "z"`},
		{"validate without -c", []string{"validate"}, 2, "", "-c FILE is required"},
		{"validate ok", []string{"validate", "-c", "../../examples/migration.yaml"}, 0,
			"../../examples/migration.yaml: example.co.jp, 2 server sets, 3 accounts: OK",
			"warning: ../../examples/migration.yaml:28: servers.old.incoming[0].host: 203.0.113.10 is an IP address"},
		{"validate advice", []string{"validate", "-c", "../../examples/migration.yaml"}, 0, "",
			"advice: example.co.jp: new Outlook, Outlook for Mac and Outlook on phones connect to sv1234.example-host.jp from Microsoft's servers"},
		{"validate bad", []string{"validate", "-c", bad}, 1, "",
			bad + ":5: servers.new.outgoing[0].port: 25 is for mail between servers"},
		{"validate missing", []string{"validate", "-c", "nope.yaml"}, 1, "", "nope.yaml: no such file or directory"},
		{"dns", []string{"dns", "-c", "../../examples/migration.yaml"}, 0,
			"_imaps._tcp.example.co.jp.\t3600\tIN\tSRV\t0 1 993 sv1234.example-host.jp.\n", ""},
		{"dns json", []string{"dns", "-c", "../../examples/migration.yaml", "--format", "json", "--ttl", "600"}, 0,
			`"name": "_submission._tcp.example.co.jp.",` + "\n      \"ttl\": 600,", ""},
		{"dns bad format", []string{"dns", "-c", "x.yaml", "--format", "bind"}, 2, "", `--format must be zone or json, not "bind"`},
		{"dns unknown set", []string{"dns", "-c", "../../examples/migration.yaml", "--set", "newer"}, 1, "", `mailprofile dns: no server set "newer" (the sets are old, new)`},
		{"import clientConfig", []string{"import", "../../importer/testdata/every-element.xml"}, 0,
			"domain: example.net\norganization: Example & Sons Mail\n", "note: domain example.org: not imported"},
		{"import without input", []string{"import"}, 2, "", "missing argument"},
		{"import POX without domain", []string{"import", "../../outlook/testdata/migration/new/info@example.co.jp.xml"}, 1, "",
			"an Autodiscover response does not name the mail domain"},
		{"import POX", []string{"import", "--address", "info@example.co.jp", "--set", "new", "../../outlook/testdata/migration/new/info@example.co.jp.xml"}, 0,
			"  new:\n    incoming:\n      - protocol: imap\n        host: sv1234.example-host.jp\n        port: 993\n", ""},
		{"import not a config", []string{"import", "../../examples/migration.yaml"}, 1, "", "neither a Thunderbird clientConfig file nor an Autodiscover response"},
		{"gen unknown set", []string{"gen", "-c", "../../examples/migration.yaml", "-o", t.TempDir(), "--set", "newer"}, 1, "",
			`no server set "newer" (the sets are old, new)`},
		{"gen unknown account", []string{"gen", "-c", "../../examples/migration.yaml", "-o", t.TempDir(), "--account", "x@example.co.jp"}, 1, "",
			"no such account: x@example.co.jp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", stderr)
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestGen(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "gen", "-c", "../../examples/migration.yaml", "-o", out, "--set", "old,new", "--format", "apple,thunderbird")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "wrote 11 files for 3 people to "+out+"\n"), stdout)
	assert.Contains(t, stdout, filepath.Join(out, "isp", "SET", "example.co.jp.xml"))
	assert.NotContains(t, stdout, "autodiscover-", "only the formats written are explained")
	data, err := os.ReadFile(filepath.Join(out, "info@example.co.jp", "info@example.co.jp.mobileconfig"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(data), "com.apple.mail.managed"), "one payload per set")
	assert.FileExists(t, filepath.Join(out, "isp", "old", "example.co.jp.xml"))
	assert.NoFileExists(t, filepath.Join(out, "info@example.co.jp", "autodiscover-new.xml"))
}

func TestGenPasswords(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "gen", "-c", "../../testdata/escaping.yaml", "-o", out, "--include-passwords")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "(2 hold passwords: mode 0600, keep them private)")
	assert.NotContains(t, stdout+stderr, `p&ss<w>rd`, "passwords are never printed")
}

func TestGenBadDescriptionWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("domain: example.co.jp\nservers:\n  new:\n    incoming: [{protocol: imap, host: a.example}]\n    outgoing: [{host: a.example}]\naccounts:\n  - address: a@example.co.jp\n  - address: broken\n"), 0o644))
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "gen", "-c", bad, "-o", out)
	assert.Equal(t, 1, code)
	assert.Equal(t, bad+`:8: accounts[1].address: "broken" is not an email address (no @)`+"\n", stderr)
	assert.NoDirExists(t, out, "nothing is written when the description is wrong")
}

func TestGenSigned(t *testing.T) {
	dir := t.TempDir()
	root := testpki.NewRoot(t, "test root")
	inter := root.Intermediate(t, "test intermediate")
	cert, key := inter.Issue(t, testpki.Spec{CommonName: "setup.example-host.jp"})
	certFile := testpki.Write(t, dir, "cert.pem", testpki.CertPEM(cert))
	keyFile := testpki.Write(t, dir, "key.pem", testpki.KeyPEM(t, key))
	chainFile := testpki.Write(t, dir, "chain.pem", testpki.CertPEM(inter.Cert))
	rootFile := testpki.Write(t, dir, "root.pem", testpki.CertPEM(root.Cert))

	plain, signed := filepath.Join(dir, "plain"), filepath.Join(dir, "signed")
	code, _, stderr := runCLI(t, "gen", "-q", "-c", "../../examples/migration.yaml", "-o", plain, "--format", "apple")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, "gen", "-q", "-c", "../../examples/migration.yaml", "-o", signed, "--format", "apple",
		"--sign-cert", certFile, "--sign-key", keyFile, "--sign-chain", chainFile)
	require.Equal(t, 0, code, stderr)

	name := filepath.Join("info@example.co.jp", "info@example.co.jp.mobileconfig")
	want, err := os.ReadFile(filepath.Join(plain, name))
	require.NoError(t, err)
	out := filepath.Join(dir, "content")
	openssl := spectest.Tool(t, "openssl", "openssl")
	msg, err := exec.Command(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", filepath.Join(signed, name),
		"-CAfile", rootFile, "-purpose", "any", "-out", out).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, want, got, "gen signs at the same path the very profile it writes unsigned")

	code, _, stderr = runCLI(t, "gen", "-c", "../../examples/migration.yaml", "-o", signed, "--sign-cert", certFile)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--sign-cert and --sign-key go together")
	code, _, stderr = runCLI(t, "gen", "-c", "../../examples/migration.yaml", "-o", signed, "--sign-cert", certFile, "--sign-key", rootFile)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no private key")
}

func TestCheckCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	desc := testpki.Write(t, t.TempDir(), "site.yaml", []byte(fmt.Sprintf(`domain: example.com
servers:
  main:
    incoming: [{protocol: imap, host: 127.0.0.1, port: %d, security: tls}]
    outgoing: [{host: 127.0.0.1, port: %d, security: tls}]
`, port, port)))

	code, stdout, _ := runCLI(t, "check", "-c", desc, "--timeout", "2s")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, fmt.Sprintf("FAIL  IMAP 127.0.0.1:%d (main)", port))
	assert.Contains(t, stdout, "nothing answers on port")
	assert.Contains(t, stdout, "0 OK, 0 WARN, 2 FAIL")

	code, stdout, _ = runCLI(t, "check", "-c", desc, "--json", "--timeout", "2s")
	assert.Equal(t, 1, code)
	var results []map[string]string
	require.NoError(t, json.Unmarshal([]byte(stdout), &results))
	require.Len(t, results, 2)
	assert.Equal(t, "connect", results[0]["check"])
	assert.Equal(t, "FAIL", results[0]["status"])

	t.Setenv("MAILPROFILE_PASSWORD", "")
	os.Unsetenv("MAILPROFILE_PASSWORD")
	code, _, stderr := runCLI(t, "check", "-c", desc, "--login", "a@example.com")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--login needs the password in MAILPROFILE_PASSWORD, or a terminal to ask on")

	code, _, stderr = runCLI(t, "check")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-c FILE is required")
	code, _, stderr = runCLI(t, "check", "-c", desc, "--set", "nope")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `mailprofile check: no server set "nope" (the sets are main)`)
}

// TestImportFileNameInComment: the input's name goes into a YAML comment,
// where a line end in it would start YAML of its own.
func TestImportFileNameInComment(t *testing.T) {
	data, err := os.ReadFile("../../importer/testdata/every-element.xml")
	require.NoError(t, err)
	name := filepath.Join(t.TempDir(), "x\ndomain: evil.example\n#.xml")
	require.NoError(t, os.WriteFile(name, data, 0o644))
	code, stdout, stderr := runCLI(t, "import", name)
	require.Equal(t, 0, code, stderr)
	site, err := mailprofile.Parse("imported.yaml", []byte(stdout))
	require.NoError(t, err)
	assert.Equal(t, "example.net", site.Domain, "the name stays in its comment")
}

// TestImportInventsNoPOP3Choice: a provider's file that says nothing about
// leaving mail on the server gives a description that says nothing either,
// so the default follows the migration added later.
func TestImportInventsNoPOP3Choice(t *testing.T) {
	xml := `<clientConfig version="1.1"><emailProvider id="example.net"><domain>example.net</domain>
<incomingServer type="pop3"><hostname>pop.example.net</hostname><port>995</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.net</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`
	name := filepath.Join(t.TempDir(), "provider.xml")
	require.NoError(t, os.WriteFile(name, []byte(xml), 0o644))
	code, stdout, stderr := runCLI(t, "import", name)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "leave_on_server")

	// With a migration added, the imported old server keeps mail.
	moved := strings.Replace(stdout, "servers:", "migration: {from: old, to: new}\nservers:", 1) +
		"  new:\n    incoming: [{protocol: imap, host: imap.new.example}]\n    outgoing: [{host: smtp.new.example}]\n"
	site, err := mailprofile.Parse("moved.yaml", []byte(moved))
	require.NoError(t, err, moved)
	assert.True(t, site.Set("old").Incoming[0].POP3.Leave())
}

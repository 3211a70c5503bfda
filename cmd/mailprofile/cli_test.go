package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// write puts a file into a fresh folder and returns its path.
func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

const oneDomain = `domain: %s
servers:
  new:
    incoming: [{protocol: imap, host: imap.example-host.jp}]
    outgoing: [{host: smtp.example-host.jp}]
accounts:
  - address: a@%s
`

func desc(domain string) string { return strings.ReplaceAll(oneDomain, "%s", domain) }

// TestNoDomain: a description that yields no domain is an error for every
// command that reads one, never a crash or a server with nothing to serve.
func TestNoDomain(t *testing.T) {
	for _, content := range []string{"", "# only\n# comments\n", "---\n---\n"} {
		file := write(t, "site.yaml", content)
		for _, args := range [][]string{
			{"validate", "-c", file},
			{"gen", "-c", file, "-o", filepath.Join(t.TempDir(), "out")},
			{"sheet", "-c", file, "-o", filepath.Join(t.TempDir(), "out")},
			{"dns", "-c", file},
			{"serve", "-c", file, "--addr", "127.0.0.1:0"},
		} {
			code, _, stderr := runCLI(t, args...)
			assert.Equal(t, 1, code, "%q %v: %s", content, args, stderr)
			assert.Regexp(t, `the description (is empty|has no YAML document)`, stderr, "%q %v", content, args)
		}
	}
}

// TestSeveralDomains: validate, gen and sheet treat every domain of a file
// (or a folder) alike, as serve does.
func TestSeveralDomains(t *testing.T) {
	file := write(t, "sites.yaml", desc("example.co.jp")+"---\n"+desc("example.net"))
	code, stdout, stderr := runCLI(t, "validate", "-c", file)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, file+": example.co.jp, 1 server set, 1 account: OK\n")
	assert.Contains(t, stdout, file+": example.net, 1 server set, 1 account: OK\n")

	out := t.TempDir()
	code, _, stderr = runCLI(t, "gen", "-c", file, "-o", out)
	require.Equal(t, 0, code, stderr)
	assert.FileExists(t, filepath.Join(out, "example.co.jp", "isp", "new", "example.co.jp.xml"))
	assert.FileExists(t, filepath.Join(out, "example.net", "a@example.net", "a@example.net.mobileconfig"))

	// A folder is read as serve reads it.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(desc("example.co.jp")), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.YML"), []byte(desc("example.net")), 0o644))
	code, stdout, stderr = runCLI(t, "validate", "-c", dir)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, 2, strings.Count(stdout, ": OK\n"))

	// An error in the second domain is an error of the whole, and nothing
	// is written.
	bad := write(t, "sites.yaml", desc("example.co.jp")+"---\n"+strings.Replace(desc("example.net"), "a@example.net", "broken", 1))
	for _, cmd := range []string{"validate", "gen", "sheet"} {
		out := filepath.Join(t.TempDir(), "out")
		code, _, stderr := runCLI(t, cmd, "-c", bad, "-o", out)
		if cmd == "validate" {
			code, _, stderr = runCLI(t, cmd, "-c", bad)
		}
		assert.Equal(t, 1, code, cmd)
		assert.Contains(t, stderr, bad+`:15: accounts[0].address: "broken" is not an email address (no @)`, cmd)
		assert.NoDirExists(t, out, cmd)
	}

	// A command that takes one domain says so.
	code, _, stderr = runCLI(t, "dns", "-c", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "describes 2 domains; this command takes one")
}

// TestGenSkipped: gen says which accounts it left out and why, and an
// --account with nothing to write is an error.
func TestGenSkipped(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "gen", "-c", "../../testdata/phased.yaml", "-o", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "skipped 1 account with no account on the set being written (a phased move; --set chooses): staying@phased.example")

	code, _, stderr = runCLI(t, "gen", "-c", "../../testdata/phased.yaml", "-o", t.TempDir(), "--account", "staying@phased.example")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "staying@phased.example has nothing to write: it has no account on new (its sets: old)")
}

// TestGenLongNames: the longest address there can be is written, and a
// domain too long for Thunderbird's file is refused before anything is.
func TestGenLongNames(t *testing.T) {
	domain := strings.Repeat(strings.Repeat("d", 62)+".", 4)[:247] + ".com" // 251 characters
	local := strings.Repeat("l", 64)
	file := write(t, "site.yaml", strings.Replace(desc(domain), "a@"+domain, local+"@"+domain, 1))
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "gen", "-c", file, "-o", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "wrote 4 files for 1 person")

	tooLong := strings.Repeat(strings.Repeat("d", 62)+".", 4)[:249] + ".com" // 253 characters
	file = write(t, "site.yaml", desc(tooLong))
	code, _, stderr = runCLI(t, "validate", "-c", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "is 253 characters long: Thunderbird's file for it")
}

// TestGenWarnsOfCRAMMD5: an Outlook file cannot say CRAM-MD5, and gen says
// so when it writes one.
func TestGenWarnsOfCRAMMD5(t *testing.T) {
	file := write(t, "site.yaml", strings.Replace(desc("example.co.jp"), "host: imap.example-host.jp", "host: imap.example-host.jp, auth: password-encrypted", 1))
	code, _, stderr := runCLI(t, "gen", "-c", file, "-o", t.TempDir())
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "servers.new.incoming[0].auth: password-encrypted (CRAM-MD5): Outlook's Autodiscover cannot say it")
	code, _, stderr = runCLI(t, "gen", "-c", file, "-o", t.TempDir(), "--format", "apple,thunderbird")
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stderr, "CRAM-MD5", "no Outlook file, no warning")
}

// TestCommandLine: usage errors in one line, flags after arguments,
// --version, help COMMAND, standard input, durations, -q and "1 file".
func TestCommandLine(t *testing.T) {
	code, _, stderr := runCLI(t, "gen", "--colour")
	assert.Equal(t, 2, code)
	assert.Equal(t, "mailprofile gen: flag provided but not defined: -colour (run \"mailprofile gen --help\" for the flags)\n", stderr)
	code, _, stderr = runCLI(t, "validate")
	assert.Equal(t, 2, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line, not the whole help: %s", stderr)

	code, stdout, stderr := runCLI(t, "import", "../../outlook/testdata/migration/new/info@example.co.jp.xml", "--address", "info@example.co.jp", "--set", "new")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "domain: example.co.jp\n", "flags after the argument")

	code, stdout, _ = runCLI(t, "--version")
	assert.Equal(t, 0, code)
	assert.Regexp(t, `^mailprofile \S`, stdout)
	code, again, _ := runCLI(t, "version")
	assert.Equal(t, 0, code)
	assert.Equal(t, stdout, again)

	_, help, _ := runCLI(t, "help", "gen")
	_, flagHelp, _ := runCLI(t, "gen", "--help")
	assert.Equal(t, flagHelp, help)
	assert.Contains(t, help, "usage: mailprofile gen")

	example, err := os.ReadFile("../../examples/single.yaml")
	require.NoError(t, err)
	code, stdout, stderr = runCLIInput(t, string(example), "validate", "-c", "-")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "<standard input>: xn--r8jz45g.jp")
	code, stdout, _ = runCLIInput(t, string(example), "dns", "-c", "-", "--ttl", "1h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "\t3600\tIN\t")
	code, _, stderr = runCLIInput(t, string(example), "dns", "-c", "-", "--ttl", "soon")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "must be a number of seconds or a duration such as 1h")

	for _, args := range [][]string{
		{"gen", "-q", "-c", "../../examples/migration.yaml", "-o", t.TempDir()},
		{"sheet", "-q", "-c", "../../examples/migration.yaml", "-o", t.TempDir()},
		{"validate", "-q", "-c", "../../examples/migration.yaml"},
		{"import", "-q", "../../importer/testdata/every-element.xml", "-o", filepath.Join(t.TempDir(), "site.yaml")},
	} {
		code, stdout, stderr := runCLI(t, args...)
		assert.Equal(t, 0, code, "%v: %s", args, stderr)
		assert.Empty(t, stdout+stderr, "%v", args)
	}

	code, stdout, stderr = runCLI(t, "gen", "-c", "../../examples/migration.yaml", "-o", t.TempDir(), "--format", "apple", "--account", "info@example.co.jp")
	assert.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "wrote 1 file for 1 person to "), stdout)
	assert.NotContains(t, stderr, "\r", "no progress line where standard error is no terminal")
}

// TestProgress: the progress line replaces itself on a terminal, at most
// four times a second, and is taken away before anything else is printed.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, on: true}
	p.show("%d people", 1)
	p.show("%d people", 2) // too soon: not shown
	p.clear()
	assert.Equal(t, "\r\x1b[K1 people\r\x1b[K", buf.String())
	off := newProgress(&buf, false)
	assert.False(t, off.on, "a buffer is no terminal")
}

// TestSecretsNeverPrinted runs the commands on descriptions with a password
// where a name goes, and looks for it in everything they print.
func TestSecretsNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte("address,password.hunter2\na@example.co.jp,x\n"), 0o644))
	for _, d := range []string{
		desc("example.co.jp") + "    password: {new:hunter2}\n",
		desc("example.co.jp") + "    password: {hunter2}\n",
		desc("example.co.jp") + "accounts_csv: " + filepath.Join(dir, "people.csv") + "\n",
	} {
		file := write(t, "site.yaml", d)
		for _, args := range [][]string{
			{"validate", "-c", file},
			{"gen", "-c", file, "-o", t.TempDir()},
			{"sheet", "-c", file, "-o", t.TempDir()},
			{"dns", "-c", file},
			{"serve", "-c", file, "--addr", "127.0.0.1:0"},
		} {
			code, stdout, stderr := runCLI(t, args...)
			assert.Equal(t, 1, code, "%v", args)
			assert.NotContains(t, stdout+stderr, "hunter2", "%v", args)
		}
	}
}

// TestPlan: the dated steps, and the calendar file beside them.
func TestPlan(t *testing.T) {
	ics := filepath.Join(t.TempDir(), "move.ics")
	code, stdout, stderr := runCLI(t, "plan", "-c", "../../examples/migration.yaml", "--lang", "en", "--ics", ics)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, 5, strings.Count(stdout, "\n"))
	assert.True(t, strings.HasPrefix(stdout, "2026-12-03  Lower the MX record's TTL"), stdout)
	assert.Equal(t, "wrote 5 events to "+ics+"\n", stderr)
	data, err := os.ReadFile(ics)
	require.NoError(t, err)
	assert.Equal(t, 5, strings.Count(string(data), "BEGIN:VEVENT\r\n"))

	code, _, stderr = runCLI(t, "plan", "-c", "../../examples/single.yaml")
	assert.Equal(t, 1, code)
	assert.Equal(t, "mailprofile plan: the description has no migration: there is no move to plan\n", stderr)
	code, _, _ = runCLI(t, "plan", "-c", "../../examples/migration.yaml", "--lang", "fr")
	assert.Equal(t, 2, code)
}

package mailprofile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
)

// base is a valid description; the cases below replace parts of it. Line
// numbers in the expected messages count from "domain:" as line 1.
const base = `domain: example.co.jp
migration:
  from: old
  to: new
servers:
  old:
    incoming:
      - protocol: pop3
        host: 203.0.113.10
    outgoing:
      - host: 203.0.113.10
  new:
    incoming:
      - protocol: imap
        host: sv1234.example-host.jp
    outgoing:
      - host: sv1234.example-host.jp
        port: 587
accounts:
  - address: info@example.co.jp
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // every error, one per line
	}{
		{"empty", ``, `site.yaml: the description is empty`},
		{"not yaml", "domain: [example.co.jp\n", `site.yaml:1: not valid YAML: did not find expected ',' or ']'`},
		{"tab indentation", "domain: a.jp\nservers:\n\tnew: {}\n", `site.yaml:3: not valid YAML: found character that cannot start any token`},
		{"not a mapping", "- domain\n", `site.yaml:1: must be a mapping of keys to values, not a list`},
		{"unknown top-level field", strings.Replace(base, "domain:", "domian: x\ndomain:", 1),
			"site.yaml:1: domian: unknown field"},
		{"duplicate key", strings.Replace(base, "migration:", "domain: example.com\nmigration:", 1),
			"site.yaml:2: domain: appears twice"},
		{"missing domain", strings.Replace(base, "domain: example.co.jp\n", "", 1),
			"site.yaml:1: domain: is required (the mail domain, e.g. example.co.jp)"},
		{"bad domain", strings.Replace(base, "domain: example.co.jp", "domain: exa mple.jp", 1),
			"site.yaml:1: domain: \"exa mple.jp\" is not a valid host name"},
		{"domain is an IP", strings.Replace(base, "domain: example.co.jp", "domain: 192.0.2.1", 1),
			"site.yaml:1: domain: \"192.0.2.1\" is an IP address, not a mail domain"},
		{"no servers", "domain: example.co.jp\n",
			"site.yaml:1: servers: needs at least one server set (e.g. new: with incoming: and outgoing:)"},
		{"servers is a list", "domain: example.co.jp\nservers:\n  - imap\n",
			"site.yaml:3: servers: must be a mapping of keys to values, not a list"},
		{"bad set name", strings.Replace(base, "  new:\n", "  new server:\n", 1),
			"site.yaml:4: migration.to: \"new\" is not a server set (have old, new server)\n" +
				"site.yaml:12: servers.new server: \"new server\" is not a usable set name (use up to 64 letters, digits, - and _)"},
		{"set without incoming", strings.Replace(base, "    incoming:\n      - protocol: imap\n        host: sv1234.example-host.jp\n", "", 1),
			"site.yaml:12: servers.new.incoming: needs at least one IMAP or POP3 server"},
		{"set without outgoing", strings.Replace(base, "    outgoing:\n      - host: 203.0.113.10\n", "", 1),
			"site.yaml:6: servers.old.outgoing: needs at least one SMTP server"},
		{"incoming without protocol", strings.Replace(base, "      - protocol: imap\n        host:", "      - host:", 1),
			"site.yaml:14: servers.new.incoming[0].protocol: is required (imap or pop3)"},
		{"unknown protocol", strings.Replace(base, "protocol: imap", "protocol: jmap", 1),
			"site.yaml:14: servers.new.incoming[0].protocol: \"jmap\" is not an incoming protocol (use imap or pop3)"},
		{"smtp as incoming", strings.Replace(base, "protocol: imap", "protocol: smtp", 1),
			"site.yaml:14: servers.new.incoming[0].protocol: \"smtp\" is not an incoming protocol (use imap or pop3)"},
		{"imap as outgoing", strings.Replace(base, "port: 587", "port: 587\n        protocol: imap", 1),
			"site.yaml:19: servers.new.outgoing[0].protocol: \"imap\" is not an outgoing protocol (use smtp)"},
		{"missing host", strings.Replace(base, "        host: sv1234.example-host.jp\n", "", 1),
			"site.yaml:14: servers.new.incoming[0].host: is required (a host name or an IP address)"},
		{"bad host", strings.Replace(base, "host: sv1234.example-host.jp\n    outgoing", "host: sv_1234.example-host.jp\n    outgoing", 1),
			"site.yaml:15: servers.new.incoming[0].host: \"sv_1234.example-host.jp\" is not a valid host name"},
		{"host with port", strings.Replace(base, "host: sv1234.example-host.jp\n    outgoing", "host: sv1234.example-host.jp:993\n    outgoing", 1),
			"site.yaml:15: servers.new.incoming[0].host: \"sv1234.example-host.jp:993\" is not a host name or IP address (give the port in port:)"},
		{"host with url", strings.Replace(base, "host: 203.0.113.10\n    outgoing", "host: imap://203.0.113.10/\n    outgoing", 1),
			"site.yaml:9: servers.old.incoming[0].host: \"imap://203.0.113.10/\" is not a host name or IP address (give the port in port:)"},
		{"port not a number", strings.Replace(base, "port: 587", "port: five-eight-seven", 1),
			"site.yaml:18: servers.new.outgoing[0].port: \"five-eight-seven\" is not a port number"},
		{"port too large", strings.Replace(base, "port: 587", "port: 70000\n        security: starttls", 1),
			"site.yaml:18: servers.new.outgoing[0].port: 70000 is not a port"},
		{"port zero", strings.Replace(base, "port: 587", "port: 0", 1),
			"site.yaml:18: servers.new.outgoing[0].port: 0 is not a port (1 to 65535; leave port out for the standard port)"},
		{"port 25", strings.Replace(base, "port: 587", "port: 25\n        security: starttls", 1),
			"site.yaml:18: servers.new.outgoing[0].port: 25 is for mail between servers and is blocked on most networks; mail clients submit on 587 (starttls) or 465 (tls)"},
		{"unusual port without security", strings.Replace(base, "port: 587", "port: 2525", 1),
			"site.yaml:18: servers.new.outgoing[0].security: is required for port 2525 (tls or starttls)"},
		{"starttls on the tls port", strings.Replace(base, "port: 587", "port: 465\n        security: starttls", 1),
			"site.yaml:18: servers.new.outgoing[0].port: 465 is the SMTP port for TLS from the first byte; use security: tls, or port 587 for starttls"},
		{"tls on the starttls port", strings.Replace(base, "host: 203.0.113.10\n    outgoing", "host: 203.0.113.10\n        port: 110\n        security: tls\n    outgoing", 1),
			"site.yaml:10: servers.old.incoming[0].port: 110 is the POP3 port for starttls; use security: starttls, or port 995 for tls"},
		{"unknown security", strings.Replace(base, "port: 587", "port: 587\n        security: ssl3", 1),
			"site.yaml:19: servers.new.outgoing[0].security: \"ssl3\" is not one of tls, starttls, none"},
		{"insecure not allowed", strings.Replace(base, "port: 587", "port: 587\n        security: none", 1),
			"site.yaml:19: servers.new.outgoing[0].security: none sends passwords and mail in plain text; use tls or starttls, or set allow_insecure: true"},
		{"unknown auth", strings.Replace(base, "port: 587", "port: 587\n        auth: kerberos5", 1),
			"site.yaml:19: servers.new.outgoing[0].auth: \"kerberos5\" is not one of password-cleartext, password-encrypted, oauth2, none"},
		{"no auth for incoming", strings.Replace(base, "protocol: imap", "protocol: imap\n        auth: none", 1),
			"site.yaml:15: servers.new.incoming[0].auth: none is only possible for outgoing servers; an incoming server needs a login"},
		{"unknown placeholder", strings.Replace(base, "protocol: imap", "protocol: imap\n        username: \"%USER%\"", 1),
			"site.yaml:15: servers.new.incoming[0].username: %USER% is not a placeholder (use %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%)"},
		{"unclosed placeholder", strings.Replace(base, "protocol: imap", "protocol: imap\n        username: \"%EMAILADDRESS\"", 1),
			"site.yaml:15: servers.new.incoming[0].username: has a % without a closing % (placeholders are %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%)"},
		{"pop3 options on imap", strings.Replace(base, "protocol: imap", "protocol: imap\n        pop3: {leave_on_server: true}", 1),
			"site.yaml:15: servers.new.incoming[0].pop3: POP3 options are only for protocol pop3, not IMAP"},
		{"negative keep_days", strings.Replace(base, "protocol: pop3", "protocol: pop3\n        pop3:\n          keep_days: -1", 1),
			"site.yaml:10: servers.old.incoming[0].pop3.keep_days: -1 is not a number of days"},
		{"leave_on_server not boolean", strings.Replace(base, "protocol: pop3", "protocol: pop3\n        pop3:\n          leave_on_server: sometimes", 1),
			"site.yaml:10: servers.old.incoming[0].pop3.leave_on_server: \"sometimes\" is not true or false"},
		{"unknown server field", strings.Replace(base, "protocol: imap", "protocol: imap\n        tls: yes", 1),
			"site.yaml:15: servers.new.incoming[0].tls: unknown field"},
		{"migration from unknown set", strings.Replace(base, "from: old", "from: legacy", 1),
			"site.yaml:3: migration.from: \"legacy\" is not a server set (have old, new)"},
		{"migration without to", strings.Replace(base, "  to: new\n", "", 1),
			"site.yaml:2: migration.to: is required (the name of a server set)"},
		{"migration to itself", strings.Replace(base, "to: new", "to: old", 1),
			"site.yaml:4: migration.to: is the same set as from"},
		{"bad date", strings.Replace(base, "to: new", "to: new\n  switch_date: 12/05/2026", 1),
			"site.yaml:5: migration.switch_date: \"12/05/2026\" is not a date or a time (write it as 2026-12-05, or 2026-12-05T18:00+09:00)"},
		{"overlap before switch", strings.Replace(base, "to: new", "to: new\n  switch_date: 2026-12-05\n  overlap_until: 2026-12-01", 1),
			"site.yaml:6: migration.overlap_until: 2026-12-01 is before the switch date 2026-12-05"},
		{"account without address", strings.Replace(base, "- address: info@example.co.jp", "- name: Info", 1),
			"site.yaml:20: accounts[0].address: is required"},
		{"malformed address", strings.Replace(base, "info@example.co.jp", "info.example.co.jp", 1),
			"site.yaml:20: accounts[0].address: \"info.example.co.jp\" is not an email address (no @)"},
		{"address with space", strings.Replace(base, "info@example.co.jp", "\"in fo@example.co.jp\"", 1),
			"site.yaml:20: accounts[0].address: \"in fo@example.co.jp\" is not an email address (' ' is not allowed before the @)"},
		{"address with double dot", strings.Replace(base, "info@example.co.jp", "in..fo@example.co.jp", 1),
			"site.yaml:20: accounts[0].address: \"in..fo@example.co.jp\" is not an email address (a dot at the start, at the end or twice in a row)"},
		{"address outside the domain", strings.Replace(base, "info@example.co.jp", "info@example.com", 1),
			"site.yaml:20: accounts[0].address: info@example.com is not in the domain example.co.jp (set allow_other_domains: true to allow it)"},
		{"duplicate address", base + "  - address: INFO@Example.CO.JP\n",
			"site.yaml:21: accounts[1].address: INFO@example.co.jp is listed twice (first at site.yaml:20)"},
		{"username for unknown set", base + "    username: {legacy: info}\n",
			"site.yaml:21: accounts[0].username.legacy: \"legacy\" is not a server set (have old, new)"},
		{"empty username", base + "    username: {old: \"\"}\n",
			"site.yaml:21: accounts[0].username.old: is empty"},
		{"account on unknown set", base + "    sets: [new, newer]\n",
			"site.yaml:21: accounts[0].sets: \"newer\" is not a server set (have old, new)"},
		{"account on no set", base + "    sets: []\n",
			"site.yaml:21: accounts[0].sets: names no set"},
		{"unknown account field", base + "    phone: 03-1234-5678\n",
			"site.yaml:21: accounts[0].phone: unknown field"},
		{"accounts not a list", strings.Replace(base, "  - address: info@example.co.jp\n", "  info@example.co.jp\n", 1),
			"site.yaml:20: accounts: must be a list (items starting with -), not \"info@example.co.jp\""},
		{"missing csv", base + "accounts_csv: nowhere.csv\n",
			"nowhere.csv: accounts_csv: no such file or directory"},
		{"discovery without a target", base + "discovery: {ttl: 300}\n",
			"site.yaml:21: discovery: needs host (a name to point at) or addresses (IP addresses)"},
		{"discovery with both", base + "discovery:\n  host: setup.example.jp\n  addresses: [192.0.2.1]\n",
			"site.yaml:23: discovery.addresses: give host or addresses, not both"},
		{"discovery host is an IP", base + "discovery: {host: 192.0.2.1}\n",
			"site.yaml:21: discovery.host: \"192.0.2.1\" is an IP address: put it under addresses"},
		{"discovery bad address", base + "discovery:\n  addresses: [192.0.2.1, 192.0.2.300]\n",
			"site.yaml:22: discovery.addresses[1]: \"192.0.2.300\" is not an IP address"},
		{"bad base_url", strings.Replace(base, "domain: example.co.jp", "domain: example.co.jp\nbase_url: setup.example.jp", 1),
			"site.yaml:2: base_url: \"setup.example.jp\" is not an http or https URL to link to (e.g. https://setup.example-host.jp)"},
		{"unknown language", strings.Replace(base, "domain: example.co.jp", "domain: example.co.jp\nlanguage: fr", 1),
			"site.yaml:2: language: \"fr\" is not ja or en"},
		{"switch time without zone", strings.Replace(base, "to: new\n", "to: new\n  switch_date: 2026-12-05T18:00\n", 1),
			"site.yaml:5: migration.switch_date: \"2026-12-05T18:00\" has no time zone (write it as 2026-12-05T18:00+09:00, or the day alone)"},
		{"switch date not a date", strings.Replace(base, "to: new\n", "to: new\n  switch_date: 5 Dec\n", 1),
			"site.yaml:5: migration.switch_date: \"5 Dec\" is not a date or a time (write it as 2026-12-05, or 2026-12-05T18:00+09:00)"},
		{"overlap before the switch day", strings.Replace(base, "to: new\n", "to: new\n  switch_date: 2026-12-05T03:00+09:00\n  overlap_until: 2026-12-04\n", 1),
			"site.yaml:6: migration.overlap_until: 2026-12-04 is before the switch date 2026-12-05"},
		{"receives a bad host", strings.Replace(base, "    outgoing:\n      - host: 203.0.113.10\n", "    outgoing:\n      - host: 203.0.113.10\n    receives: [mx1.example-host.jp, \"mx 2\"]\n", 1),
			"site.yaml:12: servers.old.receives[1]: \"mx 2\" is not a valid host name"},
		{"several errors in line order", strings.Replace(strings.Replace(base, "port: 587", "port: 0x", 1), "from: old", "from: older", 1),
			"site.yaml:3: migration.from: \"older\" is not a server set (have old, new)\n" +
				"site.yaml:18: servers.new.outgoing[0].port: \"0x\" is not a port number"},
	}
	require.GreaterOrEqual(t, len(tests), 30)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			site, err := mailprofile.Parse("site.yaml", []byte(tt.yaml))
			require.Error(t, err)
			assert.Nil(t, site)
			assert.Equal(t, tt.want, err.Error())
			errs := mailprofile.Errors(err)
			require.NotEmpty(t, errs)
			for _, e := range errs {
				assert.NotEmpty(t, e.Pos.File, "every error names the file")
			}
		})
	}
}

// TestSwitchMomentAndReceives reads a switch given with a time and zone and
// the hosts that receive a set's mail, and writes them back as they came.
func TestSwitchMomentAndReceives(t *testing.T) {
	tests := []struct {
		switchDate string
		hasTime    bool
		want       time.Time
		written    string
	}{
		{"2026-12-05", false, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), "switch_date: 2026-12-05"},
		{"2026-12-05T18:00+09:00", true, time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC), "switch_date: 2026-12-05T18:00+09:00"},
		{"2026-12-05T18:00:30Z", true, time.Date(2026, 12, 5, 18, 0, 30, 0, time.UTC), "switch_date: \"2026-12-05T18:00:30Z\""},
		{"2026-12-05 03:00+09:00", true, time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC), "switch_date: 2026-12-05T03:00+09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.switchDate, func(t *testing.T) {
			desc := strings.Replace(base, "to: new\n", "to: new\n  switch_date: "+tt.switchDate+"\n", 1)
			desc = strings.Replace(desc, "        port: 587\n", "        port: 587\n    receives: [MX1.Example-Host.jp, \"2001:db8::0:1\"]\n", 1)
			site, err := mailprofile.Parse("site.yaml", []byte(desc))
			require.NoError(t, err)
			m := site.Migration
			assert.Equal(t, tt.hasTime, m.SwitchHasTime)
			assert.True(t, tt.want.Equal(m.SwitchDate), "%s is %s", m.SwitchDate, tt.want)
			assert.Equal(t, "2026-12-05", m.SwitchDate.Format(time.DateOnly), "the day in the zone it was given in")
			assert.Equal(t, []string{"mx1.example-host.jp", "2001:db8::1"}, site.Set("new").Receives)
			assert.Nil(t, site.Set("old").Receives)

			var buf bytes.Buffer
			require.NoError(t, site.WriteYAML(&buf))
			assert.Contains(t, buf.String(), tt.written+"\n")
			again, err := mailprofile.Parse("again.yaml", buf.Bytes())
			require.NoError(t, err, buf.String())
			assert.True(t, m.SwitchDate.Equal(again.Migration.SwitchDate))
			assert.Equal(t, m.SwitchHasTime, again.Migration.SwitchHasTime)
			assert.Equal(t, site.Set("new").Receives, again.Set("new").Receives)
		})
	}
}

func TestValidBase(t *testing.T) {
	site, err := mailprofile.Parse("site.yaml", []byte(base))
	require.NoError(t, err)
	assert.Equal(t, "new", site.DefaultSet().Name)
}

func TestCSVErrors(t *testing.T) {
	head := "domain: example.co.jp\nservers:\n  new:\n    incoming: [{protocol: imap, host: imap.example.co.jp}]\n    outgoing: [{host: smtp.example.co.jp}]\naccounts:\n  - address: info@example.co.jp\naccounts_csv: people.csv\n"
	tests := []struct {
		name string
		csv  string
		want string
	}{
		{"empty file", "", "people.csv: the file is empty; it needs a header row with an address column"},
		{"no address column", "name,email\n", "people.csv:1: row 1: unknown column \"email\" (known: address, name, sets, username, username.SET, password, password.SET, or メールアドレス, 氏名, 名前, ユーザー名, パスワード)\npeople.csv:1: row 1: no address column"},
		{"bad address", "address,name\nok@example.co.jp,OK\nnot-an-address,Bad\n", "people.csv:3: row 3: address: \"not-an-address\" is not an email address (no @)"},
		{"duplicate of inline", "address\ninfo@example.co.jp\n", "people.csv:2: row 2: address: info@example.co.jp is listed twice (first at site.yaml:7)"},
		{"duplicate in file", "address\na@example.co.jp\nb@example.co.jp\nA@example.co.jp\n", "people.csv:4: row 4: address: A@example.co.jp is listed twice (first at people.csv:2)"},
		{"unknown set column", "address,username.legacy\na@example.co.jp,a\n", "people.csv:2: row 2: username.legacy: \"legacy\" is not a server set (have new)"},
		{"unknown set in sets", "address,sets\na@example.co.jp,new old\n", "people.csv:2: row 2: sets: \"old\" is not a server set (have new)"},
		{"outside domain", "address\na@example.com\n", "people.csv:2: row 2: address: a@example.com is not in the domain example.co.jp (set allow_other_domains: true to allow it)"},
		{"bad quoting", "address,name\n\"a@example.co.jp,Bad\n", "people.csv:2: row 2: not valid CSV: extraneous or missing \" in quoted-field"},
		{"too many fields", "address\na@example.co.jp,extra\n", "people.csv:2: row 2: has 2 fields but the header has 1 columns (a field that holds a comma must be in double quotes)"},
		{"an unquoted comma and an empty field more", "address,name,username.new\nyamada@example.co.jp,山田, 太郎,\n",
			"people.csv:2: row 2: has 4 fields but the header has 3 columns (a field that holds a comma must be in double quotes)"},
		{"too few fields", "address,name,username.new\nyamada@example.co.jp,山田\n",
			"people.csv:2: row 2: has 2 fields but the header has 3 columns (a field that holds a comma must be in double quotes)"},
		{"shift_jis hides no other row", "address,name\na@example.co.jp,\x8e\x52\x93\x63\nb@example.co.jp,\x93\x63\nnot-an-address,ok\n",
			"people.csv:2: row 2: name: is not UTF-8 text (save the file as \"CSV UTF-8\")\n" +
				"people.csv:3: row 3: name: is not UTF-8 text (save the file as \"CSV UTF-8\")\n" +
				"people.csv:4: row 4: address: \"not-an-address\" is not an email address (no @)"},
		{"shift_jis", "address,name\na@example.co.jp,\x8e\x52\x93\x63\n", "people.csv:2: row 2: name: is not UTF-8 text (save the file as \"CSV UTF-8\")"},
		{"multi-line field keeps the row", "address,name\na@example.co.jp,\"two\nlines\"\nbad,x\n", "people.csv:4: row 3: address: \"bad\" is not an email address (no @)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte(tt.csv), 0o644))
			_, err := mailprofile.Parse("site.yaml", []byte(head))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// TestSecretsNeverInMessages makes the typos that put a password where a
// name goes, and looks for the password in every message.
func TestSecretsNeverInMessages(t *testing.T) {
	head := "domain: example.co.jp\nservers:\n  new:\n    incoming: [{protocol: imap, host: imap.example.co.jp}]\n    outgoing: [{host: smtp.example.co.jp}]\n"
	tests := []struct {
		name, yaml, csv string
	}{
		{name: "no space after the colon", yaml: "accounts:\n  - address: a@example.co.jp\n    password: {new:hunter2}\n"},
		{name: "the password as the key", yaml: "accounts:\n  - address: a@example.co.jp\n    password: {hunter2}\n"},
		{name: "the same typo twice", yaml: "accounts:\n  - address: a@example.co.jp\n    password: {new:hunter2, new:hunter2}\n"},
		{name: "a mapping for a value", yaml: "accounts:\n  - address: a@example.co.jp\n    password: {new: {hunter2: x}}\n"},
		{name: "csv: the password in the header", csv: "address,password.hunter2\na@example.co.jp,x\n"},
		{name: "csv: in Japanese", csv: "メールアドレス,パスワード.hunter2\na@example.co.jp,x\n"},
		{name: "csv: a misspelt column", csv: "address,passwd:hunter2\na@example.co.jp,x\n"},
		{name: "csv: not UTF-8 either", csv: "address,password.hunter2\na@example.co.jp,\xff\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desc := head + tt.yaml
			if tt.csv != "" {
				dir := t.TempDir()
				t.Chdir(dir)
				require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte(tt.csv), 0o644))
				desc += "accounts_csv: people.csv\n"
			}
			_, err := mailprofile.Parse("site.yaml", []byte(desc))
			require.Error(t, err, "a typo is an error")
			assert.NotContains(t, err.Error(), "hunter2")
			t.Log(err)
		})
	}
}

// TestLongValuesCut: a megabyte in a field is not a megabyte in a message.
func TestLongValuesCut(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	head := "domain: example.co.jp\nservers:\n  new:\n    incoming: [{protocol: imap, host: imap.example.co.jp}]\n    outgoing: [{host: smtp.example.co.jp}]\n"
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte("address,"+huge+"\n"+huge+"@example.co.jp,\n"), 0o644))
	for _, desc := range []string{
		head + "accounts:\n  - address: " + huge + "\n",
		strings.Replace(head, "protocol: imap", "protocol: "+huge, 1),
		head + "language: " + huge + "\n",
		head + "accounts_csv: people.csv\n",
	} {
		_, err := mailprofile.Parse("site.yaml", []byte(desc))
		require.Error(t, err)
		for _, e := range mailprofile.Errors(err) {
			assert.Less(t, len(e.Error()), 400, "%.300s", e.Error())
		}
		assert.Contains(t, err.Error(), "… (1048576 bytes)")
	}
}

// TestLegacySubmission: a set that is only moved away from may keep SMTP on
// port 25 and the other TLS on 587 or 465, with warnings that say what
// people will meet; the set being moved to may not.
func TestLegacySubmission(t *testing.T) {
	old := `domain: example.co.jp
allow_insecure: true
migration: {from: old, to: new}
servers:
  old:
    allow_legacy_submission: true
    incoming: [{protocol: pop3, host: pop.old-isp.example}]
    outgoing:
      - {host: smtp.old-isp.example, port: 25, security: none}
      - {host: smtp.old-isp.example, port: 587, security: tls}
  new:
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
`
	site, err := mailprofile.Parse("site.yaml", []byte(old))
	require.NoError(t, err)
	var got []string
	for _, w := range site.Warnings() {
		got = append(got, w.String())
	}
	assert.Contains(t, got, "site.yaml:9: servers.old.outgoing[0].port: 25: many networks block it (mobile networks, hotels, other providers' lines), so this account cannot send from there; until the move is over, send from the new account")
	assert.Contains(t, got, "site.yaml:10: servers.old.outgoing[1].port: 587 with TLS from the first byte: clients expect STARTTLS there, and some fail to connect; check that sending works in each program")

	_, err = mailprofile.Parse("site.yaml", []byte(strings.Replace(old, "migration: {from: old, to: new}", "migration: {from: new, to: old}", 1)))
	assert.EqualError(t, err, "site.yaml:6: servers.old.allow_legacy_submission: is for a set that is only moved away from: the set being moved to must offer submission on 587 (starttls) or 465 (tls)")

	_, err = mailprofile.Parse("site.yaml", []byte(strings.Replace(old, "    allow_legacy_submission: true\n", "", 1)))
	assert.ErrorContains(t, err, "servers.old.outgoing[0].port: 25 is for mail between servers")
	assert.ErrorContains(t, err, "servers.old.outgoing[1].port: 587 is the SMTP port for starttls")
}

// TestAuthAlternatives: a server may list its ways to log in, in order.
func TestAuthAlternatives(t *testing.T) {
	site, err := mailprofile.Parse("site.yaml", []byte(strings.Replace(base, "host: sv1234.example-host.jp\n    outgoing", "host: sv1234.example-host.jp\n        auth: [oauth2, password-cleartext]\n    outgoing", 1)))
	require.NoError(t, err)
	in := site.Set("new").Incoming[0]
	assert.Equal(t, []mailprofile.Auth{mailprofile.AuthOAuth2, mailprofile.AuthPasswordCleartext}, in.Auths())
	var buf strings.Builder
	require.NoError(t, site.WriteYAML(&buf))
	assert.Contains(t, buf.String(), "auth: [oauth2, password-cleartext]")

	_, err = mailprofile.Parse("site.yaml", []byte(strings.Replace(base, "host: sv1234.example-host.jp\n    outgoing", "host: sv1234.example-host.jp\n        auth: [oauth2, oauth2, none]\n    outgoing", 1)))
	assert.ErrorContains(t, err, "auth: names oauth2 twice")
	assert.ErrorContains(t, err, "auth: none is only possible for outgoing servers")
}

// TestLabelsPerLanguage: a set's label may be given per language; the
// site's language gives Label, and the description writes back the same.
func TestLabelsPerLanguage(t *testing.T) {
	const doc = `domain: example.co.jp
language: en
servers:
  new:
    label: {ja: 新サーバー, en: new server}
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
`
	site, err := mailprofile.Parse("site.yaml", []byte(doc))
	require.NoError(t, err)
	set := site.Set("new")
	assert.Equal(t, "new server", set.Label, "the site's language")
	assert.Equal(t, "新サーバー", set.LabelIn("ja"))
	assert.Equal(t, "new server", set.LabelIn("en"))

	var buf strings.Builder
	require.NoError(t, site.WriteYAML(&buf))
	again, err := mailprofile.Parse("again.yaml", []byte(buf.String()))
	require.NoError(t, err, buf.String())
	assert.Equal(t, set.Labels, again.Set("new").Labels)

	// One label is every language's.
	one, err := mailprofile.Parse("site.yaml", []byte(strings.Replace(doc, "{ja: 新サーバー, en: new server}", "新サーバー", 1)))
	require.NoError(t, err)
	assert.Equal(t, "新サーバー", one.Set("new").LabelIn("en"))

	_, err = mailprofile.Parse("site.yaml", []byte(strings.Replace(doc, "en: new server", "fr: nouveau", 1)))
	assert.EqualError(t, err, `site.yaml:5: servers.new.label: "fr" is not a language of the pages (ja, en)`)
	_, err = mailprofile.Parse("site.yaml", []byte(strings.Replace(doc, "en: new server", "en: [new]", 1)))
	assert.EqualError(t, err, `site.yaml:5: servers.new.label.en: must be a single value, not a list`)
}

// TestAdvice: the people who run the new servers learn that Outlook's
// newer kinds reach them from Microsoft's servers.
func TestAdvice(t *testing.T) {
	site, err := mailprofile.Load("examples/migration.yaml")
	require.NoError(t, err)
	advice := site.Advice()
	require.Len(t, advice, 1)
	assert.Contains(t, advice[0], "connect to sv1234.example-host.jp from Microsoft's servers")
	assert.NotContains(t, advice[0], "203.0.113.10", "the old servers are not added anywhere")
}

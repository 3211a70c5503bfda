package mailprofile_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
)

func TestLoadMigrationExample(t *testing.T) {
	site, err := mailprofile.Load("examples/migration.yaml")
	require.NoError(t, err)
	assert.Equal(t, "example.co.jp", site.Domain)
	assert.Equal(t, "株式会社サンプル商事", site.DisplayName())
	require.NotNil(t, site.Migration)
	assert.Equal(t, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), site.Migration.SwitchDate)
	assert.Equal(t, time.Date(2026, 12, 19, 0, 0, 0, 0, time.UTC), site.Migration.OverlapEnd)
	assert.Equal(t, "new", site.DefaultSet().Name)

	old := site.Set("old")
	require.NotNil(t, old)
	assert.Equal(t, "旧サーバー", old.DisplayLabel())
	require.Len(t, old.Incoming, 1)
	in := old.Incoming[0]
	assert.Equal(t, mailprofile.ProtocolPOP3, in.Protocol)
	assert.Equal(t, "203.0.113.10", in.Host)
	assert.Equal(t, 995, in.Port)
	assert.Equal(t, mailprofile.SecurityTLS, in.Security)
	assert.True(t, in.POP3.Leave())
	assert.Equal(t, 14, in.POP3.KeepDays)
	assert.Equal(t, 465, old.Outgoing[0].Port)

	nw := site.Set("new")
	assert.Equal(t, mailprofile.Server{
		Protocol: mailprofile.ProtocolSMTP, Host: "sv1234.example-host.jp", Port: 587,
		Security: mailprofile.SecurityStartTLS, Auth: mailprofile.AuthPasswordCleartext,
		Username: mailprofile.PlaceholderAddress,
	}, withoutSource(nw.Outgoing[0]))

	require.Len(t, site.Accounts, 3)
	info := account(t, site, "INFO@example.co.jp")
	assert.Equal(t, map[string]string{"old": "info"}, info.Usernames)
	assert.Equal(t, "examples/migration.yaml:52", info.Source.Pos.String())
}

// account looks up addr, which must be listed.
func account(t *testing.T, site *mailprofile.Site, addr string) *mailprofile.Account {
	t.Helper()
	a, err := site.Account(addr)
	require.NoError(t, err)
	return a
}

// allAccounts is every account of site, those of its CSV file included.
func allAccounts(t *testing.T, site *mailprofile.Site) []*mailprofile.Account {
	t.Helper()
	var all []*mailprofile.Account
	require.NoError(t, site.EachAccount(func(a *mailprofile.Account) error {
		all = append(all, a)
		return nil
	}))
	return all
}

func withoutSource(s mailprofile.Server) mailprofile.Server {
	s.Source = mailprofile.Source{}
	return s
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name    string
		server  string
		port    int
		sec     mailprofile.Security
		migrate bool
		leave   bool
	}{
		{name: "imap default", server: "{protocol: imap, host: h.example}", port: 993, sec: "tls"},
		{name: "imap 143 implies starttls", server: "{protocol: imap, host: h.example, port: 143}", port: 143, sec: "starttls"},
		{name: "imap starttls default port", server: "{protocol: imap, host: h.example, security: starttls}", port: 143, sec: "starttls"},
		{name: "pop3 default keeps mail, as Thunderbird", server: "{protocol: pop3, host: h.example}", port: 995, sec: "tls", leave: true},
		{name: "pop3 110", server: "{protocol: pop3, host: h.example, port: 110}", port: 110, sec: "starttls", leave: true},
		{name: "pop3 ssl alias", server: "{protocol: POP, host: h.example, security: SSL}", port: 995, sec: "tls", leave: true},
		{name: "pop3 told to delete", server: "{protocol: pop3, host: h.example, pop3: {leave_on_server: false}}", port: 995, sec: "tls", leave: false},
		{name: "pop3 keeps mail during a move", server: "{protocol: pop3, host: h.example}", port: 995, sec: "tls", migrate: true, leave: true},
		{name: "non-standard port", server: "{protocol: imap, host: h.example, port: 10993, security: tls}", port: 10993, sec: "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "domain: example.com\nservers:\n  a:\n    incoming: [" + tt.server + "]\n    outgoing: [{host: smtp.example.com}]\n"
			if tt.migrate {
				doc += "  b:\n    incoming: [{protocol: imap, host: x.example}]\n    outgoing: [{host: x.example}]\nmigration: {from: a, to: b}\n"
			}
			site, err := mailprofile.Parse("t.yaml", []byte(doc))
			require.NoError(t, err)
			in := site.Set("a").Incoming[0]
			assert.Equal(t, tt.port, in.Port)
			assert.Equal(t, tt.sec, in.Security)
			assert.Equal(t, mailprofile.AuthPasswordCleartext, in.Auth)
			assert.Equal(t, "%EMAILADDRESS%", in.Username)
			if in.Protocol == mailprofile.ProtocolPOP3 {
				assert.Equal(t, tt.leave, in.POP3.Leave())
			}
			out := site.Set("a").Outgoing[0]
			assert.Equal(t, 465, out.Port, "SMTP defaults to implicit TLS on 465")
		})
	}
}

func TestIDN(t *testing.T) {
	site, err := mailprofile.Load("examples/single.yaml")
	require.NoError(t, err)
	assert.Equal(t, "xn--r8jz45g.jp", site.Domain)
	assert.Equal(t, "例え.jp", site.UnicodeDomain())
	assert.Equal(t, "mail.xn--r8jz45g.jp", site.Sets[0].Incoming[0].Host)
	assert.Equal(t, "hello@xn--r8jz45g.jp", site.Accounts[0].Address)
	assert.Same(t, site.Accounts[0], account(t, site, "hello@例え.jp"))
	assert.Same(t, site.Accounts[1], account(t, site, "ops@例え.JP"))
	assert.Equal(t, "ops@例え.jp", mailprofile.UnicodeAddress(site.Accounts[1].Address))

	// The Unicode and ASCII forms are one address.
	_, err = mailprofile.Parse("dup.yaml", []byte(`
domain: 例え.jp
servers:
  main:
    incoming: [{protocol: imap, host: mail.example}]
    outgoing: [{host: mail.example}]
accounts:
  - address: a@例え.jp
  - address: a@XN--R8JZ45G.JP
`))
	assert.EqualError(t, err, "dup.yaml:9: accounts[1].address: a@xn--r8jz45g.jp is listed twice (first at dup.yaml:8)")
}

func TestReadAccountsCSV(t *testing.T) {
	// Excel's "CSV UTF-8": byte order mark, CRLF, quotes around fields with
	// commas, doubled quotes, a field over two lines, blank trailing rows.
	data := "\ufeffAddress,Name,Username.Old,sets,Password.New,Note\r\n" +
		"a@example.co.jp,\"Yamada, Taro\",yamada,,s3cret,\r\n" +
		"b@example.co.jp,\"He said \"\"hi\"\"\",,new old,,\"two\r\nlines\"\r\n" +
		",,,,,\r\n"
	accts, err := mailprofile.ReadAccounts("people.csv", strings.NewReader(data))
	require.NoError(t, err)
	require.Len(t, accts, 2)
	assert.Equal(t, "a@example.co.jp", accts[0].Address)
	assert.Equal(t, "Yamada, Taro", accts[0].Name)
	assert.Equal(t, map[string]string{"old": "yamada"}, accts[0].Usernames)
	assert.Equal(t, "s3cret", accts[0].Passwords["new"].Reveal())
	assert.Nil(t, accts[0].Sets)
	assert.Equal(t, `He said "hi"`, accts[1].Name)
	assert.Equal(t, []string{"new", "old"}, accts[1].Sets)
	assert.Equal(t, "people.csv:3", accts[1].Source.Pos.String())
	assert.Equal(t, "row 3", accts[1].Source.Path)
}

func TestLoadCSVExample(t *testing.T) {
	site, err := mailprofile.Load("examples/migration-csv.yaml")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("examples", "accounts.csv"), site.AccountsCSV)
	assert.Empty(t, site.Accounts, "the CSV accounts stay in their file")
	all := allAccounts(t, site)
	require.Len(t, all, 3)
	assert.Equal(t, "田中, 次郎", all[1].Name)
	assert.Equal(t, "木村 美咲 🌸", all[2].Name)
	assert.False(t, all[2].HasSet("old"))
	_, err = site.Settings("old", all[2])
	assert.ErrorIs(t, err, mailprofile.ErrNotOnSet)

	// A lookup reads the one row, and finds it whatever the letter case.
	tanaka := account(t, site, "Tanaka@Example.co.jp")
	assert.Equal(t, all[1], tanaka)
	assert.Equal(t, "examples/accounts.csv:3", tanaka.Source.Pos.String())
	_, err = site.Account("nobody@example.co.jp")
	assert.ErrorIs(t, err, mailprofile.ErrNotFound)
	_, err = site.Account("not an address")
	assert.ErrorIs(t, err, mailprofile.ErrNotFound)
}

func TestSettingsUsernames(t *testing.T) {
	site, err := mailprofile.Load("testdata/phased.yaml")
	require.NoError(t, err)
	both := account(t, site, "both@phased.example")
	tests := []struct {
		set, addr string
		in, out   string
	}{
		{"old", "both@phased.example", "both-old", "both-old"},
		{"new", "both@phased.example", "both@phased.example", "both@phased.example"},
		{"old", "staying@phased.example", "staying", "staying"},
		{"new", "moved@phased.example", "moved@phased.example", "moved@phased.example"},
	}
	for _, tt := range tests {
		t.Run(tt.set+"/"+tt.addr, func(t *testing.T) {
			p, err := site.Settings(tt.set, account(t, site, tt.addr))
			require.NoError(t, err)
			assert.Equal(t, tt.in, p.Incoming[0].Username)
			assert.Equal(t, tt.out, p.Outgoing[0].Username)
		})
	}
	domain, err := site.DomainSettings("old")
	require.NoError(t, err)
	assert.Equal(t, "%EMAILLOCALPART%", domain.Incoming[0].Username, "the domain's settings keep placeholders")
	assert.Equal(t, "phased.example — old server", domain.Description())
	_, err = site.Settings("old", nil)
	assert.Error(t, err, "no account is not the domain's settings")
	p, err := site.Settings("", both)
	require.NoError(t, err)
	assert.Equal(t, "new", p.Set.Name, `"" is the default set`)
	assert.Equal(t, "both@phased.example — new server", p.Description())
	_, err = site.Settings("newer", both)
	assert.ErrorIs(t, err, mailprofile.ErrUnknownSet)
	assert.EqualError(t, err, `no server set "newer" (the sets are old, new)`)
	// The site itself is not changed by resolving.
	assert.Equal(t, "%EMAILLOCALPART%", site.Set("old").Incoming[0].Username)
}

func TestExpandUsername(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"%EMAILADDRESS%", "o'brien@xn--r8jz45g.jp"},
		{"%EMAILLOCALPART%", "o'brien"},
		{"%EMAILDOMAIN%", "xn--r8jz45g.jp"},
		{"%EMAILLOCALPART%.%EMAILDOMAIN%", "o'brien.xn--r8jz45g.jp"},
		{"literal", "literal"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mailprofile.ExpandUsername(tt.tmpl, "o'brien@xn--r8jz45g.jp"), tt.tmpl)
	}
}

func TestWarnings(t *testing.T) {
	site, err := mailprofile.Parse("w.yaml", []byte(`domain: example.co.jp
allow_insecure: true
migration: {from: old, to: new}
servers:
  old:
    incoming:
      - protocol: pop3
        host: mail.example.co.jp
        pop3: {leave_on_server: false}
    outgoing:
      - host: 203.0.113.10
        port: 587
  new:
    incoming:
      - protocol: imap
        host: 2001:db8::1
        port: 143
        security: none
    outgoing:
      - host: sv1.example-host.jp
`))
	require.NoError(t, err)
	var got []string
	for _, w := range site.Warnings() {
		got = append(got, w.String())
	}
	assert.Equal(t, []string{
		"w.yaml:8: servers.old.incoming[0].host: mail.example.co.jp is in the domain being moved: while DNS changes it may reach either server; name the old server by the provider's host name or its IP address",
		"w.yaml:9: servers.old.incoming[0].pop3.leave_on_server: is false: mail downloaded by one device is deleted from the server and the other devices never see it",
		"w.yaml:11: servers.old.outgoing[0].host: 203.0.113.10 is an IP address: every mail client will warn that the certificate does not match unless the server's certificate lists this IP; prefer the provider's host name that the certificate names (e.g. sv1234.example-host.jp)",
		"w.yaml:18: servers.new.incoming[0].security: security none sends the password and all mail in plain text",
	}, got)
}

func TestSecretNeverPrints(t *testing.T) {
	s := mailprofile.NewSecret("hunter2")
	a := mailprofile.Account{Address: "a@example.com", Passwords: map[string]mailprofile.Secret{"new": s}}
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, a, a, s), fmt.Sprintf("%q", s),
	} {
		assert.NotContains(t, out, "hunter2")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "password", s, "account", a)
	assert.NotContains(t, buf.String(), "hunter2")
	assert.Equal(t, "hunter2", s.Reveal())
}

func TestLoadMissingFile(t *testing.T) {
	_, err := mailprofile.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	require.Error(t, err)
	assert.True(t, strings.HasSuffix(err.Error(), "nope.yaml: no such file or directory"), err.Error())
	assert.True(t, os.IsNotExist(err) || len(mailprofile.Errors(err)) == 1)
}

func TestValidateBuiltInCode(t *testing.T) {
	site := &mailprofile.Site{
		Domain: "Example.COM",
		Sets: []*mailprofile.ServerSet{{
			Name:     "main",
			Incoming: []mailprofile.Server{{Protocol: mailprofile.ProtocolIMAP, Host: "imap.example.com"}},
			Outgoing: []mailprofile.Server{{Protocol: mailprofile.ProtocolSMTP, Host: "smtp.example.com", Port: 25}},
		}},
		Accounts: []*mailprofile.Account{{Address: "a@example.com"}, {Address: "A@EXAMPLE.com"}},
	}
	err := site.Validate()
	assert.EqualError(t, err, "servers.main.outgoing[0].port: 25 is for mail between servers and is blocked on most networks; mail clients submit on 587 (starttls) or 465 (tls)\n"+
		"accounts[1].address: A@example.com is listed twice (first at accounts[0])")
	assert.Equal(t, "example.com", site.Domain)
	assert.Equal(t, 993, site.Sets[0].Incoming[0].Port)
}

// TestNotValidated: a Site built in code gives no Settings until Validate
// has filled it in, and an outgoing server needs no protocol to be SMTP.
func TestNotValidated(t *testing.T) {
	site := &mailprofile.Site{
		Domain: "example.com",
		Sets: []*mailprofile.ServerSet{{
			Name:     "main",
			Incoming: []mailprofile.Server{{Protocol: mailprofile.ProtocolIMAP, Host: "imap.example.com"}},
			Outgoing: []mailprofile.Server{{Host: "smtp.example.com"}},
		}},
	}
	_, err := site.DomainSettings("")
	assert.EqualError(t, err, `mailprofile: servers.main.incoming[0] is not complete (protocol "imap", host "imap.example.com", port 0, security "", auth ""): call Site.Validate first`)
	_, err = site.Settings("", &mailprofile.Account{Address: "a@example.com"})
	assert.Error(t, err)

	require.NoError(t, site.Validate())
	out := site.Sets[0].Outgoing[0]
	assert.Equal(t, mailprofile.ProtocolSMTP, out.Protocol, "an outgoing server speaks SMTP")
	assert.Equal(t, 465, out.Port)
	st, err := site.DomainSettings("")
	require.NoError(t, err)
	assert.NoError(t, st.Check())

	// The index is counted in the server's own list.
	st.Outgoing = append(st.Outgoing, mailprofile.Server{Protocol: mailprofile.ProtocolSMTP, Host: "smtp2.example.com"})
	assert.EqualError(t, st.Check(), `mailprofile: servers.main.outgoing[1] is not complete (protocol "smtp", host "smtp2.example.com", port 0, security "", auth ""): call Site.Validate first`)
	st.Outgoing[1] = st.Outgoing[0]
	st.Outgoing[1].Protocol = mailprofile.ProtocolIMAP
	assert.ErrorContains(t, st.Check(), "servers.main.outgoing[1] is not complete (protocol \"imap\"", "an incoming protocol among the outgoing servers")
}

// TestReadAccountsJapaneseHeaders reads a sheet exported from Japanese
// Excel: the columns in Japanese, one in half-width katakana.
func TestReadAccountsJapaneseHeaders(t *testing.T) {
	data := "\ufeffメールアドレス,氏名,ﾕｰｻﾞｰ名.old,パスワード,備考\r\n" +
		"yamada@example.co.jp,山田 太郎,yamada,s3cret,経理\r\n" +
		"sato@example.co.jp,佐藤 花子,,,\r\n"
	accts, err := mailprofile.ReadAccounts("社員.csv", strings.NewReader(data))
	require.NoError(t, err)
	require.Len(t, accts, 2)
	assert.Equal(t, "yamada@example.co.jp", accts[0].Address)
	assert.Equal(t, "山田 太郎", accts[0].Name)
	assert.Equal(t, map[string]string{"old": "yamada"}, accts[0].Usernames)
	assert.Equal(t, "s3cret", accts[0].Passwords[""].Reveal())
	assert.Equal(t, "佐藤 花子", accts[1].Name)

	_, err = mailprofile.ReadAccounts("x.csv", strings.NewReader("名前\nx\n"))
	assert.EqualError(t, err, "x.csv:1: row 1: no address column")
	accts, err = mailprofile.ReadAccounts("x.csv", strings.NewReader("名前,メールアドレス\n鈴木,suzuki@example.co.jp\n"))
	require.NoError(t, err)
	assert.Equal(t, "鈴木", accts[0].Name, "名前 is the name as 氏名 is")
}

// describe is the smallest description of domain: one set, one server of
// each kind.
func describe(domain string) string {
	return "domain: " + domain + `
servers:
  new:
    incoming: [{protocol: imap, host: mail.example-host.jp}]
    outgoing: [{host: mail.example-host.jp, port: 587}]
`
}

// TestLoaderReadsOnlyWhatChanged: a Loader gives the same sites for files
// that did not change (by size, time and inode), and reads again a file
// that changed, one whose accounts CSV file changed, and one just written
// (whose time cannot be trusted yet); a file removed is gone.
func TestLoaderReadsOnlyWhatChanged(t *testing.T) {
	dir := t.TempDir()
	past := time.Now().Add(-time.Hour)
	put := func(name, content string, at time.Time) {
		t.Helper()
		f := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(f, []byte(content), 0o644))
		require.NoError(t, os.Chtimes(f, at, at))
	}
	put("a.yaml", describe("a.example"), past)
	put("b.yaml", describe("b.example")+"accounts_csv: b.csv\n", past)
	put("b.csv", "address\ninfo@b.example\n", past)
	put("c.yaml", describe("c.example"), past)

	var l mailprofile.Loader
	load := func() map[string]*mailprofile.Site {
		t.Helper()
		sites, failed, err := l.Load(dir)
		require.NoError(t, err)
		require.Empty(t, failed)
		out := map[string]*mailprofile.Site{}
		for _, s := range sites {
			out[s.Domain] = s
		}
		return out
	}
	first := load()
	require.Len(t, first, 3)
	again := load()
	for d, s := range first {
		assert.Same(t, s, again[d], "%s did not change", d)
	}

	put("a.yaml", describe("a.example")+"organization: A\n", past.Add(time.Minute))
	put("b.csv", "address\ninfo@b.example\nsales@b.example\n", past.Add(time.Minute))
	require.NoError(t, os.Remove(filepath.Join(dir, "c.yaml")))
	put("d.yaml", describe("d.example"), time.Now())
	third := load()
	assert.Equal(t, "A", third["a.example"].Organization)
	assert.NotSame(t, first["b.example"], third["b.example"], "its accounts changed")
	_, err := third["b.example"].Account("sales@b.example")
	assert.NoError(t, err)
	assert.NotContains(t, third, "c.example")
	fourth := load()
	assert.Same(t, third["a.example"], fourth["a.example"])
	assert.NotSame(t, third["d.example"], fourth["d.example"], "written just now: read again until its time is safe")
}

// TestServiceHosts lists the names serve answers under for a site.
func TestServiceHosts(t *testing.T) {
	site, err := mailprofile.Parse("site.yaml", []byte(describe("例え.jp")+`base_url: https://Setup.Example-Host.jp:8443/x
discovery: {host: mp.example-host.jp}
`))
	require.NoError(t, err)
	assert.Equal(t, "setup.example-host.jp", site.BaseHost())
	assert.Equal(t, []string{"autoconfig.xn--r8jz45g.jp", "autodiscover.xn--r8jz45g.jp", "setup.example-host.jp", "mp.example-host.jp"}, site.ServiceHosts())
}

// TestLoadFilesDomainTwiceInOneFile: a file that describes a domain twice
// (two documents) is left out with an error naming both places, as one
// that describes a domain of an earlier file is; the other files are read.
func TestLoadFilesDomainTwiceInOneFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(describe("a.example")), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(describe("b.example")+"---\n"+describe("b.example")), 0o644))
	sites, failed, err := mailprofile.LoadFiles(dir)
	require.NoError(t, err)
	require.Len(t, sites, 1)
	assert.Equal(t, "a.example", sites[0].Domain)
	require.Len(t, failed, 1)
	b := filepath.Join(dir, "b.yaml")
	assert.Equal(t, b, failed[0].File)
	assert.EqualError(t, failed[0].Err, b+":7: domain: b.example is also described at "+b+":1")
}

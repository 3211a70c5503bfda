package mailprofile_test

import (
	"fmt"
	"log"

	"github.com/mailprofile/mailprofile"
)

func ExampleParse() {
	site, err := mailprofile.Parse("site.yaml", []byte(`
domain: example.co.jp
migration: {from: old, to: new}
servers:
  old:
    label: 旧サーバー
    incoming: [{protocol: pop3, host: 203.0.113.10, port: 995}]
    outgoing: [{host: 203.0.113.10, port: 465}]
  new:
    label: 新サーバー
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
accounts:
  - address: info@example.co.jp
    username: {old: info}
`))
	if err != nil {
		log.Fatal(err)
	}
	info, err := site.Account("info@example.co.jp")
	if err != nil {
		log.Fatal(err)
	}
	for _, set := range site.Sets {
		p, err := site.Settings(set.Name, info)
		if err != nil {
			log.Fatal(err)
		}
		in, out := p.Incoming[0], p.Outgoing[0]
		fmt.Printf("%s: %s %s:%d %s, SMTP %s:%d %s, login %s\n", p.Description(),
			in.Protocol, in.Host, in.Port, in.Security, out.Host, out.Port, out.Security, in.Username)
	}
	// Output:
	// info@example.co.jp — 旧サーバー: POP3 203.0.113.10:995 SSL/TLS, SMTP 203.0.113.10:465 SSL/TLS, login info
	// info@example.co.jp — 新サーバー: IMAP sv1234.example-host.jp:993 SSL/TLS, SMTP sv1234.example-host.jp:587 STARTTLS, login info@example.co.jp
}

func ExampleParse_errors() {
	_, err := mailprofile.Parse("site.yaml", []byte(`domain: example.co.jp
servers:
  new:
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing:
      - host: sv1234.example-host.jp
        port: 25
`))
	for _, e := range mailprofile.Errors(err) {
		fmt.Println(e.Pos.Line, e.Field)
	}
	fmt.Println(err)
	// Output:
	// 7 servers.new.outgoing[0].port
	// site.yaml:7: servers.new.outgoing[0].port: 25 is for mail between servers and is blocked on most networks; mail clients submit on 587 (starttls) or 465 (tls)
}

func ExampleSite_Warnings() {
	site, err := mailprofile.Load("examples/migration.yaml")
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range site.Warnings() {
		fmt.Println(w.Pos, w.Field)
	}
	// Output:
	// examples/migration.yaml:28 servers.old.incoming[0].host
	// examples/migration.yaml:36 servers.old.outgoing[0].host
}

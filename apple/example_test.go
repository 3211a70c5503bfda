package apple_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
)

func ExampleGenerate() {
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
`))
	if err != nil {
		log.Fatal(err)
	}
	// The account to add during the move: the new set.
	info, err := site.Account("info@example.co.jp")
	if err != nil {
		log.Fatal(err)
	}
	p, err := site.Settings("new", info)
	if err != nil {
		log.Fatal(err)
	}
	data, err := apple.Generate([]*mailprofile.Settings{p}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "新サーバー") || strings.Contains(line, "sv1234") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// <string>info@example.co.jp — 新サーバー</string>
	// <string>sv1234.example-host.jp</string>
	// <string>sv1234.example-host.jp</string>
	// <string>info@example.co.jp — 新サーバー</string>
	// <string>info@example.co.jp — 新サーバー: IMAP sv1234.example-host.jp:993, SMTP sv1234.example-host.jp:587</string>
	// <string>info@example.co.jp — 新サーバー</string>
}

// Mkdomains writes a folder of n descriptions, one domain each, as a
// hosting company that serves many customers would have: for the scale run
// of mailprofile serve (bench/scale.sh). Each domain moves from an old to a
// new server of the host, names its setup host, and lists two people, one
// with a login of their own.
//
//	go run ./bench/mkdomains -n 100000 -o /tmp/domains
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

const description = `domain: d%06[1]d.example
organization: 顧客 %[1]d
base_url: https://setup.example-host.jp
migration: {from: old, to: new, switch_date: 2026-12-05, overlap_until: 2026-12-19}
servers:
  old:
    label: 旧サーバー
    incoming: [{protocol: pop3, host: old%[2]d.example-host.jp, port: 995}]
    outgoing: [{host: old%[2]d.example-host.jp, port: 465}]
  new:
    label: 新サーバー
    incoming: [{protocol: imap, host: sv%[2]d.example-host.jp, port: 993}]
    outgoing: [{host: sv%[2]d.example-host.jp, port: 587}]
accounts:
  - {address: info@d%06[1]d.example, name: 受付}
  - {address: sato@d%06[1]d.example, name: 佐藤, username: {new: sato%[1]d}}
`

func main() {
	n := flag.Int("n", 1000, "number of domains")
	dir := flag.String("o", "bench/out/domains", "output folder")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for i := range *n {
		body := fmt.Sprintf(description, i, i%50)
		if err := os.WriteFile(filepath.Join(*dir, fmt.Sprintf("d%06d.yaml", i)), []byte(body), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

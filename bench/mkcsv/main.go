// Mkcsv writes a description and an accounts CSV file with n people for the
// gen benchmark: the migration example's servers, every fifth person with a
// different old login, names in Japanese; with -personal P, P percent of
// them with a login of their own on the new set too (those are the accounts
// that serve keeps in memory).
//
//	go run ./bench/mkcsv -n 10000 -o /tmp/bench
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

const description = `domain: example.co.jp
organization: 株式会社サンプル商事
migration: {from: old, to: new, switch_date: 2026-12-05, overlap_until: 2026-12-19}
servers:
  old:
    label: 旧サーバー
    incoming: [{protocol: pop3, host: 203.0.113.10, port: 995, pop3: {leave_on_server: true, keep_days: 14}}]
    outgoing: [{host: 203.0.113.10, port: 465}]
  new:
    label: 新サーバー
    incoming: [{protocol: imap, host: sv1234.example-host.jp, port: 993}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
accounts_csv: accounts.csv
`

func main() {
	n := flag.Int("n", 10000, "number of accounts")
	dir := flag.String("o", "bench/out", "output folder")
	personal := flag.Float64("personal", 0, "percent of the accounts with a login of their own on the new set")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "site.yaml"), []byte(description), 0o644); err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(filepath.Join(*dir, "accounts.csv"))
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "address,name,username.old,username.new")
	every := 0
	if *personal > 0 {
		every = int(100 / *personal)
	}
	for i := range *n {
		old := ""
		if i%5 == 0 {
			old = fmt.Sprintf("user%06d", i)
		}
		own := ""
		if every > 0 && i%every == 0 {
			own = fmt.Sprintf("u%06d.mail", i)
		}
		fmt.Fprintf(w, "user%06d@example.co.jp,社員 %d 号,%s,%s\n", i, i, old, own)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

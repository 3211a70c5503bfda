package status_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/status"
)

// Run looks at DNS and the old mailboxes; here the resolver named by the
// resolv.conf does not answer and nobody has a password, so the verdict
// lists what could not be seen.
func ExampleRun() {
	site, err := mailprofile.Parse("site.yaml", []byte(`domain: example.co.jp
migration: {from: old, to: new, switch_date: "2026-12-05T18:00+09:00"}
servers:
  old:
    incoming: [{protocol: pop3, host: 203.0.113.10}]
    outgoing: [{host: 203.0.113.10}]
  new:
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
accounts:
  - address: info@example.co.jp
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "status")
	defer os.RemoveAll(dir)
	resolv := filepath.Join(dir, "resolv.conf")
	os.WriteFile(resolv, []byte("nameserver 127.0.0.1\n"), 0o644) // no resolver answers there

	report, err := status.Run(context.Background(), site, &status.Options{
		ResolvConf: resolv,
		Timeout:    time.Second,
		Now:        func() time.Time { return time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ready:", report.Ready)
	fmt.Println(report.Mailboxes[0].Address, report.Mailboxes[0].Status+":", report.Mailboxes[0].Reason)
	for _, b := range report.Blockers {
		if strings.HasPrefix(b.What, "the domain's") {
			fmt.Println(b.What)
		}
	}
	// Output:
	// ready: false
	// info@example.co.jp not checked: no password for it
	// the domain's authoritative name servers could not be found
}

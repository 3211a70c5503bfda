package timeline_test

import (
	"log"
	"os"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/timeline"
)

func ExampleSteps() {
	site, err := mailprofile.Parse("site.yaml", []byte(`
domain: example.co.jp
migration: {from: old, to: new, switch_date: 2026-12-05, overlap_until: 2026-12-19}
servers:
  old: {label: old host, incoming: [{protocol: pop3, host: 203.0.113.10}], outgoing: [{host: 203.0.113.10, port: 465}]}
  new: {label: new host, incoming: [{protocol: imap, host: sv1234.example-host.jp}], outgoing: [{host: sv1234.example-host.jp, port: 587}]}
`))
	if err != nil {
		log.Fatal(err)
	}
	steps, err := timeline.Steps(site, "en")
	if err != nil {
		log.Fatal(err)
	}
	if err := timeline.WriteText(os.Stdout, steps); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2026-12-03  Lower the MX record's TTL to about 300 seconds (mailprofile dns shows the records)
	// 2026-12-04  Hand out the setup sheets: everyone adds the new account beside the current one (mailprofile sheet)
	// 2026-12-05  Switch the MX record (and autoconfig, autodiscover) to the new server (new host)
	// 2026-12-19  The overlap ends: look into mailboxes on the old server (old host) to check that mail no longer arrives there
	// 2026-12-20  Remove the accounts on the old server (old host) from every device and cancel it; raise the MX TTL again
}

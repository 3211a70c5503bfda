package dnsrecords_test

import (
	"log"
	"os"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/dnsrecords"
)

func ExampleFor() {
	site, err := mailprofile.Parse("site.yaml", []byte(`
domain: example.co.jp
discovery: {host: setup.example-host.jp}
servers:
  new:
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
`))
	if err != nil {
		log.Fatal(err)
	}
	z, err := dnsrecords.For(site, nil)
	if err != nil {
		log.Fatal(err)
	}
	z.WriteTo(os.Stdout)
	// Output:
	// ; DNS records for example.co.jp, server set "new", made by mailprofile.
	// autoconfig.example.co.jp.	3600	IN	CNAME	setup.example-host.jp.
	// autodiscover.example.co.jp.	3600	IN	CNAME	setup.example-host.jp.
	// _autodiscover._tcp.example.co.jp.	3600	IN	SRV	0 0 443 setup.example-host.jp.
	// _imaps._tcp.example.co.jp.	3600	IN	SRV	0 1 993 sv1234.example-host.jp.
	// _imap._tcp.example.co.jp.	3600	IN	SRV	0 0 0 .
	// _pop3s._tcp.example.co.jp.	3600	IN	SRV	0 0 0 .
	// _pop3._tcp.example.co.jp.	3600	IN	SRV	0 0 0 .
	// _submissions._tcp.example.co.jp.	3600	IN	SRV	0 0 0 .
	// _submission._tcp.example.co.jp.	3600	IN	SRV	0 1 587 sv1234.example-host.jp.
}

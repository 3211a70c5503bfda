package check_test

import (
	"context"
	"fmt"
	"log"
	"net"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/check"
)

func ExampleRun() {
	// A port where nothing listens, to show a failure.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	site, err := mailprofile.Parse("site.yaml", []byte(fmt.Sprintf(`
domain: example.com
servers:
  main:
    incoming: [{protocol: imap, host: 127.0.0.1, port: %d, security: tls}]
    outgoing: [{host: 127.0.0.1, port: %d, security: starttls}]
`, port, port)))
	if err != nil {
		log.Fatal(err)
	}
	results := check.Run(context.Background(), site, nil)
	for _, r := range results {
		fmt.Println(r.Status, r.Check, r.Advice)
	}
	fmt.Println(check.Summary(results), check.Failed(results))
	// Output:
	// FAIL connect check the port; a firewall may block it, or the server listens elsewhere
	// FAIL connect check the port; a firewall may block it, or the server listens elsewhere
	// 0 OK, 0 WARN, 2 FAIL true
}

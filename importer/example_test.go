package importer_test

import (
	"fmt"
	"log"
	"os"

	"github.com/mailprofile/mailprofile/importer"
)

func ExampleRead() {
	site, notes, err := importer.Read([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.net">
    <domain>example.net</domain>
    <displayName>Example Mail</displayName>
    <incomingServer type="imap">
      <hostname>imap.example.net</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.net</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
    <documentation url="https://example.net/help"/>
  </emailProvider>
</clientConfig>`), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range notes {
		fmt.Println("note:", n)
	}
	if err := site.WriteYAML(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// note: documentation: not imported (instructions and help pages for people; mailprofile writes its own)
	// domain: example.net
	// organization: Example Mail
	// servers:
	//   old:
	//     incoming:
	//       - protocol: imap
	//         host: imap.example.net
	//         port: 993
	//         security: tls
	//         auth: password-cleartext
	//         username: '%EMAILADDRESS%'
	//     outgoing:
	//       - host: smtp.example.net
	//         port: 587
	//         security: starttls
	//         auth: password-cleartext
	//         username: '%EMAILADDRESS%'
}

package thunderbird_test

import (
	"fmt"
	"log"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/thunderbird"
)

func ExampleGenerate() {
	site, err := mailprofile.Parse("site.yaml", []byte(`
domain: example.co.jp
servers:
  new:
    incoming:
      - protocol: imap
        host: sv1234.example-host.jp
    outgoing:
      - host: sv1234.example-host.jp
        port: 587
`))
	if err != nil {
		log.Fatal(err)
	}
	domain, err := site.DomainSettings("new") // the file for the whole domain
	if err != nil {
		log.Fatal(err)
	}
	data, err := thunderbird.Generate(domain, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <clientConfig version="1.1">
	//   <emailProvider id="example.co.jp">
	//     <domain>example.co.jp</domain>
	//     <displayName>example.co.jp — new</displayName>
	//     <displayShortName>new</displayShortName>
	//     <incomingServer type="imap">
	//       <hostname>sv1234.example-host.jp</hostname>
	//       <port>993</port>
	//       <socketType>SSL</socketType>
	//       <authentication>password-cleartext</authentication>
	//       <username>%EMAILADDRESS%</username>
	//     </incomingServer>
	//     <outgoingServer type="smtp">
	//       <hostname>sv1234.example-host.jp</hostname>
	//       <port>587</port>
	//       <socketType>STARTTLS</socketType>
	//       <authentication>password-cleartext</authentication>
	//       <username>%EMAILADDRESS%</username>
	//       <useGlobalPreferredServer>false</useGlobalPreferredServer>
	//     </outgoingServer>
	//   </emailProvider>
	// </clientConfig>
}

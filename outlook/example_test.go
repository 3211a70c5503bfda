package outlook_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/outlook"
)

func ExampleParseRequest() {
	req, err := outlook.ParseRequest(strings.NewReader(outlookBody))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.EMailAddress)
	fmt.Println(req.AcceptableResponseSchema == outlook.NamespaceOutlookResponse)
	// Output:
	// info@example.co.jp
	// true
}

func ExampleGenerate() {
	site, err := mailprofile.Parse("site.yaml", []byte(`
domain: example.co.jp
servers:
  new:
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
accounts:
  - address: info@example.co.jp
`))
	if err != nil {
		log.Fatal(err)
	}
	info, err := site.Account("info@example.co.jp")
	if err != nil {
		log.Fatal(err)
	}
	p, err := site.Settings("new", info)
	if err != nil {
		log.Fatal(err)
	}
	data, err := outlook.Generate(p, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	// Output:
	// <?xml version="1.0" encoding="utf-8"?>
	// <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
	//   <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
	//     <Account>
	//       <AccountType>email</AccountType>
	//       <Action>settings</Action>
	//       <Protocol>
	//         <Type>IMAP</Type>
	//         <Server>sv1234.example-host.jp</Server>
	//         <Port>993</Port>
	//         <DomainRequired>off</DomainRequired>
	//         <LoginName>info@example.co.jp</LoginName>
	//         <SPA>off</SPA>
	//         <SSL>on</SSL>
	//         <Encryption>SSL</Encryption>
	//         <AuthRequired>on</AuthRequired>
	//       </Protocol>
	//       <Protocol>
	//         <Type>SMTP</Type>
	//         <Server>sv1234.example-host.jp</Server>
	//         <Port>587</Port>
	//         <DomainRequired>off</DomainRequired>
	//         <LoginName>info@example.co.jp</LoginName>
	//         <SPA>off</SPA>
	//         <SSL>on</SSL>
	//         <Encryption>TLS</Encryption>
	//         <AuthRequired>on</AuthRequired>
	//         <UsePOPAuth>on</UsePOPAuth>
	//         <SMTPLast>off</SMTPLast>
	//       </Protocol>
	//     </Account>
	//   </Response>
	// </Autodiscover>
}

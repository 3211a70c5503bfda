package thunderbirdmobile_test

import (
	"fmt"
	"log"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/thunderbirdmobile"
)

func ExampleGenerate() {
	site, err := mailprofile.Parse("site.yaml", []byte(`
domain: example.co.jp
servers:
  new:
    label: new server
    incoming: [{protocol: imap, host: sv1234.example-host.jp}]
    outgoing: [{host: sv1234.example-host.jp, port: 587}]
`))
	if err != nil {
		log.Fatal(err)
	}
	st, err := site.Settings("new", &mailprofile.Account{Address: "info@example.co.jp", Name: "Reception"})
	if err != nil {
		log.Fatal(err)
	}
	payload, err := thunderbirdmobile.Generate(st, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(payload)) // what the QR code holds
	// Output:
	// [1,[1,1],[0,"sv1234.example-host.jp",993,3,1,"info@example.co.jp","info@example.co.jp — new server"],[[[0,"sv1234.example-host.jp",587,2,1,"info@example.co.jp"],["info@example.co.jp","Reception"]]]]
}

package setup_test

import (
	"bytes"
	"fmt"
	"log"
	"regexp"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/setup"
)

func ExamplePage() {
	site, err := mailprofile.Load("../examples/migration.yaml")
	if err != nil {
		log.Fatal(err)
	}
	var page bytes.Buffer
	yamada, err := site.Account("yamada@example.co.jp")
	if err != nil {
		log.Fatal(err)
	}
	err = setup.Page(&page, site, yamada, &setup.Options{Lang: "en"})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`<h2 id="\w+">([^<]+)</h2>`).FindAllStringSubmatch(page.String(), -1) {
		fmt.Println(m[1])
	}
	// Output:
	// What is happening
	// iPhone, iPad and Mac
	// Thunderbird (Android/iOS)
	// Any other mail program
	// Thunderbird (computer)
	// Outlook
	// Your current account
	// After the move
}

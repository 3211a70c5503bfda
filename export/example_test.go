package export_test

import (
	"fmt"
	"log"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
)

func ExamplePlan_Each() {
	site, err := mailprofile.Load("../examples/migration.yaml")
	if err != nil {
		log.Fatal(err)
	}
	plan, err := export.NewPlan(site, &export.Options{
		Sets:     []string{"old", "new"},
		Accounts: []string{"info@example.co.jp"},
	})
	if err != nil {
		log.Fatal(err)
	}
	err = plan.Each(func(f export.File) error {
		fmt.Println(f.Path)
		return nil
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// isp/old/example.co.jp.xml
	// isp/new/example.co.jp.xml
	// info@example.co.jp/thunderbird-old.xml
	// info@example.co.jp/autodiscover-old.xml
	// info@example.co.jp/thunderbird-new.xml
	// info@example.co.jp/autodiscover-new.xml
	// info@example.co.jp/info@example.co.jp.mobileconfig
}

// Library shows mailprofile used as a Go library: it loads the bundled
// migration example and prints, for every person, the servers of the
// account to add and the Apple profile's size, without writing files.
//
//	go run ./examples/library
package main

import (
	"fmt"
	"log"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

func main() {
	site, err := mailprofile.Load("examples/migration.yaml")
	if err != nil {
		log.Fatal(err) // every problem, each with file:line: field
	}
	for _, w := range site.Warnings() {
		fmt.Println("warning:", w)
	}
	err = site.EachAccount(func(a *mailprofile.Account) error { // the CSV's accounts too, one at a time
		p, err := site.Settings("", a) // "": the set being moved to
		if err != nil {
			return err
		}
		tb, err := thunderbird.Generate(p, nil)
		if err != nil {
			return err
		}
		ol, err := outlook.Generate(p, nil)
		if err != nil {
			return err
		}
		mc, err := apple.Generate([]*mailprofile.Settings{p}, nil)
		if err != nil {
			return err
		}
		in, out := p.Incoming[0], p.Outgoing[0]
		fmt.Printf("%s\n  %s %s:%d (%s), login %s\n  SMTP %s:%d (%s)\n  files: Thunderbird %d bytes, Autodiscover %d bytes, Apple %d bytes\n",
			p.Description(), in.Protocol, in.Host, in.Port, in.Security, in.Username,
			out.Host, out.Port, out.Security, len(tb), len(ol), len(mc))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

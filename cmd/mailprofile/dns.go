package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/dnsrecords"
)

func runDNS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newFlags("dns", "-c FILE [--set NAME] [--ttl SECONDS] [--format zone|json]",
		`Dns prints the DNS records the domain should publish so that mail clients
find their settings: autoconfig and autodiscover pointing at mailprofile
serve (from the description's discovery), _autodiscover._tcp, and the SRV
records of RFC 6186/8314 for IMAP, POP3 and submission ("." where a service
is not offered). During a move it adds, as comments, when to lower the MX
record's TTL and how long to keep the old server.`,
		stdout, stderr)
	config := f.String("c", "", "the description `file` (YAML)")
	set := f.String("set", "", "the server `set` to publish (default: the set moved to)")
	ttl := f.Int("ttl", 0, "time to live of every record in `seconds` (default: discovery.ttl, or 3600)")
	format := f.String("format", "zone", "output `format`: zone (zone-file lines) or json")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "":
		return f.fail("-c FILE is required")
	case *format != "zone" && *format != "json":
		return f.fail("--format must be zone or json, not %q", *format)
	case *ttl < 0:
		return f.fail("--ttl must not be negative")
	}
	site, err := mailprofile.Load(*config)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	z, err := dnsrecords.For(site, &dnsrecords.Options{Set: *set, TTL: *ttl})
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile dns: %v\n", err)
		return exitFailure
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(z)
	} else {
		_, err = z.WriteTo(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile dns: %v\n", err)
		return exitFailure
	}
	return exitOK
}

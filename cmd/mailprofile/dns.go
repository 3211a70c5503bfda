package main

import (
	"context"
	"encoding/json"

	"github.com/mailprofile/mailprofile/dnsrecords"
)

func runDNS(ctx context.Context, e *env, args []string) int {
	stdout := e.stdout
	f := newFlags("dns", "-c FILE|- [--set NAME] [--ttl SECONDS] [--format zone|json]",
		`Dns prints the DNS records the domain should publish so that mail clients
find their settings: autoconfig and autodiscover pointing at mailprofile
serve (from the description's discovery), _autodiscover._tcp, and the SRV
records of RFC 6186/8314 for IMAP, POP3 and submission ("." where a service
is not offered). During a move it adds, as comments, when to lower the MX
record's TTL and how long to keep the old server.`,
		e)
	config := f.String("c", "", "the description `file` (YAML), or - for standard input")
	set := f.String("set", "", "the server `set` to publish (default: the set moved to)")
	var ttl secondsFlag
	f.Var(&ttl, "ttl", "time to live of every record, in seconds (3600) or as a `duration` (1h) (default: discovery.ttl, or 3600)")
	format := f.String("format", "zone", "output `format`: zone (zone-file lines) or json")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "":
		return f.fail("-c FILE is required")
	case *format != "zone" && *format != "json":
		return f.fail("--format must be zone or json, not %q", *format)
	}
	site, err := loadSite(ctx, e, *config)
	if err != nil {
		return failed(e, "dns", err)
	}
	z, err := dnsrecords.For(site, &dnsrecords.Options{Set: *set, TTL: int(ttl)})
	if err != nil {
		return failed(e, "dns", err)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(z)
	} else {
		_, err = z.WriteTo(stdout)
	}
	if err != nil {
		return failed(e, "dns", err)
	}
	return exitOK
}

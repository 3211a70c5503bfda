// Package dnsrecords lists the DNS records a mail domain publishes so that
// clients find its settings by themselves: autoconfig and autodiscover names
// pointing at the served endpoint, the _autodiscover._tcp SRV record
// (MS-OXDISCO), and the SRV records of RFC 6186 and RFC 8314 for IMAP, POP3
// and submission, with the advice that belongs with them during a move.
//
// Records are in presentation form, names fully qualified and in ASCII;
// Zone.WriteTo writes them as zone-file lines that BIND's named-checkzone
// and other zone parsers read.
package dnsrecords

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile"
)

// DefaultTTL is the time to live of the records when neither the options
// nor the description give one.
const DefaultTTL = 3600

// Record is one DNS resource record.
type Record struct {
	Name string `json:"name"` // fully qualified, ending in "."
	TTL  int    `json:"ttl"`
	Type string `json:"type"` // CNAME, A, AAAA or SRV
	Data string `json:"data"` // e.g. "0 1 993 sv1234.example-host.jp."
}

// String returns the record as a zone-file line.
func (r Record) String() string {
	return fmt.Sprintf("%s\t%d\tIN\t%s\t%s", r.Name, r.TTL, r.Type, r.Data)
}

// Zone is what one domain should publish.
type Zone struct {
	Domain  string   `json:"domain"` // ASCII form
	Set     string   `json:"set"`    // the server set the records describe
	Records []Record `json:"records"`

	// Notes are the advice and the records that cannot be published (an
	// SRV record cannot name an IP address), for people.
	Notes []string `json:"notes"`
}

// Options are the choices of For. A nil *Options is the zero value.
type Options struct {
	// Set is the server set to publish. The zero value means the site's
	// DefaultSet: during a migration, the set being moved to.
	Set string

	// TTL overrides the time to live of every record. The zero value means
	// the description's discovery.ttl, or DefaultTTL.
	TTL int
}

// For lists the records site should publish.
func For(site *mailprofile.Site, opts *Options) (*Zone, error) {
	if opts == nil {
		opts = &Options{}
	}
	set, err := site.LookupSet(opts.Set)
	if err != nil {
		return nil, err
	}
	ttl := DefaultTTL
	if site.Discovery != nil && site.Discovery.TTL > 0 {
		ttl = site.Discovery.TTL
	}
	if opts.TTL > 0 {
		ttl = opts.TTL
	}
	z := &Zone{Domain: site.Domain, Set: set.Name}
	origin := site.Domain + "."
	add := func(name, typ, data string) {
		z.Records = append(z.Records, Record{Name: name + origin, TTL: ttl, Type: typ, Data: data})
	}

	// Discovery: autoconfig, autodiscover and its SRV record.
	if d := site.Discovery; d != nil {
		target := "autodiscover." + origin
		if d.Host != "" {
			add("autoconfig.", "CNAME", d.Host+".")
			add("autodiscover.", "CNAME", d.Host+".")
			target = d.Host + "."
		} else {
			for _, name := range []string{"autoconfig.", "autodiscover."} {
				for _, a := range d.Addresses {
					typ := "A"
					if strings.Contains(a, ":") {
						typ = "AAAA"
					}
					add(name, typ, a)
				}
			}
		}
		add("_autodiscover._tcp.", "SRV", "0 0 443 "+target)
	} else {
		z.note("No discovery in the description: add discovery.host (or discovery.addresses) to publish autoconfig.%s and autodiscover.%s for mailprofile serve.", site.Domain, site.Domain)
	}

	// RFC 6186 and RFC 8314: one name per service, "." where a service is
	// not offered. The priority is the server's place in the description,
	// used across the services as RFC 6186 section 3.4 says.
	services := []struct {
		label    string
		protocol mailprofile.Protocol
		tls      bool
		servers  []mailprofile.Server
	}{
		{"_imaps._tcp.", mailprofile.ProtocolIMAP, true, set.Incoming},
		{"_imap._tcp.", mailprofile.ProtocolIMAP, false, set.Incoming},
		{"_pop3s._tcp.", mailprofile.ProtocolPOP3, true, set.Incoming},
		{"_pop3._tcp.", mailprofile.ProtocolPOP3, false, set.Incoming},
		{"_submissions._tcp.", mailprofile.ProtocolSMTP, true, set.Outgoing},
		{"_submission._tcp.", mailprofile.ProtocolSMTP, false, set.Outgoing},
	}
	for _, svc := range services {
		offered := false
		for prio, srv := range svc.servers {
			if srv.Protocol != svc.protocol || (srv.Security == mailprofile.SecurityTLS) != svc.tls {
				continue
			}
			offered = true
			if mailprofile.IsIP(srv.Host) {
				z.note("%s%s is not published: %s is an IP address, and an SRV record must name a host.", svc.label, origin, srv.Host)
				continue
			}
			add(svc.label, "SRV", fmt.Sprintf("%d 1 %d %s.", prio, srv.Port, srv.Host))
		}
		if !offered {
			add(svc.label, "SRV", "0 0 0 .")
		}
	}

	// The advice that goes with DNS during a move.
	if m := site.Migration; m != nil {
		when := "at least a day before the switch"
		if !m.SwitchDate.IsZero() {
			when = "by " + m.SwitchDate.Add(-24*time.Hour).Format(time.DateOnly) + ", a day before the switch on " + m.SwitchDate.Format(time.DateOnly)
		}
		z.note("Lower the TTL of the MX record (to 300 seconds, say) %s, so that the change reaches everyone quickly; raise it again afterwards.", when)
		old := site.Set(m.From)
		until := "until the overlap ends"
		if !m.OverlapEnd.IsZero() {
			until = "until " + m.OverlapEnd.Format(time.DateOnly)
		}
		z.note("Keep the old server (%s) receiving mail %s: resolvers that still have the old MX deliver there, and people keep the old account beside the new one.", old.DisplayLabel(), until)
		z.note("These records describe the set %q (%s).", set.Name, set.DisplayLabel())
	}
	return z, nil
}

func (z *Zone) note(format string, args ...any) {
	z.Notes = append(z.Notes, fmt.Sprintf(format, args...))
}

// WriteTo writes the zone as zone-file lines: the notes as comments, then
// one record per line.
func (z *Zone) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "; DNS records for %s, server set %q, made by mailprofile.\n", z.Domain, z.Set)
	for _, n := range z.Notes {
		fmt.Fprintf(&b, "; %s\n", n)
	}
	for _, r := range z.Records {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

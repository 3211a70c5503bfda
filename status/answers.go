package status

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/dnsrecords"
)

// Class tells an answer apart by whose hosts it names.
type Class string

// The classes of an answer.
const (
	ClassNew   Class = "new"   // only the new set's hosts (and perhaps others)
	ClassOld   Class = "old"   // the old set's hosts, and none of the new set's
	ClassMixed Class = "mixed" // both sets' hosts, or a host of both
	ClassOther Class = "other" // hosts of neither set
	ClassNone  Class = "none"  // no records
	ClassError Class = "error" // no answer at all
)

// Source is the server an answer came from.
type Source struct {
	Kind   string `json:"kind"`         // authoritative, system or resolver
	Server string `json:"server"`       // e.g. "ns1.example.jp (192.0.2.53:53, authoritative)"
	NS     string `json:"ns,omitempty"` // the name server's name, for an authoritative one
}

// Answer is one server's answer to one question.
type Answer struct {
	Name   string   `json:"name"` // fully qualified, ending in "."
	Type   string   `json:"type"` // MX, A, AAAA or SRV
	Source Source   `json:"source"`
	Values []string `json:"values"`
	TTL    int      `json:"ttl"` // seconds; the smallest of the records
	Class  Class    `json:"class"`
	Error  string   `json:"error,omitempty"`

	mail bool // the MX or the address of an MX host in the domain: where mail goes
}

// blocks reports whether the answer keeps the old server needed: an MX
// that does not name the new set, or any answer that names the old one.
func (a Answer) blocks() bool {
	if a.Type == "MX" {
		return a.Class != ClassNew
	}
	return a.Class == ClassOld || a.Class == ClassMixed
}

// hosts are the names and addresses of one set's servers.
type hosts struct {
	names map[string]bool
	addrs map[string]bool
}

// dnsRun asks every question at every source.
type dnsRun struct {
	site      *mailprofile.Site
	from, to  *mailprofile.ServerSet
	resolvers []source
	ask       *asker
}

// question is one name and type, with the hosts its answers are told
// apart by.
type question struct {
	name     string
	qtype    uint16
	old, new hosts
	mail     bool
}

func (d *dnsRun) run(ctx context.Context, r *Report) {
	auth, err := d.ask.authorities(ctx, d.resolvers, d.site.Domain)
	sources := slices.Clone(auth)
	if err != nil {
		r.Notes = append(r.Notes, "The authoritative name servers: "+err.Error())
	}
	sources = append(sources, d.resolvers...)

	receiving := func(set *mailprofile.ServerSet) []string {
		if len(set.Receives) > 0 {
			return set.Receives
		}
		return serverHosts(set.Incoming)
	}
	all := func(set *mailprofile.ServerSet) []string {
		return append(serverHosts(set.Incoming), serverHosts(set.Outgoing)...)
	}
	mxOld, mxNew := d.hosts(ctx, r, receiving(d.from)), d.hosts(ctx, r, receiving(d.to))
	srvOld, srvNew := d.hosts(ctx, r, all(d.from)), d.hosts(ctx, r, all(d.to))
	discNew := srvNew
	if disc := d.site.Discovery; disc != nil {
		discNew = d.hosts(ctx, r, append(append(all(d.to), disc.Addresses...), nonEmpty(disc.Host)...))
	}

	domain := dns.Fqdn(d.site.Domain)
	questions := []question{{name: domain, qtype: dns.TypeMX, old: mxOld, new: mxNew, mail: true}}
	answers := d.askAll(ctx, sources, questions)

	// The MX hosts in the domain itself: their addresses are where the
	// switch often happens (mail.example.jp moves, the MX stays).
	var targets []string
	for _, a := range answers {
		for _, v := range a.Values {
			if t := target(v); dns.IsSubDomain(domain, dns.Fqdn(t)) && !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
	}
	slices.Sort(targets)
	questions = nil
	for _, t := range targets {
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			questions = append(questions, question{name: dns.Fqdn(t), qtype: qt, old: mxOld, new: mxNew, mail: true})
		}
	}
	for _, label := range []string{"autoconfig.", "autodiscover."} {
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			questions = append(questions, question{name: label + domain, qtype: qt, old: srvOld, new: discNew})
		}
	}
	if z, err := dnsrecords.For(d.site, &dnsrecords.Options{Set: d.to.Name}); err == nil {
		for _, rec := range z.Records {
			if rec.Type == "SRV" {
				news := srvNew
				if strings.HasPrefix(rec.Name, "_autodiscover.") {
					news = discNew
				}
				questions = append(questions, question{name: rec.Name, qtype: dns.TypeSRV, old: srvOld, new: news})
			}
		}
	}
	r.DNS = append(answers, d.askAll(ctx, sources, questions)...)
}

// askAll asks every question at every source, concurrently, and returns
// the answers in the order of the questions and then the sources.
func (d *dnsRun) askAll(ctx context.Context, sources []source, questions []question) []Answer {
	out := make([]Answer, len(questions)*len(sources))
	var wg sync.WaitGroup
	limit := make(chan struct{}, 8)
	for i, q := range questions {
		for j, src := range sources {
			wg.Go(func() {
				limit <- struct{}{}
				defer func() { <-limit }()
				out[i*len(sources)+j] = d.answer(ctx, src, q)
			})
		}
	}
	wg.Wait()
	return out
}

// answer asks q at src and classifies what comes back.
func (d *dnsRun) answer(ctx context.Context, src source, q question) Answer {
	a := Answer{Name: q.name, Type: dns.TypeToString[q.qtype], Source: Source{Kind: src.kind, Server: src.String(), NS: src.name}, mail: q.mail}
	recurse := src.kind != "authoritative"
	m, err := d.ask.ask(ctx, src.addr, q.name, q.qtype, recurse)
	if err != nil {
		a.Class, a.Error = ClassError, err.Error()
		return a
	}
	vals, ttl := records(m, q.name, q.qtype)
	a.Values, a.TTL = vals, int(ttl)
	var hasOld, hasNew bool
	for _, v := range vals {
		hasOld = d.match(ctx, src, v, q.old) || hasOld
		hasNew = d.match(ctx, src, v, q.new) || hasNew
	}
	switch {
	case len(vals) == 0:
		a.Class = ClassNone
	case hasOld && hasNew:
		a.Class = ClassMixed
	case hasOld:
		a.Class = ClassOld
	case hasNew:
		a.Class = ClassNew
	default:
		a.Class = ClassOther
	}
	return a
}

// match reports whether the host a value names is one of h: by its name,
// else by its addresses, asked at the same source for a name in the
// domain and at the resolvers for any other.
func (d *dnsRun) match(ctx context.Context, src source, value string, h hosts) bool {
	t := strings.ToLower(target(value))
	if t == "" {
		return false
	}
	if ip, err := netip.ParseAddr(t); err == nil {
		return h.addrs[ip.String()]
	}
	if h.names[t] {
		return true
	}
	var addrs []string
	if src.kind == "authoritative" && dns.IsSubDomain(dns.Fqdn(d.site.Domain), dns.Fqdn(t)) {
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			if m, err := d.ask.ask(ctx, src.addr, t, qt, false); err == nil {
				vals, _ := records(m, t, qt)
				addrs = append(addrs, vals...)
			}
		}
	} else {
		srcs := d.resolvers
		if src.kind != "authoritative" {
			srcs = []source{src}
		}
		addrs, _ = d.ask.addresses(ctx, srcs, t)
	}
	return slices.ContainsFunc(addrs, func(a string) bool { return h.addrs[a] })
}

// hosts are the names and addresses of a set's hosts: names as given, and
// their addresses from the resolvers, leaving out names in the domain
// itself, which are what is being switched.
func (d *dnsRun) hosts(ctx context.Context, r *Report, list []string) hosts {
	h := hosts{names: map[string]bool{}, addrs: map[string]bool{}}
	for _, host := range list {
		host = strings.ToLower(strings.TrimSuffix(host, "."))
		if ip, err := netip.ParseAddr(host); err == nil {
			h.addrs[ip.String()] = true
			continue
		}
		if dns.IsSubDomain(dns.Fqdn(d.site.Domain), dns.Fqdn(host)) {
			note := "The server " + host + " is named inside the domain being moved: its name and its address are what the switch changes, so answers are not told apart by it. List the provider's host names or the IP addresses under servers.SET.receives."
			if !slices.Contains(r.Notes, note) {
				r.Notes = append(r.Notes, note)
			}
			continue
		}
		h.names[host] = true
		addrs, err := d.ask.addresses(ctx, d.resolvers, host)
		if err != nil {
			continue
		}
		for _, a := range addrs {
			h.addrs[a] = true
		}
	}
	return h
}

func serverHosts(servers []mailprofile.Server) []string {
	var out []string
	for _, s := range servers {
		out = append(out, s.Host)
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

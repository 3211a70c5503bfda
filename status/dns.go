package status

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// A source is a DNS server that status asks: one of the domain's
// authoritative servers (asked without recursion), the system resolver,
// or a resolver given on the command line.
type source struct {
	kind string // "authoritative", "system", "resolver"
	name string // the server's name (authoritative) or "" (resolvers)
	addr string // host:port
}

func (s source) String() string {
	if s.name != "" {
		return fmt.Sprintf("%s (%s, %s)", strings.TrimSuffix(s.name, "."), s.addr, s.kind)
	}
	return fmt.Sprintf("%s (%s)", s.addr, s.kind)
}

// asker sends DNS questions with a deadline each, and remembers answers so
// that the same question to the same server is asked once per run.
type asker struct {
	timeout time.Duration
	mu      sync.Mutex
	cache   map[string]*dns.Msg
}

func newAsker(timeout time.Duration) *asker {
	return &asker{timeout: timeout, cache: make(map[string]*dns.Msg)}
}

// ask sends one question to addr, over UDP and again over TCP when the
// answer was cut. recurse sets the RD bit: resolvers recurse,
// authoritative servers are asked for what they hold themselves.
func (a *asker) ask(ctx context.Context, addr, name string, qtype uint16, recurse bool) (*dns.Msg, error) {
	key := fmt.Sprintf("%s %s %d %t", addr, name, qtype, recurse)
	a.mu.Lock()
	if m, ok := a.cache[key]; ok {
		a.mu.Unlock()
		return m, nil
	}
	a.mu.Unlock()

	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	q.RecursionDesired = recurse
	q.SetEdns0(1232, false)
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	c := &dns.Client{Timeout: a.timeout}
	m, _, err := c.ExchangeContext(ctx, q, addr)
	if err == nil && m.Truncated {
		c.Net = "tcp"
		m, _, err = c.ExchangeContext(ctx, q, addr)
	}
	if err != nil {
		return nil, fmt.Errorf("no answer from %s: %w", addr, err)
	}
	if m.Rcode != dns.RcodeSuccess && m.Rcode != dns.RcodeNameError {
		return nil, fmt.Errorf("%s answered %s", addr, dns.RcodeToString[m.Rcode])
	}
	a.mu.Lock()
	a.cache[key] = m
	a.mu.Unlock()
	return m, nil
}

// records are the records of type qtype that answer name in m, following
// the CNAME chain in the answer; the CNAME targets come first, as values
// too, since a name that points elsewhere is an answer in itself.
func records(m *dns.Msg, name string, qtype uint16) (values []string, ttl uint32) {
	name = dns.Fqdn(strings.ToLower(name))
	ttl = ^uint32(0)
	for range 8 { // a chain longer than this is not followed
		next := ""
		for _, rr := range m.Answer {
			h := rr.Header()
			if !strings.EqualFold(h.Name, name) {
				continue
			}
			var v string
			switch r := rr.(type) {
			case *dns.CNAME:
				if qtype == dns.TypeCNAME {
					v = r.Target
				} else {
					next = strings.ToLower(r.Target)
					v = "CNAME " + r.Target
				}
			case *dns.A:
				if qtype == dns.TypeA {
					v = r.A.String()
				}
			case *dns.AAAA:
				if qtype == dns.TypeAAAA {
					v = r.AAAA.String()
				}
			case *dns.MX:
				if qtype == dns.TypeMX {
					v = fmt.Sprintf("%d %s", r.Preference, strings.ToLower(r.Mx))
				}
			case *dns.SRV:
				if qtype == dns.TypeSRV {
					v = fmt.Sprintf("%d %d %d %s", r.Priority, r.Weight, r.Port, strings.ToLower(r.Target))
				}
			}
			if v != "" {
				values = append(values, v)
				ttl = min(ttl, h.Ttl)
			}
		}
		if next == "" {
			break
		}
		name = next
	}
	if len(values) == 0 {
		ttl = 0
	}
	// Servers rotate the order of a record set: sort it, after the CNAMEs
	// (which are in the order of the chain).
	n := 0
	for n < len(values) && strings.HasPrefix(values[n], "CNAME ") {
		n++
	}
	slices.Sort(values[n:])
	return values, ttl
}

// target is the host a value names: the MX exchange, the SRV target, the
// CNAME target, or the address itself.
func target(value string) string {
	f := strings.Fields(value)
	if len(f) == 0 {
		return ""
	}
	return strings.TrimSuffix(f[len(f)-1], ".")
}

// authorities finds the domain's authoritative servers by asking the
// resolvers for its NS records: from the answer of a resolver that
// recurses, or from the referral of a parent zone's server, whose glue
// gives the addresses. A server's addresses come from the glue, else from
// the resolver.
func (a *asker) authorities(ctx context.Context, resolvers []source, domain string) ([]source, error) {
	var lastErr error
	for _, r := range resolvers {
		m, err := a.ask(ctx, r.addr, domain, dns.TypeNS, true)
		if err != nil {
			lastErr = err
			continue
		}
		var names []string
		for _, rr := range append(slices.Clip(m.Answer), m.Ns...) {
			if ns, ok := rr.(*dns.NS); ok && strings.EqualFold(ns.Hdr.Name, dns.Fqdn(domain)) {
				names = append(names, strings.ToLower(ns.Ns))
			}
		}
		if len(names) == 0 {
			lastErr = fmt.Errorf("%s gave no NS records for %s", r.addr, domain)
			continue
		}
		slices.Sort(names)
		names = slices.Compact(names)
		var out []source
		for _, n := range names {
			addrs := glue(m, n)
			if len(addrs) == 0 {
				addrs, err = a.addresses(ctx, resolvers, n)
				if err != nil {
					return nil, fmt.Errorf("the address of the name server %s: %w", n, err)
				}
			}
			for _, ip := range addrs {
				out = append(out, source{kind: "authoritative", name: n, addr: net.JoinHostPort(ip, "53")})
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("the name servers of %s: %w", domain, lastErr)
}

// glue is the addresses of name in the additional section of m.
func glue(m *dns.Msg, name string) []string {
	var out []string
	for _, rr := range m.Extra {
		if !strings.EqualFold(rr.Header().Name, name) {
			continue
		}
		switch r := rr.(type) {
		case *dns.A:
			out = append(out, r.A.String())
		case *dns.AAAA:
			out = append(out, r.AAAA.String())
		}
	}
	return out
}

// addresses resolves a host name to its IPv4 and IPv6 addresses through
// the first resolver that answers. An IP address is its own address.
func (a *asker) addresses(ctx context.Context, resolvers []source, host string) ([]string, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []string{ip.String()}, nil
	}
	lastErr := fmt.Errorf("no resolver to ask")
	for _, r := range resolvers {
		var out []string
		ok := false
		for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
			m, err := a.ask(ctx, r.addr, host, t, true)
			if err != nil {
				lastErr = err
				continue
			}
			ok = true
			vals, _ := records(m, host, t)
			for _, v := range vals {
				if !strings.HasPrefix(v, "CNAME ") {
					out = append(out, v)
				}
			}
		}
		if ok {
			return out, nil
		}
	}
	return nil, lastErr
}

// systemResolvers reads the name servers of a resolv.conf file.
func systemResolvers(file string) ([]source, error) {
	conf, err := dns.ClientConfigFromFile(file)
	if err != nil {
		return nil, fmt.Errorf("the system resolver: %w", err)
	}
	var out []source
	for _, s := range conf.Servers {
		out = append(out, source{kind: "system", addr: net.JoinHostPort(s, conf.Port)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the system resolver: %s names no nameserver", file)
	}
	return out, nil
}

// resolverAddr is ADDR[:PORT] as host:port, port 53 by default.
func resolverAddr(s string) (string, error) {
	if ip, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return net.JoinHostPort(ip.String(), "53"), nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return "", fmt.Errorf("resolver %q is not an IP address with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)", s)
	}
	return ap.String(), nil
}

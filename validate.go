package mailprofile

import (
	"fmt"
	"hash/maphash"
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Validate checks the description and fills in what it leaves to defaults:
// ports, security implied by a port, authentication, user names, POP3
// options, and the ASCII forms of the domain, hosts and addresses. It
// returns every problem at once as an ErrorList, or nil. Generators expect a
// validated Site.
//
// The accounts of AccountsCSV are read from the file and checked, but not
// kept: only a map from a hash of each address to where it is, for the
// duplicate check, lives while Validate runs (a few dozen bytes a person).
func (s *Site) Validate() error {
	s.index.reset()
	v := &validator{site: s, seen: make(map[uint64]firstSeen), exact: make(map[string]firstSeen), seed: maphash.MakeSeed()}
	v.domain()
	v.sets()
	v.migration()
	v.discovery()
	v.page()
	v.accounts()
	return v.errs.Err()
}

type validator struct {
	site     *Site
	errs     ErrorList
	domainOK bool

	// The duplicate check: where each address was first listed, by the
	// hash of its addressKey; an address whose hash an earlier, different
	// address has is kept in exact. A nil seen means no duplicate check.
	seen   map[uint64]firstSeen
	exact  map[string]firstSeen
	seed   maphash.Seed
	csvRow rowRef // where the CSV account being checked is
}

func (v *validator) fail(pos Pos, field, format string, args ...any) {
	v.errs.add(pos, field, format, args...)
}

func (v *validator) domain() {
	s := v.site
	if s.Domain == "" {
		v.fail(s.Source.at("domain"), "domain", "is required (the mail domain, e.g. example.co.jp)")
		return
	}
	d, err := normalizeDomain(s.Domain)
	if err != nil {
		v.fail(s.Source.at("domain"), "domain", "%v", err)
		return
	}
	if len(d)+len(".xml") > 255 {
		// Thunderbird reads isp/DOMAIN.xml, a name no file system has room for.
		v.fail(s.Source.at("domain"), "domain", "%s is %d characters long: Thunderbird's file for it, %s.xml, would be longer than a file name may be (255 bytes)", clipped(d), len(d), clipped(d))
		return
	}
	s.Domain = d
	v.domainOK = true
}

func (v *validator) sets() {
	s := v.site
	if len(s.Sets) == 0 {
		v.fail(s.Source.at("servers"), "servers", "needs at least one server set (e.g. new: with incoming: and outgoing:)")
		return
	}
	seen := make(map[string]bool)
	for _, set := range s.Sets {
		path := set.Source.pathOr("servers." + clipped(set.Name))
		switch {
		case !validSetName(set.Name):
			v.fail(set.Source.Pos, path, "%q is not a usable set name (use up to 64 letters, digits, - and _)", clipped(set.Name))
		case seen[set.Name]:
			v.fail(set.Source.Pos, path, "a set with this name is already defined")
		}
		seen[set.Name] = true
		v.labels(set, path)
		if len(set.Incoming) == 0 {
			v.fail(set.Source.at("incoming"), joinPath(path, "incoming"), "needs at least one IMAP or POP3 server")
		}
		if len(set.Outgoing) == 0 {
			v.fail(set.Source.at("outgoing"), joinPath(path, "outgoing"), "needs at least one SMTP server")
		}
		for i := range set.Incoming {
			v.server(&set.Incoming[i], fmt.Sprintf("%s.incoming[%d]", path, i), true, false)
		}
		for i := range set.Outgoing {
			v.server(&set.Outgoing[i], fmt.Sprintf("%s.outgoing[%d]", path, i), false, set.AllowLegacySubmission)
		}
		for i, h := range set.Receives {
			n, err := normalizeHost(h)
			if err != nil {
				v.fail(set.Source.at("receives"), fmt.Sprintf("%s.receives[%d]", path, i), "%v", err)
				continue
			}
			set.Receives[i] = n
		}
		if m := s.Migration; set.AllowLegacySubmission && m != nil && m.To == set.Name {
			v.fail(set.Source.at("allow_legacy_submission"), joinPath(path, "allow_legacy_submission"),
				"is for a set that is only moved away from: the set being moved to must offer submission on 587 (starttls) or 465 (tls)")
		}
	}
}

// labels checks the labels per language and takes Label from them.
func (v *validator) labels(set *ServerSet, path string) {
	for _, lang := range slices.Sorted(maps.Keys(set.Labels)) {
		if lang != "ja" && lang != "en" {
			v.fail(set.Source.at("label."+lang), joinPath(path, "label"), "%q is not a language of the pages (ja, en)", clipped(lang))
		}
	}
	if set.Label == "" && len(set.Labels) > 0 {
		lang := v.site.Language
		if lang == "" {
			lang = "ja"
		}
		set.Label = set.Labels[lang]
		for _, l := range []string{"ja", "en"} {
			if set.Label == "" {
				set.Label = set.Labels[l]
			}
		}
	}
}

func validSetName(name string) bool {
	if name == "" || len(name) > 64 { // it goes into file names
		return false
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Standard ports: implicit TLS first, then the plain/STARTTLS port.
var standardPorts = map[Protocol][2]int{
	ProtocolIMAP: {993, 143},
	ProtocolPOP3: {995, 110},
	ProtocolSMTP: {465, 587},
}

// DefaultPort is the standard port for a protocol and security mode: IMAP
// 993/143, POP3 995/110, SMTP submission 465/587.
func DefaultPort(p Protocol, sec Security) int {
	ports, ok := standardPorts[p]
	if !ok {
		return 0
	}
	if sec == SecurityTLS {
		return ports[0]
	}
	return ports[1]
}

func (v *validator) server(srv *Server, path string, incoming, legacy bool) {
	sv := &serverCheck{validator: v, srv: srv, path: path, legacy: legacy}
	protoOK := sv.protocol(incoming)
	sv.host()
	secOK := sv.security(protoOK)
	sv.port(protoOK && secOK)
	sv.auth(incoming)
	sv.pop3(protoOK)
}

// serverCheck checks one server, filling in its defaults.
type serverCheck struct {
	*validator
	srv    *Server
	path   string
	legacy bool // the set allows legacy submission
}

// fail reports a problem with the field key of the server, at the line of
// the key at (which may be another key: a port that calls for a security).
func (c *serverCheck) fail(at, key, format string, args ...any) {
	c.validator.fail(c.srv.Source.at(at), joinPath(c.path, key), format, args...)
}

func (c *serverCheck) protocol(incoming bool) bool {
	p := c.srv.Protocol
	switch {
	case p == "" && !incoming:
		c.srv.Protocol = ProtocolSMTP // the only protocol for sending
		return true
	case p == "":
		c.fail("protocol", "protocol", "is required (imap or pop3)")
	case incoming && !p.Incoming():
		c.fail("protocol", "protocol", "%q is not an incoming protocol (use imap or pop3)", clipped(string(p)))
	case !incoming && p != ProtocolSMTP:
		c.fail("protocol", "protocol", "%q is not an outgoing protocol (use smtp)", clipped(string(p)))
	default:
		return true
	}
	return false
}

func (c *serverCheck) host() {
	if c.srv.Host == "" {
		c.fail("host", "host", "is required (a host name or an IP address)")
	} else if h, err := normalizeHost(c.srv.Host); err != nil {
		c.fail("host", "host", "%v", err)
	} else {
		c.srv.Host = h
	}
}

// security checks the security mode, or works it out from the port.
func (c *serverCheck) security(protoOK bool) bool {
	srv := c.srv
	switch srv.Security {
	case SecurityTLS, SecurityStartTLS:
	case SecurityNone:
		if !c.site.AllowInsecure {
			c.fail("security", "security", "none sends passwords and mail in plain text; use tls or starttls, or set allow_insecure: true")
		}
	case "":
		srv.Security = impliedSecurity(srv.Protocol, srv.Port)
		if srv.Security == "" && protoOK && !(srv.Protocol == ProtocolSMTP && srv.Port == 25 && !c.legacy) {
			c.fail("port", "security", "is required for port %d (tls or starttls)", srv.Port)
			return false
		}
	default:
		c.fail("security", "security", "%q is not one of tls, starttls, none", clipped(string(srv.Security)))
		return false
	}
	return true
}

// impliedSecurity is the security a standard port implies, TLS when there
// is no port, or "" when the port says nothing.
func impliedSecurity(p Protocol, port int) Security {
	ports, ok := standardPorts[p]
	switch {
	case port == 0:
		return SecurityTLS
	case ok && port == ports[0]:
		return SecurityTLS
	case ok && port == ports[1]:
		return SecurityStartTLS
	}
	return ""
}

// port fills in the default port and checks that it fits the security.
func (c *serverCheck) port(known bool) {
	srv := c.srv
	if srv.Port == 0 && known {
		srv.Port = DefaultPort(srv.Protocol, srv.Security)
	}
	ports := standardPorts[srv.Protocol]
	switch {
	case srv.Port < 0 || srv.Port > 65535:
		c.fail("port", "port", "%d is not a port", srv.Port)
	case srv.Protocol == ProtocolSMTP && srv.Port == 25 && !c.legacy:
		c.fail("port", "port", "25 is for mail between servers and is blocked on most networks; mail clients submit on 587 (starttls) or 465 (tls)")
	case !known:
	case srv.Protocol == ProtocolSMTP && c.legacy:
		// an old provider's own mix of port and TLS: Warnings say it
	case srv.Security == SecurityStartTLS && srv.Port == ports[0]:
		c.fail("port", "port", "%d is the %s port for TLS from the first byte; use security: tls, or port %d for starttls", srv.Port, srv.Protocol, ports[1])
	case srv.Security == SecurityTLS && srv.Port == ports[1]:
		c.fail("port", "port", "%d is the %s port for starttls; use security: starttls, or port %d for tls", srv.Port, srv.Protocol, ports[0])
	}
}

// auth checks the ways to log in and the user name pattern.
func (c *serverCheck) auth(incoming bool) {
	srv := c.srv
	if srv.Auth == "" && len(srv.AuthAlternatives) == 0 {
		srv.Auth = AuthPasswordCleartext
	}
	seen := make(map[Auth]bool)
	for _, a := range srv.Auths() {
		switch a {
		case AuthPasswordCleartext, AuthPasswordEncrypted, AuthOAuth2:
		case AuthNone:
			if incoming {
				c.fail("auth", "auth", "none is only possible for outgoing servers; an incoming server needs a login")
			}
		default:
			c.fail("auth", "auth", "%q is not one of password-cleartext, password-encrypted, oauth2, none", clipped(string(a)))
		}
		if seen[a] {
			c.fail("auth", "auth", "names %s twice", string(a))
		}
		seen[a] = true
	}
	switch {
	case !srv.NeedsLogin():
		srv.Username = ""
	case srv.Username == "":
		srv.Username = PlaceholderAddress
	default:
		if err := checkPattern(srv.Username); err != nil {
			c.fail("username", "username", "%v", err)
		}
	}
}

// pop3 fills in and checks the POP3 options.
func (c *serverCheck) pop3(protoOK bool) {
	srv := c.srv
	if srv.Protocol != ProtocolPOP3 {
		if srv.POP3 != nil && protoOK {
			c.fail("pop3", "pop3", "POP3 options are only for protocol pop3, not %s", srv.Protocol)
		}
		return
	}
	if srv.POP3 == nil {
		srv.POP3 = &POP3Options{}
	}
	if srv.POP3.LeaveOnServer == nil || srv.POP3.leaveByDefault {
		leave := true // as Thunderbird's own default: another device may want the mail
		srv.POP3.LeaveOnServer = &leave
		srv.POP3.leaveByDefault = true
	}
	if srv.POP3.KeepDays < 0 {
		c.fail("keep_days", "pop3.keep_days", "%d is not a number of days", srv.POP3.KeepDays)
	}
}

func (v *validator) migration() {
	s := v.site
	m := s.Migration
	if m == nil {
		return
	}
	path := m.Source.pathOr("migration")
	check := func(key, name string) bool {
		switch {
		case name == "":
			v.fail(m.Source.at(key), joinPath(path, key), "is required (the name of a server set)")
		case s.Set(name) == nil:
			v.fail(m.Source.at(key), joinPath(path, key), "%q is not a server set (have %s)", clipped(name), setNames(s))
		default:
			return true
		}
		return false
	}
	from, to := check("from", m.From), check("to", m.To)
	if from && to && m.From == m.To {
		v.fail(m.Source.at("to"), joinPath(path, "to"), "is the same set as from")
	}
	// The overlap ends on a day: compare it with the day of the switch, in
	// the zone the switch was given in.
	switchDay, _ := time.Parse(time.DateOnly, m.SwitchDate.Format(time.DateOnly))
	if !m.SwitchDate.IsZero() && !m.OverlapEnd.IsZero() && m.OverlapEnd.Before(switchDay) {
		v.fail(m.Source.at("overlap_until"), joinPath(path, "overlap_until"), "%s is before the switch date %s",
			m.OverlapEnd.Format("2006-01-02"), m.SwitchDate.Format("2006-01-02"))
	}
}

func (v *validator) discovery() {
	d := v.site.Discovery
	if d == nil {
		return
	}
	path := d.Source.pathOr("discovery")
	switch {
	case d.Host == "" && len(d.Addresses) == 0:
		v.fail(d.Source.Pos, path, "needs host (a name to point at) or addresses (IP addresses)")
	case d.Host != "" && len(d.Addresses) > 0:
		v.fail(d.Source.at("addresses"), joinPath(path, "addresses"), "give host or addresses, not both")
	case d.Host != "":
		if IsIP(strings.Trim(d.Host, "[]")) {
			v.fail(d.Source.at("host"), joinPath(path, "host"), "%q is an IP address: put it under addresses", clipped(d.Host))
		} else if h, err := toASCII(d.Host); err != nil {
			v.fail(d.Source.at("host"), joinPath(path, "host"), "%v", err)
		} else {
			d.Host = h
		}
	}
	for i, a := range d.Addresses {
		ip, err := netip.ParseAddr(strings.Trim(a, "[]"))
		if err != nil || ip.Zone() != "" {
			v.fail(d.Source.at("addresses"), fmt.Sprintf("%s.addresses[%d]", path, i), "%q is not an IP address", clipped(a))
			continue
		}
		d.Addresses[i] = ip.String()
	}
	if d.TTL < 0 || d.TTL > 1<<31-1 {
		v.fail(d.Source.at("ttl"), joinPath(path, "ttl"), "%d is not a time to live in seconds", d.TTL)
	}
}

func (v *validator) page() {
	s := v.site
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			v.fail(s.Source.at("base_url"), "base_url", "%q is not an http or https URL to link to (e.g. https://setup.example-host.jp)", s.BaseURL)
		} else {
			s.BaseURL = strings.TrimSuffix(u.String(), "/")
		}
	}
	switch s.Language {
	case "":
		s.Language = "ja"
	case "ja", "en":
	default:
		v.fail(s.Source.at("language"), "language", "%q is not ja or en", clipped(s.Language))
	}
}

func setNames(s *Site) string {
	names := make([]string, len(s.Sets))
	for i, set := range s.Sets {
		names[i] = set.Name
	}
	return strings.Join(names, ", ")
}

func (v *validator) accounts() {
	for i, a := range v.site.Accounts {
		v.account(a, i)
	}
	if v.site.AccountsCSV != "" {
		v.errs = append(v.errs, Errors(eachCSVAccount(v.site.AccountsCSV, func(a *Account, ref rowRef) error {
			v.csvRow = ref
			v.account(a, -1)
			return nil
		}))...)
	}
}

// account checks one account and normalises its address; i is its index in
// Site.Accounts, or -1 for an account from the CSV file.
func (v *validator) account(a *Account, i int) {
	s := v.site
	path := a.Source.pathOr(fmt.Sprintf("accounts[%d]", i))
	field := func(key string) string { return joinPath(path, key) }
	if a.Source.File != "" && a.Source.File != s.Source.File {
		// A CSV row: "row 4: address".
		field = func(key string) string { return path + ": " + key }
	}
	if a.Address == "" {
		v.fail(a.Source.at("address"), field("address"), "is required")
	} else if addr, err := normalizeAddress(a.Address); err != nil {
		v.fail(a.Source.at("address"), field("address"), "%v", err)
	} else {
		a.Address = addr
		if v.domainOK && domainPart(addr) != s.Domain && !s.AllowOtherDomains {
			v.fail(a.Source.at("address"), field("address"), "%s is not in the domain %s (set allow_other_domains: true to allow it)", addr, s.Domain)
		} else if v.seen != nil {
			if prev, ok := v.listedBefore(addressKey(addr), v.firstSeen(a, i)); ok {
				v.fail(a.Source.at("address"), field("address"), "%s is listed twice (first at %s)", addr, v.where(prev))
			}
		}
	}
	for _, set := range slices.Sorted(maps.Keys(a.Usernames)) {
		name := a.Usernames[set]
		key := "username." + set
		if set == "" {
			key = "username"
		}
		if set != "" && s.Set(set) == nil {
			v.fail(a.Source.at(key), field(key), "%q is not a server set (have %s)", clipped(set), setNames(s))
		} else if name == "" {
			v.fail(a.Source.at(key), field(key), "is empty")
		} else if err := checkPattern(name); err != nil {
			v.fail(a.Source.at(key), field(key), "%v", err)
		}
	}
	for _, set := range slices.Sorted(maps.Keys(a.Passwords)) {
		if set != "" && s.Set(set) == nil {
			// The key is not shown: a typo such as {new:hunter2} makes the
			// password part of it.
			hint := "write password: {SET: PASSWORD}, with a space after the colon"
			if a.Source.File != "" && a.Source.File != s.Source.File {
				hint = "the column is password, or password.SET"
			}
			v.fail(a.Source.at("password."+set), field("password"),
				"has a set name that is not a server set (have %s); it is not shown, as it may hold the password (%s)", setNames(s), hint)
		}
	}
	if a.Sets != nil && len(a.Sets) == 0 {
		v.fail(a.Source.at("sets"), field("sets"), "names no set")
	}
	for _, set := range a.Sets {
		if s.Set(set) == nil {
			v.fail(a.Source.at("sets"), field("sets"), "%q is not a server set (have %s)", clipped(set), setNames(s))
		}
	}
}

// firstSeen is where an address was first listed, in 8 bytes: a line of the
// description or of the CSV file, or the index of an account built in code.
// firstSeen is where an account was listed: its line in the description
// or the CSV file (with the row's offset there), or its index in
// Site.Accounts for an account built in code.
type firstSeen struct {
	offset int64 // of the CSV row
	line   int32
	index  int32 // in Site.Accounts; -1 for a CSV row
	kind   uint8 // 0: description line, 1: CSV line, 2: built in code
}

func (v *validator) firstSeen(a *Account, i int) firstSeen {
	switch {
	case i < 0:
		return firstSeen{offset: v.csvRow.offset, line: v.csvRow.line, index: -1, kind: 1}
	case a.Source.File == "":
		return firstSeen{index: int32(i), kind: 2}
	}
	return firstSeen{line: int32(a.Source.Line), index: int32(i), kind: 0}
}

func (v *validator) where(f firstSeen) string {
	switch f.kind {
	case 0:
		return Pos{File: v.site.Source.File, Line: int(f.line)}.String()
	case 1:
		return Pos{File: v.site.AccountsCSV, Line: int(f.line)}.String()
	}
	return fmt.Sprintf("accounts[%d]", f.index)
}

// addressHash is the hash of the duplicate check; a test may make every
// address collide.
var addressHash = maphash.String

// listedBefore reports where the address whose addressKey is key was
// listed before, if it was, and otherwise notes that it is listed here. A
// hash that matches is checked against the address it stands for, read
// back from the CSV file when need be, so that only the same address is a
// duplicate.
func (v *validator) listedBefore(key string, here firstSeen) (firstSeen, bool) {
	if prev, ok := v.exact[key]; ok {
		return prev, true
	}
	h := addressHash(v.seed, key)
	prev, ok := v.seen[h]
	if !ok {
		v.seen[h] = here
		return firstSeen{}, false
	}
	if other, err := v.addressAt(prev); err != nil || other == key {
		return prev, true // unreadable now: refuse rather than let it through
	}
	v.exact[key] = here // another address with the same hash
	return firstSeen{}, false
}

// addressAt is the addressKey of the account listed at f.
func (v *validator) addressAt(f firstSeen) (string, error) {
	if f.index >= 0 {
		return addressKey(v.site.Accounts[f.index].Address), nil
	}
	a, err := csvAccountAt(v.site.AccountsCSV, rowRef{offset: f.offset, line: f.line})
	if err != nil {
		return "", err
	}
	addr, err := normalizeAddress(a.Address)
	if err != nil {
		return "", err
	}
	return addressKey(addr), nil
}

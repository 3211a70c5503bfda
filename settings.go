package mailprofile

import (
	"errors"
	"fmt"
	"strings"
)

// Placeholders in user name patterns, as Thunderbird's clientConfig defines
// them. Each is replaced by part of the account's address.
const (
	PlaceholderAddress   = "%EMAILADDRESS%"   // the whole address
	PlaceholderLocalPart = "%EMAILLOCALPART%" // the part before the @
	PlaceholderDomain    = "%EMAILDOMAIN%"    // the part after the @, in ASCII form
)

// Errors of Site.Settings, Site.DomainSettings and Site.Account, for
// errors.Is.
var (
	ErrUnknownSet = errors.New("mailprofile: no such server set")
	ErrNotOnSet   = errors.New("mailprofile: the account has no account on that server set")
	ErrNotFound   = errors.New("mailprofile: no such account")
)

var errUnclosedPct = errors.New("has a % without a closing % (placeholders are %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%)")

// CheckUsername reports an unknown or unterminated placeholder in a user
// name pattern, as Validate does.
func CheckUsername(pattern string) error { return checkPattern(pattern) }

// checkPattern reports an unknown or unterminated placeholder.
func checkPattern(pattern string) error {
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i+1:], '%')
		if j < 0 {
			return errUnclosedPct
		}
		ph := rest[i : i+j+2]
		switch ph {
		case PlaceholderAddress, PlaceholderLocalPart, PlaceholderDomain:
		default:
			return fmt.Errorf("%s is not a placeholder (use %s, %s or %s)", ph, PlaceholderAddress, PlaceholderLocalPart, PlaceholderDomain)
		}
		rest = rest[i+j+2:]
	}
}

// ExpandUsername replaces the placeholders in a user name pattern with the
// parts of address.
func ExpandUsername(pattern, address string) string {
	if !strings.Contains(pattern, "%") {
		return pattern
	}
	// No part of an address holds a %, so no replacement makes another.
	pattern = strings.ReplaceAll(pattern, PlaceholderAddress, address)
	pattern = strings.ReplaceAll(pattern, PlaceholderLocalPart, localPart(address))
	return strings.ReplaceAll(pattern, PlaceholderDomain, domainPart(address))
}

// Settings are what one mail client account is told: the servers of one
// set, with their user names worked out for one account. Settings without
// an Account are the domain's settings (DomainSettings): their user names
// keep their placeholders, for clients that fill them in.
type Settings struct {
	Site    *Site
	Set     *ServerSet
	Account *Account // nil for the domain's settings

	// Incoming and Outgoing are the set's servers, most preferred first,
	// with Username worked out for Account.
	Incoming []Server
	Outgoing []Server
}

// Settings resolves account a on the set named set ("" for the
// DefaultSet). a is normally one of the site's accounts (EachAccount,
// Account); an Account with only an Address gives what anybody with that
// address is told. The error wraps ErrUnknownSet, or ErrNotOnSet when a
// has no account on the set.
func (s *Site) Settings(set string, a *Account) (*Settings, error) {
	if a == nil {
		return nil, fmt.Errorf("mailprofile: Settings needs an account; DomainSettings gives the domain's")
	}
	ss, err := s.LookupSet(set)
	if err != nil {
		return nil, err
	}
	if !a.HasSet(ss.Name) {
		return nil, fmt.Errorf("%w: %s is not on %q", ErrNotOnSet, a.Address, ss.Name)
	}
	return s.settings(ss, a)
}

// DomainSettings are the settings of the set named set ("" for the
// DefaultSet) for the whole domain, with user names as placeholders: what
// Thunderbird's domain file says. The error wraps ErrUnknownSet.
func (s *Site) DomainSettings(set string) (*Settings, error) {
	ss, err := s.LookupSet(set)
	if err != nil {
		return nil, err
	}
	return s.settings(ss, nil)
}

func (s *Site) settings(ss *ServerSet, a *Account) (*Settings, error) {
	st := &Settings{Site: s, Set: ss, Account: a}
	st.Incoming = st.resolve(ss.Incoming)
	st.Outgoing = st.resolve(ss.Outgoing)
	if err := st.Check(); err != nil {
		return nil, err
	}
	return st, nil
}

// Check reports what Validate would have filled in or refused: no server
// of a kind, a server without protocol, host, port, security or
// authentication. Generators call it, so that a Site built in code and
// never validated gives this error instead of a file that says port 0.
func (st *Settings) Check() error {
	if len(st.Incoming) == 0 || len(st.Outgoing) == 0 {
		return fmt.Errorf("mailprofile: set %q needs an incoming and an outgoing server", st.Set.Name)
	}
	if err := st.checkServers("incoming", st.Incoming); err != nil {
		return err
	}
	return st.checkServers("outgoing", st.Outgoing)
}

func (st *Settings) checkServers(kind string, servers []Server) error {
	for i, srv := range servers {
		if srv.Protocol.Incoming() != (kind == "incoming") || srv.Host == "" || srv.Port < 1 || srv.Port > 65535 || srv.Security == "" || srv.Auth == "" {
			return fmt.Errorf("mailprofile: servers.%s.%s[%d] is not complete (protocol %q, host %q, port %d, security %q, auth %q): call Site.Validate first",
				st.Set.Name, kind, i, string(srv.Protocol), srv.Host, srv.Port, string(srv.Security), string(srv.Auth))
		}
	}
	return nil
}

func (st *Settings) resolve(servers []Server) []Server {
	out := make([]Server, len(servers))
	copy(out, servers)
	if st.Account == nil {
		return out
	}
	override := st.Account.UsernameOn(st.Set.Name)
	for i := range out {
		if !out[i].NeedsLogin() {
			continue
		}
		if override != "" {
			out[i].Username = override
		}
		out[i].Username = ExpandUsername(out[i].Username, st.Account.Address)
	}
	return out
}

// Address is the account's address, or "" for the domain's settings.
func (st *Settings) Address() string {
	if st.Account == nil {
		return ""
	}
	return st.Account.Address
}

// Name is the account holder's display name, or "".
func (st *Settings) Name() string {
	if st.Account == nil {
		return ""
	}
	return st.Account.Name
}

// Password is the account's password on this set, if the description has
// one.
func (st *Settings) Password() Secret {
	if st.Account == nil {
		return Secret{}
	}
	if pw, ok := st.Account.Passwords[st.Set.Name]; ok {
		return pw
	}
	return st.Account.Passwords[""]
}

// Description names the account and the set for people, so that the old and
// the new account can be told apart in a client's account list:
// "info@example.co.jp — 新サーバー".
func (st *Settings) Description() string {
	who := st.Site.UnicodeDomain()
	if st.Account != nil {
		who = UnicodeAddress(st.Account.Address)
	}
	return who + " — " + st.Set.DisplayLabel()
}

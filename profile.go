package mailprofile

import (
	"errors"
	"fmt"
	"strings"
)

// Placeholders in user name templates, as Thunderbird's clientConfig
// defines them. Each is replaced by part of the account's address.
const (
	PlaceholderAddress   = "%EMAILADDRESS%"   // the whole address
	PlaceholderLocalPart = "%EMAILLOCALPART%" // the part before the @
	PlaceholderDomain    = "%EMAILDOMAIN%"    // the part after the @, in ASCII form
)

// Errors of Site.Profile, for errors.Is.
var (
	ErrUnknownSet  = errors.New("mailprofile: no such server set")
	ErrNotOnSet    = errors.New("mailprofile: the account has no account on that server set")
	ErrNotFound    = errors.New("mailprofile: no such account")
	errUnclosedPct = errors.New("has a % without a closing % (placeholders are %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%)")
)

// CheckUsername reports an unknown or unterminated placeholder in a user
// name template, as Validate does.
func CheckUsername(template string) error { return checkTemplate(template) }

// checkTemplate reports an unknown or unterminated placeholder.
func checkTemplate(t string) error {
	for rest := t; ; {
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

// ExpandUsername replaces the placeholders in a user name template with the
// parts of address.
func ExpandUsername(template, address string) string {
	switch template {
	case PlaceholderAddress:
		return address
	case PlaceholderLocalPart:
		return localPart(address)
	case PlaceholderDomain:
		return domainPart(address)
	}
	if !strings.Contains(template, "%") {
		return template
	}
	return strings.NewReplacer(
		PlaceholderAddress, address,
		PlaceholderLocalPart, localPart(address),
		PlaceholderDomain, domainPart(address),
	).Replace(template)
}

// Profile is what one mail client account is told: one account on one
// server set, with the user names worked out. A Profile with a nil Account
// is the template for the whole domain; its user names keep their
// placeholders.
type Profile struct {
	Site    *Site
	Set     *ServerSet
	Account *Account // nil for the domain template

	// Incoming and Outgoing are the set's servers, most preferred first,
	// with Username resolved for Account.
	Incoming []Server
	Outgoing []Server
}

// Profile resolves the account a on the set named set; a nil a gives the
// domain template. The set name "" means the DefaultSet. It returns an error
// wrapping ErrUnknownSet or ErrNotOnSet when there is nothing to configure.
func (s *Site) Profile(set string, a *Account) (*Profile, error) {
	var ss *ServerSet
	if set == "" {
		ss = s.DefaultSet()
	} else {
		ss = s.Set(set)
	}
	if ss == nil {
		return nil, fmt.Errorf("%w: %q (have %s)", ErrUnknownSet, set, setNames(s))
	}
	if a != nil && !a.HasSet(ss.Name) {
		return nil, fmt.Errorf("%w: %s is not on %q", ErrNotOnSet, a.Address, ss.Name)
	}
	p := &Profile{Site: s, Set: ss, Account: a}
	p.Incoming = p.resolve(ss.Incoming)
	p.Outgoing = p.resolve(ss.Outgoing)
	return p, nil
}

func (p *Profile) resolve(servers []Server) []Server {
	out := make([]Server, len(servers))
	copy(out, servers)
	if p.Account == nil {
		return out
	}
	override := p.Account.UsernameOn(p.Set.Name)
	for i := range out {
		if out[i].Auth == AuthNone {
			continue
		}
		if override != "" {
			out[i].Username = override
		}
		out[i].Username = ExpandUsername(out[i].Username, p.Account.Address)
	}
	return out
}

// Address is the account's address, or "" for the domain template.
func (p *Profile) Address() string {
	if p.Account == nil {
		return ""
	}
	return p.Account.Address
}

// Name is the account holder's display name, or "".
func (p *Profile) Name() string {
	if p.Account == nil {
		return ""
	}
	return p.Account.Name
}

// Password is the account's password on this set, if the description has
// one.
func (p *Profile) Password() Secret {
	if p.Account == nil {
		return Secret{}
	}
	if pw, ok := p.Account.Passwords[p.Set.Name]; ok {
		return pw
	}
	return p.Account.Passwords[""]
}

// Description names the account and the set for people, so that the old and
// the new account can be told apart in a client's account list:
// "info@example.co.jp — 新サーバー".
func (p *Profile) Description() string {
	who := p.Site.UnicodeDomain()
	if p.Account != nil {
		who = UnicodeAddress(p.Account.Address)
	}
	return who + " — " + p.Set.DisplayLabel()
}

package mailprofile

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Site is the description of one mail domain: its server sets, the move
// between them and the accounts. Build one with Load or Parse, or in code
// followed by Validate.
type Site struct {
	// Domain is the mail domain in ASCII (A-label) form, lower case.
	// Validate converts a Unicode name such as 例え.jp to xn--r8jz45g.jp.
	Domain string

	// Organization names who runs the mail, for display. The zero value
	// means the domain.
	Organization string

	// Sets are the named server sets, in the order of the description.
	Sets []*ServerSet

	// Migration says which set is being left and which one added. Nil
	// means there is no move: the first set is the one to configure.
	Migration *Migration

	// Accounts are the people written in the description itself. The
	// people of AccountsCSV are not here: they stay in their file, so that
	// memory does not grow with their number. EachAccount and Account
	// reach both.
	Accounts []*Account

	// AccountsCSV is the CSV file with more accounts, if any, resolved
	// against the description file's folder. Its accounts are read from
	// the file each time they are needed, one at a time.
	AccountsCSV string

	index accountIndex // where each account of AccountsCSV is, built on the first Account call

	// BaseURL is where mailprofile serve is reached from outside, such as
	// "https://setup.example-host.jp": setup pages and printed sheets
	// link to profiles and show QR codes under it. The zero value means
	// the served page uses the address it was asked at, and sheets cannot
	// link to profiles.
	BaseURL string

	// Language is the language of printed sheets and of pages for clients
	// that ask for none they have: "ja" or "en". The zero value means "ja".
	Language string

	// Discovery says where the domain's autoconfig and autodiscover names
	// should point: the host that runs mailprofile serve. Nil means the
	// description does not say; mailprofile dns then prints no such records.
	Discovery *Discovery

	// AllowInsecure permits security "none" (no TLS at all). The zero
	// value rejects it.
	AllowInsecure bool

	// AllowOtherDomains permits accounts whose address is not in Domain.
	AllowOtherDomains bool

	// Source is where the description came from.
	Source Source
}

// Discovery is where the served endpoint (mailprofile serve) is reached:
// either a host name, which autoconfig.DOMAIN and autodiscover.DOMAIN are
// made aliases (CNAME) of, or the endpoint's IP addresses (A and AAAA).
type Discovery struct {
	Host      string   // ASCII form
	Addresses []string // IPv4 and IPv6, canonical text

	// TTL is the time to live of the DNS records, in seconds. Zero means
	// 3600.
	TTL int

	Source Source
}

// Migration is a move from one server set to another.
type Migration struct {
	From string // the set being left, e.g. "old"
	To   string // the set being added, e.g. "new"

	// SwitchDate is the day DNS changes to the new server, and OverlapEnd
	// the day the old account may go. Both are optional (zero), dates in
	// UTC at midnight; SwitchDate may instead be a moment, in the zone it
	// was given in, when SwitchHasTime says so.
	SwitchDate time.Time
	OverlapEnd time.Time

	// SwitchHasTime reports that SwitchDate is a moment (such as
	// 2026-12-05T18:00+09:00), not just a day.
	SwitchHasTime bool

	Source Source
}

// ServerSet is the incoming and outgoing servers of one mail system.
type ServerSet struct {
	// Name identifies the set in the description and on the command line,
	// e.g. "old" or "new".
	Name string

	// Label is what people see, e.g. "新サーバー" or "new server", in the
	// site's language. The zero value means the label of Labels in the
	// site's language (Validate fills it in), else Name.
	Label string

	// Labels are the label in each language of the pages, by language
	// ("ja", "en"), for a description that gives one per language. Nil
	// means Label in every language.
	Labels map[string]string

	// Incoming lists IMAP and POP3 servers, most preferred first.
	Incoming []Server

	// Outgoing lists SMTP submission servers, most preferred first.
	Outgoing []Server

	// Receives are the hosts that receive the domain's mail from the
	// internet for this set, host names in ASCII form or IP addresses:
	// what its MX record points to, e.g. mx1.example-host.jp. mailprofile
	// status compares DNS answers with them. Nil means the hosts of
	// Incoming.
	Receives []string

	// AllowLegacySubmission lets a set that is only moved away from keep
	// the ways of sending that mail clients should no longer be given:
	// SMTP on port 25, and implicit TLS on 587 or STARTTLS on 465, as some
	// old providers still offer. Validate refuses it for the set being
	// moved to, and Warnings say what people will meet.
	AllowLegacySubmission bool

	Source Source
}

// Server is one server that a client connects to.
type Server struct {
	Protocol Protocol

	// Host is a host name in ASCII form, or an IPv4 or IPv6 address
	// (without brackets).
	Host string

	// Port is the TCP port. The zero value means the standard port for
	// Protocol and Security (IMAP 993/143, POP3 995/110, SMTP 465/587).
	Port int

	// Security is how the connection is protected. The zero value means
	// the one implied by Port (993, 995, 465: TLS; 143, 110, 587:
	// STARTTLS), or TLS when Port is zero too.
	Security Security

	// Auth is how the client logs in. The zero value means
	// AuthPasswordCleartext.
	Auth Auth

	// AuthAlternatives are the ways to log in after Auth, in order of
	// preference, for a client that cannot use Auth: a provider may offer
	// OAuth2 first and the password after it. Nil means Auth alone.
	AuthAlternatives []Auth

	// Username is the login name: literal text, or a pattern with the
	// placeholders %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN%.
	// The zero value means "%EMAILADDRESS%". An account's override for the
	// set replaces it.
	Username string

	// POP3 holds the options of a POP3 server; nil means the defaults. It
	// must be nil for other protocols.
	POP3 *POP3Options

	Source Source
}

// Auths are Auth and then AuthAlternatives: every way to log in, most
// preferred first.
func (s Server) Auths() []Auth {
	return append([]Auth{s.Auth}, s.AuthAlternatives...)
}

// NeedsLogin reports whether a client logs in to the server in any of the
// ways it offers: every way but AuthNone takes a user name.
func (s Server) NeedsLogin() bool {
	return slices.ContainsFunc(s.Auths(), func(a Auth) bool { return a != AuthNone })
}

// LegacySubmission reports whether s is an SMTP server that submits as
// only a set that is moved away from may (ServerSet.AllowLegacySubmission):
// on port 25, or with implicit TLS on 587 or STARTTLS on 465.
func (s Server) LegacySubmission() bool {
	return s.Protocol == ProtocolSMTP && (s.Port == 25 ||
		s.Port == 587 && s.Security == SecurityTLS ||
		s.Port == 465 && s.Security == SecurityStartTLS)
}

// POP3Options are the choices a POP3 client makes about the mail it has
// downloaded.
type POP3Options struct {
	// LeaveOnServer keeps downloaded mail on the server. When the
	// description does not say, Validate sets it to true, as Thunderbird
	// does: during a migration the other account still sees the mail, and
	// at any time the other devices do.
	LeaveOnServer *bool

	// KeepDays is how many days downloaded mail stays on the server when
	// it is left there. Zero means the client's default (Thunderbird: 14).
	KeepDays int

	leaveByDefault bool // Validate chose LeaveOnServer: the description did not say
}

// Leave reports whether mail is left on the server.
func (o *POP3Options) Leave() bool {
	return o != nil && o.LeaveOnServer != nil && *o.LeaveOnServer
}

// Account is one person's mailbox.
type Account struct {
	// Address is the email address, with the domain in ASCII form and
	// lower case. Validate normalises it.
	Address string

	// Name is the person's display name, e.g. "山田 太郎".
	Name string

	// Usernames overrides the login name per set name, e.g. {"old":
	// "info"} when the old server logs in with the local part and the new
	// one with the whole address.
	Usernames map[string]string

	// Passwords holds a password per set name. Generators include them
	// only when asked to.
	Passwords map[string]Secret

	// Sets limits the account to these sets (a phased move). Nil means
	// every set.
	Sets []string

	Source Source
}

// HasSet reports whether a has an account on the set named name.
func (a *Account) HasSet(name string) bool {
	return a.Sets == nil || slices.Contains(a.Sets, name)
}

// UsernameOn is the login that a overrides on the set named name: its
// override for that set, else its override for every set, else "" (the
// servers' patterns apply).
func (a *Account) UsernameOn(name string) string {
	if u := a.Usernames[name]; u != "" {
		return u
	}
	return a.Usernames[""]
}

// Set returns the set named name, or nil; LookupSet says why.
func (s *Site) Set(name string) *ServerSet {
	for _, set := range s.Sets {
		if set.Name == name {
			return set
		}
	}
	return nil
}

// LookupSet returns the set named name, or the DefaultSet for "". For a
// name the site does not have, the error wraps ErrUnknownSet and names the
// sets it has.
func (s *Site) LookupSet(name string) (*ServerSet, error) {
	set := s.DefaultSet()
	if name != "" {
		set = s.Set(name)
	}
	if set == nil {
		return nil, &unknownSetError{name: name, have: setNames(s)}
	}
	return set, nil
}

// unknownSetError is the one wording for a set that is not there, wherever
// it is asked for.
type unknownSetError struct{ name, have string }

func (e *unknownSetError) Error() string {
	return fmt.Sprintf("no server set %q (the sets are %s)", e.name, e.have)
}

func (e *unknownSetError) Is(target error) bool { return target == ErrUnknownSet }

// DefaultSet is the set clients should be given when nobody asks for one:
// the set being moved to, or the first set when there is no migration.
func (s *Site) DefaultSet() *ServerSet {
	if s.Migration != nil {
		if set := s.Set(s.Migration.To); set != nil {
			return set
		}
	}
	if len(s.Sets) == 0 {
		return nil
	}
	return s.Sets[0]
}

// DisplayName is the organisation, or the domain when there is none.
func (s *Site) DisplayName() string {
	if s.Organization != "" {
		return s.Organization
	}
	return s.UnicodeDomain()
}

// BaseHost is the host name of BaseURL, lower case and without a port, or
// "" when there is none.
func (s *Site) BaseHost() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// ServiceHosts are the host names under which mailprofile serve answers
// for the site, besides the domain itself: autoconfig.DOMAIN,
// autodiscover.DOMAIN, the host of BaseURL and Discovery.Host, when given.
// They are the names a certificate of the service must cover.
func (s *Site) ServiceHosts() []string {
	hosts := []string{"autoconfig." + s.Domain, "autodiscover." + s.Domain}
	if h := s.BaseHost(); h != "" {
		hosts = append(hosts, h)
	}
	if s.Discovery != nil && s.Discovery.Host != "" {
		hosts = append(hosts, s.Discovery.Host)
	}
	return hosts
}

// UnicodeDomain is Domain in its Unicode (U-label) form, for people.
func (s *Site) UnicodeDomain() string {
	return unicodeDomain(s.Domain)
}

// LabelIn is the label in the language lang: its own in Labels, else
// DisplayLabel.
func (set *ServerSet) LabelIn(lang string) string {
	if l := set.Labels[lang]; l != "" {
		return l
	}
	return set.DisplayLabel()
}

// DisplayLabel is Label, or Name when there is no label.
func (set *ServerSet) DisplayLabel() string {
	if set.Label != "" {
		return set.Label
	}
	return set.Name
}

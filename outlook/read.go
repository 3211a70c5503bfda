package outlook

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/mailprofile/mailprofile"
)

// ErrNotResponse is returned by ReadResponse for a document that is not an
// Autodiscover settings response.
var ErrNotResponse = errors.New("outlook: not an Autodiscover settings response")

// ReadOptions are the choices of ReadResponse. A nil *ReadOptions is the
// zero value, which cannot say the domain: give Address or Domain.
type ReadOptions struct {
	// Set names the one server set of the Site read. The zero value means
	// "old": the usual start is the settings of the provider being left.
	Set string

	// Address is the address the response answered. Login names equal to
	// it, or to its local part, become placeholders, so the set serves
	// everyone; and its domain is the Site's.
	Address string

	// Domain is the mail domain, which a response does not name, when
	// Address is not given.
	Domain string
}

// ReadResponse turns an Autodiscover (POX) settings response into a
// validated Site with one server set: one server per IMAP, POP3 and SMTP
// Protocol element. What has no place in a description (Exchange
// protocols, the user's name, DomainRequired, TTL and the like) is listed
// in the notes, never dropped silently.
func ReadResponse(data []byte, opts *ReadOptions) (*mailprofile.Site, []string, error) {
	var o ReadOptions
	if opts != nil {
		o = *opts
	}
	if o.Set == "" {
		o.Set = "old"
	}
	domain := o.Domain
	if o.Address != "" {
		addr, err := mailprofile.ParseAddress(o.Address)
		if err != nil {
			return nil, nil, fmt.Errorf("outlook: %w", err)
		}
		o.Address, domain = addr, addr[strings.LastIndexByte(addr, '@')+1:]
	}
	set, notes, err := readSet(data, o.Set, o.Address)
	if err != nil {
		return nil, notes, err
	}
	if domain == "" {
		return nil, notes, errors.New("outlook: an Autodiscover response does not name the mail domain: give the address it answered, or the domain")
	}
	site := &mailprofile.Site{Domain: domain, Sets: []*mailprofile.ServerSet{set}}
	for _, s := range append(slices.Clone(set.Incoming), set.Outgoing...) {
		if s.Security == mailprofile.SecurityNone {
			site.AllowInsecure = true
		}
	}
	if err := site.Validate(); err != nil {
		return nil, notes, fmt.Errorf("outlook: the imported settings are not usable: %w", err)
	}
	return site, notes, nil
}

// readSet reads the response's servers into a set.
func readSet(data []byte, setName, address string) (*mailprofile.ServerSet, []string, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotResponse, err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "Autodiscover" {
		return nil, nil, ErrNotResponse
	}
	resp := root.SelectElement("Response")
	if resp == nil {
		return nil, nil, fmt.Errorf("%w: no Response", ErrNotResponse)
	}
	if e := resp.FindElement("Error"); e != nil {
		return nil, nil, fmt.Errorf("%w: it is error %s (%s)", ErrNotResponse, text(e, "ErrorCode"), text(e, "Message"))
	}
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	if u := resp.SelectElement("User"); u != nil {
		note("User: not imported (the name of one person, not a server setting)")
	}
	acct := resp.SelectElement("Account")
	if acct == nil {
		return nil, nil, fmt.Errorf("%w: no Account", ErrNotResponse)
	}
	if action := text(acct, "Action"); action != "" && action != "settings" {
		return nil, nil, fmt.Errorf("%w: Action is %s (follow it and import what it leads to)", ErrNotResponse, action)
	}
	set := &mailprofile.ServerSet{Name: setName}
	n := 0
	for _, el := range acct.ChildElements() {
		switch el.Tag {
		case "AccountType", "Action":
		case "Protocol":
			n++
			where := fmt.Sprintf("Protocol[%d] (%s)", n, text(el, "Type"))
			srv, ok, msgs := readProtocol(el, where, address)
			notes = append(notes, msgs...)
			if !ok {
				continue
			}
			if srv.Protocol == mailprofile.ProtocolSMTP {
				set.Outgoing = append(set.Outgoing, srv)
				set.AllowLegacySubmission = set.AllowLegacySubmission || srv.LegacySubmission()
			} else {
				set.Incoming = append(set.Incoming, srv)
			}
		default:
			note("%s: not imported (no place in a description)", el.Tag)
		}
	}
	if len(set.Incoming) == 0 || len(set.Outgoing) == 0 {
		return nil, notes, fmt.Errorf("%w: it has no IMAP or POP3 server, or no SMTP server", ErrNotResponse)
	}
	return set, notes, nil
}

func text(el *etree.Element, child string) string {
	if c := el.SelectElement(child); c != nil {
		return strings.TrimSpace(c.Text())
	}
	return ""
}

var protocolsRead = map[string]mailprofile.Protocol{
	"IMAP": mailprofile.ProtocolIMAP, "POP3": mailprofile.ProtocolPOP3, "SMTP": mailprofile.ProtocolSMTP,
}

func readProtocol(el *etree.Element, where, address string) (s mailprofile.Server, ok bool, notes []string) {
	note := func(format string, args ...any) { notes = append(notes, where+": "+fmt.Sprintf(format, args...)) }
	p, known := protocolsRead[text(el, "Type")]
	if !known {
		note("not imported (only IMAP, POP3 and SMTP are described; Exchange protocols are not)")
		return s, false, notes
	}
	s = mailprofile.Server{Protocol: p, Host: text(el, "Server"), Auth: mailprofile.AuthPasswordCleartext}
	if port := text(el, "Port"); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil {
			note("not imported (Port %q is not a number)", port)
			return s, false, notes
		}
		s.Port = n
	}
	sslOff := text(el, "SSL") == "off"
	switch enc := text(el, "Encryption"); {
	case strings.EqualFold(enc, "SSL"):
		s.Security = mailprofile.SecurityTLS
	case strings.EqualFold(enc, "TLS"):
		s.Security = mailprofile.SecurityStartTLS
	case strings.EqualFold(enc, "None") || enc == "" && sslOff:
		s.Security = mailprofile.SecurityNone
		note("sends passwords in plain text (SSL off): set allow_insecure: true to keep it, or prefer TLS")
	default: // "Auto", or SSL on without Encryption: decide by the port, as Thunderbird does
		s.Security = mailprofile.SecurityTLS
		if ports, ok := map[mailprofile.Protocol]int{mailprofile.ProtocolIMAP: 143, mailprofile.ProtocolPOP3: 110, mailprofile.ProtocolSMTP: 587}[p]; ok && s.Port == ports {
			s.Security = mailprofile.SecurityStartTLS
		}
		if enc != "" {
			note("Encryption %s: read as %s from the port", enc, s.Security)
		}
	}
	if text(el, "AuthRequired") == "off" {
		if p != mailprofile.ProtocolSMTP {
			note("not imported (AuthRequired off: an incoming server needs a login)")
			return s, false, notes
		}
		s.Auth = mailprofile.AuthNone
	} else if text(el, "SPA") == "on" {
		s.Auth = mailprofile.AuthPasswordEncrypted
		note("SPA on: read as an encrypted password, as Thunderbird does")
	}
	if s.Auth != mailprofile.AuthNone {
		s.Username = loginPattern(text(el, "LoginName"), address, note)
	}
	if s.LegacySubmission() {
		note("port %d with security %s is not how mail clients should submit (587 with starttls, 465 with tls): imported with allow_legacy_submission: true, for a set that is only moved away from", s.Port, string(s.Security))
	}
	for _, c := range el.ChildElements() {
		switch c.Tag {
		case "Type", "Server", "Port", "SSL", "Encryption", "AuthRequired", "SPA", "LoginName":
		case "DomainRequired", "UsePOPAuth", "SMTPLast":
			if strings.TrimSpace(c.Text()) == "on" {
				note("%s on: not imported (no place in a description)", c.Tag)
			}
		default:
			note("%s: not imported (no place in a description)", c.Tag)
		}
	}
	return s, true, notes
}

// loginPattern turns a login name into the pattern that gives it for
// address.
func loginPattern(login, address string, note func(string, ...any)) string {
	at := strings.LastIndexByte(address, '@')
	switch {
	case login == "":
		return ""
	case address != "" && strings.EqualFold(login, address):
		return mailprofile.PlaceholderAddress
	case at > 0 && strings.EqualFold(login, address[:at]):
		return mailprofile.PlaceholderLocalPart
	case address == "" && strings.Contains(login, "@"):
		note("LoginName %s: read as %%EMAILADDRESS%% (the address was not given)", login)
		return mailprofile.PlaceholderAddress
	}
	note("LoginName %s: kept as it is, so every account logs in with it; check it", login)
	return login
}

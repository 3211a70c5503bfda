package outlook

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/mailprofile/mailprofile"
)

// ErrNotResponse is returned by ReadResponse for a document that is not an
// Autodiscover settings response.
var ErrNotResponse = errors.New("outlook: not an Autodiscover settings response")

// ReadResponse turns an Autodiscover (POX) settings response into a server
// set named setName: one server per IMAP, POP3 and SMTP Protocol element.
// address is the address the response answered, if known: login names
// equal to it or to its local part become placeholders, so the set serves
// everyone. What has no place in a description (Exchange protocols, the
// user's name, DomainRequired, TTL and the like) is listed in the notes.
func ReadResponse(data []byte, setName, address string) (*mailprofile.ServerSet, []string, error) {
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
		s.Username = loginTemplate(text(el, "LoginName"), address, note)
	}
	if s.Protocol == mailprofile.ProtocolSMTP && s.Port == 25 {
		note("not imported (port 25 is for mail between servers; mail clients submit on 587 or 465)")
		return s, false, notes
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

// loginTemplate turns a login name into the template that gives it for
// address.
func loginTemplate(login, address string, note func(string, ...any)) string {
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

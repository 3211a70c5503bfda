package thunderbird

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/mailprofile/mailprofile"
)

// ErrNotClientConfig is returned by Read for a document that is not a
// clientConfig file.
var ErrNotClientConfig = errors.New("thunderbird: not a clientConfig document")

// ReadOptions are the choices of Read. A nil *ReadOptions is the zero
// value.
type ReadOptions struct {
	// Set names the one server set of the Site read. The zero value means
	// "old": the usual start is the settings of the provider being left.
	Set string
}

// Read turns a clientConfig file, such as a provider's published autoconfig
// or an entry of Thunderbird's ISPDB, into a validated Site with one server
// set. It maps everything Thunderbird itself reads about IMAP, POP3 and
// SMTP servers; what has no place in a description (Exchange, EWS and
// Graph servers, webmail, OAuth2 endpoints, documentation, further domains,
// alternatives beyond the first usable one) is listed in the notes, never
// dropped silently.
func Read(data []byte, opts *ReadOptions) (*mailprofile.Site, []string, error) {
	setName := "old"
	if opts != nil && opts.Set != "" {
		setName = opts.Set
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotClientConfig, err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "clientConfig" {
		return nil, nil, ErrNotClientConfig
	}
	r := &reader{}
	provs := root.SelectElements("emailProvider")
	if len(provs) == 0 {
		return nil, nil, fmt.Errorf("%w: no emailProvider", ErrNotClientConfig)
	}
	for _, el := range root.ChildElements() {
		if el.Tag != "emailProvider" {
			r.note("%s: not imported (%s)", el.Tag, unmapped(el.Tag))
		}
	}
	for _, extra := range provs[1:] {
		r.note("emailProvider %q: not imported (only the first provider is read)", extra.SelectAttrValue("id", ""))
	}
	site := &mailprofile.Site{}
	set := &mailprofile.ServerSet{Name: setName}
	site.Sets = []*mailprofile.ServerSet{set}
	r.provider(provs[0], site, set)
	set.AllowLegacySubmission = r.legacy
	if site.Domain == "" {
		return nil, r.notes, fmt.Errorf("%w: no domain", ErrNotClientConfig)
	}
	// Generate writes "organisation — label" as the display name, and the
	// domain when there is no organisation: read those back as they were.
	site.Organization = strings.TrimSuffix(site.Organization, " — "+set.Label)
	if site.Organization == site.Domain || site.Organization == mailprofile.UnicodeAddress("@" + site.Domain)[1:] {
		site.Organization = ""
	}
	for _, servers := range [][]mailprofile.Server{set.Incoming, set.Outgoing} {
		for i := range servers {
			servers[i].Host = strings.ReplaceAll(servers[i].Host, mailprofile.PlaceholderDomain, site.Domain)
		}
	}
	for _, s := range append(append([]mailprofile.Server{}, set.Incoming...), set.Outgoing...) {
		if s.Security == mailprofile.SecurityNone {
			site.AllowInsecure = true
			r.note("a server sends passwords in plain text (socketType plain): allow_insecure is set; prefer TLS")
			break
		}
	}
	if err := site.Validate(); err != nil {
		return nil, r.notes, fmt.Errorf("thunderbird: the imported settings are not usable: %w", err)
	}
	return site, r.notes, nil
}

// provider reads an emailProvider element into site and its one set.
func (r *reader) provider(prov *etree.Element, site *mailprofile.Site, set *mailprofile.ServerSet) {
	in, out := 0, 0
	for _, el := range prov.ChildElements() {
		switch el.Tag {
		case "domain":
			if site.Domain == "" {
				site.Domain = strings.TrimSpace(el.Text())
			} else {
				r.note("domain %s: not imported (a description is for one domain; describe it separately)", strings.TrimSpace(el.Text()))
			}
		case "displayName":
			site.Organization = strings.TrimSpace(el.Text())
		case "displayShortName":
			set.Label = strings.TrimSpace(el.Text())
		case "incomingServer":
			in++
			if srv, ok := r.server(el, fmt.Sprintf("incomingServer[%d]", in), true); ok {
				set.Incoming = append(set.Incoming, srv)
			}
		case "outgoingServer":
			out++
			if srv, ok := r.server(el, fmt.Sprintf("outgoingServer[%d]", out), false); ok {
				set.Outgoing = append(set.Outgoing, srv)
			}
		default:
			r.note("%s: not imported (%s)", el.Tag, unmapped(el.Tag))
		}
	}
}

type reader struct {
	notes  []string
	legacy bool // an SMTP server submits as only a set moved away from may
}

func (r *reader) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// unmapped says why an element of clientConfig or emailProvider is not
// imported.
func unmapped(tag string) string {
	switch tag {
	case "oAuth2":
		return "OAuth2 endpoints; clients that support OAuth2 know their providers themselves"
	case "webMail":
		return "webmail login pages are not mail client settings"
	case "clientConfigUpdate":
		return "mailprofile is where updates come from"
	case "addressbook", "addressBook", "calendar", "fileShare", "chatServer", "videoConference", "setupServer":
		return "only mail servers are described"
	case "documentation", "enable", "instruction":
		return "instructions and help pages for people; mailprofile writes its own"
	case "identity", "inputField":
		return "Thunderbird does not use it"
	}
	return "unknown to mailprofile"
}

// server reads an incomingServer or outgoingServer element. It reports
// false, with a note, for a server the model has no place for.
func (r *reader) server(el *etree.Element, where string, incoming bool) (mailprofile.Server, bool) {
	typ := el.SelectAttrValue("type", "")
	where += " (type " + typ + ")"
	var s mailprofile.Server
	switch {
	case incoming && typ == "imap":
		s.Protocol = mailprofile.ProtocolIMAP
	case incoming && typ == "pop3":
		s.Protocol = mailprofile.ProtocolPOP3
	case !incoming && typ == "smtp":
		s.Protocol = mailprofile.ProtocolSMTP
	default:
		r.note("%s: not imported (only IMAP, POP3 and SMTP servers are described; Exchange, EWS, Graph and the like are not)", where)
		return s, false
	}
	var securities, auths []string
	for _, c := range el.ChildElements() {
		text := strings.TrimSpace(c.Text())
		switch c.Tag {
		case "socketType":
			securities = append(securities, text)
		case "authentication":
			auths = append(auths, text)
		default:
			if !r.serverChild(c, text, where, &s) {
				return s, false
			}
		}
	}
	if !r.security(securities, where, &s) || !r.auth(auths, where, incoming, &s) {
		return s, false
	}
	switch {
	case s.Username == "" && s.NeedsLogin():
		// Thunderbird would log in as the text "undefined".
		r.note("%s: no username: %%EMAILADDRESS%% is used (the description's default; Thunderbird would use the text \"undefined\")", where)
	case s.Username != "":
		if err := mailprofile.CheckUsername(s.Username); err != nil {
			r.note("%s: username %q %v; %%EMAILADDRESS%% is used instead", where, s.Username, err)
			s.Username = mailprofile.PlaceholderAddress
		}
	}
	if s.LegacySubmission() {
		r.legacy = true
		r.note("%s: port %d with security %s is not how mail clients should submit (587 with starttls, 465 with tls): imported with allow_legacy_submission: true, for a set that is only moved away from", where, s.Port, string(s.Security))
	}
	return s, true
}

// serverChild reads one child element of a server other than socketType
// and authentication. It reports false, with a note, when the server
// cannot be imported.
func (r *reader) serverChild(c *etree.Element, text, where string, s *mailprofile.Server) bool {
	switch c.Tag {
	case "hostname":
		s.Host = text
	case "port":
		p, err := strconv.Atoi(text)
		if err != nil {
			r.note("%s: port %q is not a number", where, text)
			return false
		}
		s.Port = p
	case "username":
		s.Username = text
	case "password":
		r.note("%s: password: not imported (mailprofile takes passwords from the accounts, and only when asked)", where)
	case "pop3":
		r.pop3(c, where, s)
	case "useGlobalPreferredServer":
		if text == "true" {
			r.note("%s: useGlobalPreferredServer true: not imported (mailprofile always gives an account its own server)", where)
		}
	case "addThisServer", "restriction":
		r.note("%s: %s: not imported (Thunderbird does not use it)", where, c.Tag)
	default:
		r.note("%s: %s: not imported (unknown to mailprofile)", where, c.Tag)
	}
	return true
}

// security takes the first socketType Thunderbird can use, as Thunderbird
// does.
func (r *reader) security(values []string, where string, s *mailprofile.Server) bool {
	for i, v := range values {
		if sec, ok := socketTypesRead[v]; ok {
			s.Security = sec
			if rest := values[i+1:]; len(rest) > 0 {
				r.note("%s: socketType alternatives %s: not imported (one per server)", where, strings.Join(rest, ", "))
			}
			return true
		}
		r.note("%s: socketType %q: not imported (unknown)", where, v)
	}
	r.note("%s: not imported (no socketType mailprofile knows)", where)
	return false
}

// auth takes every authentication the model can hold, in their order: a
// client uses the first it can.
func (r *reader) auth(values []string, where string, incoming bool, s *mailprofile.Server) bool {
	var auths []mailprofile.Auth
	for _, v := range values {
		a, ok := authsRead[v]
		switch {
		case !ok || incoming && a == mailprofile.AuthNone:
			r.note("%s: authentication %q: not imported (no place in the model)", where, v)
		case slices.Contains(auths, a):
			r.note("%s: authentication %q: not imported (said twice)", where, v)
		default:
			auths = append(auths, a)
		}
	}
	if len(auths) == 0 {
		r.note("%s: not imported (no authentication mailprofile knows)", where)
		return false
	}
	s.Auth = auths[0]
	if len(auths) > 1 {
		s.AuthAlternatives = auths[1:]
	}
	if s.Auth == mailprofile.AuthOAuth2 {
		if len(auths) > 1 {
			r.note("%s: logs in with OAuth2 first, which Outlook's Autodiscover and Apple profiles cannot express: their files give %s, the next choice", where, string(auths[1]))
		} else {
			r.note("%s: logs in with OAuth2 only, which Outlook's Autodiscover and Apple profiles cannot express", where)
		}
	}
	return true
}

func (r *reader) pop3(el *etree.Element, where string, s *mailprofile.Server) {
	s.POP3 = &mailprofile.POP3Options{}
	for _, c := range el.ChildElements() {
		text := strings.TrimSpace(c.Text())
		switch c.Tag {
		case "leaveMessagesOnServer":
			b := text == "true"
			s.POP3.LeaveOnServer = &b
		case "daysToLeaveMessagesOnServer":
			if d, err := strconv.Atoi(text); err == nil && d > 0 {
				s.POP3.KeepDays = d
			} else {
				r.note("%s: pop3/daysToLeaveMessagesOnServer %q: not imported (not a number of days)", where, text)
			}
		case "downloadOnBiff", "checkInterval", "deleteByAgeFromServer":
			r.note("%s: pop3/%s: not imported (the client's own choice)", where, c.Tag)
		default:
			r.note("%s: pop3/%s: not imported (unknown to mailprofile)", where, c.Tag)
		}
	}
}

var socketTypesRead = map[string]mailprofile.Security{
	"SSL": mailprofile.SecurityTLS, "STARTTLS": mailprofile.SecurityStartTLS, "plain": mailprofile.SecurityNone,
}

var authsRead = map[string]mailprofile.Auth{
	"password-cleartext": mailprofile.AuthPasswordCleartext, "plain": mailprofile.AuthPasswordCleartext,
	"password-encrypted": mailprofile.AuthPasswordEncrypted, "secure": mailprofile.AuthPasswordEncrypted,
	"OAuth2": mailprofile.AuthOAuth2,
	"none":   mailprofile.AuthNone, "client-IP-address": mailprofile.AuthNone,
}

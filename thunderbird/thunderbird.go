// Package thunderbird writes Thunderbird's autoconfig file (clientConfig
// version 1.1), as served at autoconfig.<domain>/mail/config-v1.1.xml and read
// from <install dir>/isp/<domain>.xml before any network lookup.
//
// # What Thunderbird reads
//
// The file is UTF-8 without a byte order mark and has no XML namespace. The
// emailProvider id and the domain are in ASCII form; displayName is at most
// 60 characters. Every incoming server is listed in order of preference:
// Thunderbird takes the first one it can use and offers the rest as
// alternatives. POP3 options sit inside <pop3> in the POP3 server. Each
// outgoing server says useGlobalPreferredServer false, so that a second
// account for the same address sends through its own server, not through
// the first account's. Booleans are the literal words true and false, the
// only ones Thunderbird accepts.
//
// A Profile without an account gives the file for the whole domain, with
// user names as placeholders (%EMAILADDRESS% and the like) that Thunderbird
// fills in; a Profile with an account gives that person's names.
package thunderbird

import (
	"strconv"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/mailprofile/mailprofile"
)

// ContentType is the media type to serve the file with. Thunderbird ignores
// a response whose type does not start with text/xml or application/xml.
const ContentType = "text/xml; charset=utf-8"

// Version is the clientConfig version written.
const Version = "1.1"

// Options are the choices of Generate. A nil *Options is the zero value.
type Options struct {
	// IncludePassword writes the account's password for the set into the
	// file. The zero value leaves it out, and Thunderbird asks for it.
	IncludePassword bool
}

// Generate writes the clientConfig file for st. It refuses Settings that
// Validate did not complete (Settings.Check).
func Generate(st *mailprofile.Settings, opts *Options) ([]byte, error) {
	if err := st.Check(); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &Options{}
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("clientConfig")
	root.CreateAttr("version", Version)
	prov := root.CreateElement("emailProvider")
	prov.CreateAttr("id", st.Site.Domain)
	prov.CreateElement("domain").SetText(st.Site.Domain)
	prov.CreateElement("displayName").SetText(truncate(st.Site.DisplayName()+" — "+st.Set.DisplayLabel(), 60))
	prov.CreateElement("displayShortName").SetText(truncate(st.Set.DisplayLabel(), 20))

	var password string
	if opts.IncludePassword {
		password = st.Password().Reveal()
	}
	for _, srv := range st.Incoming {
		el := prov.CreateElement("incomingServer")
		el.CreateAttr("type", string(srv.Protocol))
		server(el, srv, password)
		if srv.Protocol == mailprofile.ProtocolPOP3 && srv.POP3 != nil {
			pop := el.CreateElement("pop3")
			pop.CreateElement("leaveMessagesOnServer").SetText(strconv.FormatBool(srv.POP3.Leave()))
			if srv.POP3.Leave() && srv.POP3.KeepDays > 0 {
				pop.CreateElement("daysToLeaveMessagesOnServer").SetText(strconv.Itoa(srv.POP3.KeepDays))
			}
		}
	}
	for _, srv := range st.Outgoing {
		el := prov.CreateElement("outgoingServer")
		el.CreateAttr("type", "smtp")
		server(el, srv, password)
		el.CreateElement("useGlobalPreferredServer").SetText("false")
	}
	doc.Indent(2)
	return doc.WriteToBytes() // Indent ends the document with a newline
}

func server(el *etree.Element, srv mailprofile.Server, password string) {
	el.CreateElement("hostname").SetText(srv.Host)
	el.CreateElement("port").SetText(strconv.Itoa(srv.Port))
	el.CreateElement("socketType").SetText(socketTypes[srv.Security])
	for _, a := range srv.Auths() { // in order: Thunderbird takes the first it can use
		el.CreateElement("authentication").SetText(authentications[a])
	}
	if !srv.NeedsLogin() {
		return
	}
	el.CreateElement("username").SetText(srv.Username)
	if password != "" {
		el.CreateElement("password").SetText(password)
	}
}

var socketTypes = map[mailprofile.Security]string{
	mailprofile.SecurityTLS:      "SSL",
	mailprofile.SecurityStartTLS: "STARTTLS",
	mailprofile.SecurityNone:     "plain",
}

var authentications = map[mailprofile.Auth]string{
	mailprofile.AuthPasswordCleartext: "password-cleartext",
	mailprofile.AuthPasswordEncrypted: "password-encrypted",
	mailprofile.AuthOAuth2:            "OAuth2",
	mailprofile.AuthNone:              "none",
}

// truncate shortens s to at most n characters, ending in "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

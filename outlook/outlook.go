// Package outlook writes and reads Microsoft's "POX" Autodiscover messages
// (MS-OXDSCLI, the Outlook 2006/2006a schemas) for IMAP, POP3 and SMTP
// accounts: the response that tells a client its settings, the request a
// client sends, and the error response.
//
// # What clients make of it
//
// Classic Outlook (2007 to 2013, and later versions through the legacy
// account dialog), Thunderbird and eM Client read these responses. Outlook
// 2016 and later often set up IMAP and POP3 through Microsoft's own
// cloud service instead and never ask a self-hosted Autodiscover; new
// Outlook and Outlook for Mac do not use it for IMAP at all. Hand people the
// settings, not only the endpoint.
//
// Absent SPA and SSL elements mean "on", so both are always written: SPA off
// (SPA is NTLM, which IMAP servers outside Exchange do not offer), SSL on
// for any TLS. Encryption tells implicit TLS ("SSL") from STARTTLS ("TLS");
// Outlook 2007 reads only SSL, and Thunderbird decides between the two by
// the port.
package outlook

import (
	"bytes"
	"strconv"

	"github.com/beevik/etree"

	"github.com/mailprofile/mailprofile"
)

// ContentType is the media type of responses. Thunderbird needs text/xml or
// application/xml.
const ContentType = "text/xml; charset=utf-8"

// Namespaces of the POX Autodiscover messages. They are http URIs; the https
// ones on Microsoft's documentation pages are an artefact of its build.
const (
	NamespaceRequest         = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	NamespaceResponse        = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	NamespaceOutlookResponse = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

// Options are the choices of Generate. A nil *Options is the zero value;
// there are none yet.
type Options struct{}

// Generate writes the Autodiscover settings response for st: one Protocol
// element per server, incoming servers in order of preference, then the
// SMTP servers. Servers that log in with OAuth2 are left out, which POX
// cannot express; if that leaves no incoming or no outgoing server the
// result is an *mailprofile.UnsupportedError.
func Generate(st *mailprofile.Settings, opts *Options) ([]byte, error) {
	if err := st.Check(); err != nil {
		return nil, err
	}
	incoming := usable(st.Incoming)
	outgoing := usable(st.Outgoing)
	if len(incoming) == 0 || len(outgoing) == 0 {
		return nil, &mailprofile.UnsupportedError{Client: "outlook", Field: "servers",
			Reason: "Autodiscover cannot express OAuth2 logins, and every incoming or outgoing server uses one"}
	}

	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	root := doc.CreateElement("Autodiscover")
	root.CreateAttr("xmlns", NamespaceResponse)
	resp := root.CreateElement("Response")
	resp.CreateAttr("xmlns", NamespaceOutlookResponse)
	if name := st.Name(); name != "" {
		resp.CreateElement("User").CreateElement("DisplayName").SetText(name)
	}
	acct := resp.CreateElement("Account")
	acct.CreateElement("AccountType").SetText("email")
	acct.CreateElement("Action").SetText("settings")
	for _, srv := range incoming {
		protocol(acct, srv)
	}
	for _, srv := range outgoing {
		el := protocol(acct, srv)
		el.CreateElement("UsePOPAuth").SetText(onOff(srv.Auth != mailprofile.AuthNone && srv.Username == incoming[0].Username))
		el.CreateElement("SMTPLast").SetText("off")
	}
	doc.Indent(2) // which ends the document with a newline
	// Each part is written straight into a buffer of about the answer's
	// size: Document.WriteTo would put a new 4 KB bufio.Writer in between,
	// a fifth of all that serving an answer allocates.
	var buf bytes.Buffer
	buf.Grow(2 << 10)
	for _, t := range doc.Child {
		t.WriteTo(&buf, &doc.WriteSettings)
	}
	return buf.Bytes(), nil
}

// usable keeps the servers that POX can express, each with the first way
// to log in that it can say: not OAuth2.
func usable(servers []mailprofile.Server) []mailprofile.Server {
	var out []mailprofile.Server
	for _, s := range servers {
		if a, ok := Auth(s); ok {
			s.Auth, s.AuthAlternatives = a, nil
			out = append(out, s)
		}
	}
	return out
}

// Auth is the way to log in to srv that an Autodiscover response says: the
// first of srv.Auths that it can say. POX has no word for OAuth2, and none
// for CRAM-MD5 either: password-encrypted is said as a password sent as it
// is (protected by TLS).
func Auth(srv mailprofile.Server) (mailprofile.Auth, bool) {
	for _, a := range srv.Auths() {
		if a != mailprofile.AuthOAuth2 {
			return a, true
		}
	}
	return "", false
}

var protocolTypes = map[mailprofile.Protocol]string{
	mailprofile.ProtocolIMAP: "IMAP",
	mailprofile.ProtocolPOP3: "POP3",
	mailprofile.ProtocolSMTP: "SMTP",
}

var encryptions = map[mailprofile.Security]string{
	mailprofile.SecurityTLS:      "SSL",
	mailprofile.SecurityStartTLS: "TLS",
	mailprofile.SecurityNone:     "None",
}

func protocol(parent *etree.Element, srv mailprofile.Server) *etree.Element {
	el := parent.CreateElement("Protocol")
	el.CreateElement("Type").SetText(protocolTypes[srv.Protocol])
	el.CreateElement("Server").SetText(srv.Host)
	el.CreateElement("Port").SetText(strconv.Itoa(srv.Port))
	el.CreateElement("DomainRequired").SetText("off")
	if srv.Auth != mailprofile.AuthNone {
		el.CreateElement("LoginName").SetText(srv.Username)
	}
	el.CreateElement("SPA").SetText("off")
	el.CreateElement("SSL").SetText(onOff(srv.Security.Encrypted()))
	el.CreateElement("Encryption").SetText(encryptions[srv.Security])
	el.CreateElement("AuthRequired").SetText(onOff(srv.Auth != mailprofile.AuthNone))
	return el
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

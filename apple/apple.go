// Package apple writes Apple configuration profiles (.mobileconfig) that add
// mail accounts on iPhone, iPad, Mac and Vision Pro: one
// com.apple.mail.managed payload per account and server set.
//
// # What the devices make of it
//
// PayloadIdentifier decides whether an installed profile is replaced or a
// new one added. Identifiers and UUIDs here are derived from the address,
// the server set and its incoming host, so installing a profile again
// replaces it, and the profile for the new server never replaces the one for
// the old server: during a move both accounts stay side by side.
//
// A mail payload holds one incoming and one outgoing server, so the first
// server of each that the format can express is used (OAuth2 cannot be).
// TLS is a single boolean: true for both implicit TLS and STARTTLS, and the
// device chooses by the port.
//
// Passwords are left out unless Options.IncludePasswords is set; the device
// then asks for them while installing, once for both servers when they share
// the login. Apple advises passwords only in encrypted profiles: a file with
// one must be kept private.
package apple

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile"
)

// ContentType is the media type that makes Safari hand a profile to
// Settings.
const ContentType = "application/x-apple-aspen-config"

// Options are the choices of Generate. A nil *Options is the zero value.
type Options struct {
	// IncludePasswords writes each account's password for the set into
	// the profile. The zero value leaves passwords out and the device asks.
	IncludePasswords bool

	// Signer signs the profile (CMS, DER) so that devices show it as
	// "Verified". Nil writes the profile unsigned: "Not Signed".
	Signer *Signer

	// RootCA adds a com.apple.security.root payload with this certificate,
	// for mail servers whose certificates come from a private CA. iOS
	// installs it, but the person must still turn on full trust for it
	// (Settings → General → About → Certificate Trust Settings); the
	// payload's description says so. Nil adds none.
	RootCA *x509.Certificate
}

// Generate writes one configuration profile that adds the account of every
// Settings in ss as a mail account. ss must be non-empty and every Settings
// must have an Account: a profile for the whole domain would not know whose
// address to add. The result is a *mailprofile.UnsupportedError when a
// Settings has no server a profile can express.
func Generate(ss []*mailprofile.Settings, opts *Options) ([]byte, error) {
	if opts == nil {
		opts = &Options{}
	}
	if len(ss) == 0 {
		return nil, &mailprofile.UnsupportedError{Client: "apple", Field: "settings", Reason: "no account to add"}
	}
	var (
		payloads = make([]any, 0, len(ss)+1)
		keys     = make([]string, 0, len(ss))
		descrs   = make([]string, 0, len(ss))
	)
	for _, st := range ss {
		if err := st.Check(); err != nil {
			return nil, err
		}
		m, key, err := mailPayload(st, opts)
		if err != nil {
			return nil, err
		}
		payloads = append(payloads, m)
		keys = append(keys, key)
		descrs = append(descrs, summary(st, m))
	}
	site := ss[0].Site
	if opts.RootCA != nil {
		payloads = append(payloads, rootPayload(site.Domain, opts.RootCA))
	}
	var id, name string
	if len(ss) == 1 {
		id = identifier(site.Domain, ss[0], keys[0])
		name = ss[0].Description()
	} else {
		sorted := slices.Clone(keys)
		slices.Sort(sorted)
		id = reverseDomain(site.Domain) + ".mailprofile.bundle." + digest(strings.Join(sorted, "\n"))
		name = site.DisplayName() + " — " + strings.Join(uniqueLabels(ss), ", ")
	}
	doc, err := plist.MarshalIndent(configuration{
		PayloadContent:      payloads,
		PayloadDescription:  strings.Join(descrs, "\n"),
		PayloadDisplayName:  name,
		PayloadIdentifier:   id,
		PayloadOrganization: site.DisplayName(),
		PayloadType:         "Configuration",
		PayloadUUID:         uuid5(id),
		PayloadVersion:      1,
	}, plist.XMLFormat, "\t")
	if err != nil {
		return nil, err
	}
	doc = append(doc, '\n')
	if opts.Signer != nil {
		return opts.Signer.Sign(doc)
	}
	return doc, nil
}

// configuration is the top-level dictionary of a profile (TopLevel.yaml).
type configuration struct {
	PayloadContent      []any  `plist:"PayloadContent"`
	PayloadDescription  string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName  string `plist:"PayloadDisplayName"`
	PayloadIdentifier   string `plist:"PayloadIdentifier"`
	PayloadOrganization string `plist:"PayloadOrganization,omitempty"`
	PayloadType         string `plist:"PayloadType"`
	PayloadUUID         string `plist:"PayloadUUID"`
	PayloadVersion      int    `plist:"PayloadVersion"`
}

// rootCertificate is a com.apple.security.root payload
// (com.apple.security.root.yaml plus CommonPayloadKeys.yaml).
type rootCertificate struct {
	PayloadCertificateFileName string `plist:"PayloadCertificateFileName"`
	PayloadContent             []byte `plist:"PayloadContent"`
	PayloadDescription         string `plist:"PayloadDescription"`
	PayloadDisplayName         string `plist:"PayloadDisplayName"`
	PayloadIdentifier          string `plist:"PayloadIdentifier"`
	PayloadType                string `plist:"PayloadType"`
	PayloadUUID                string `plist:"PayloadUUID"`
	PayloadVersion             int    `plist:"PayloadVersion"`
}

// rootPayload is the com.apple.security.root payload of cert. Its
// identifier depends only on the domain and the certificate, so it is the
// same in every person's profile.
func rootPayload(domain string, cert *x509.Certificate) rootCertificate {
	id := reverseDomain(domain) + ".mailprofile.root." + digest(string(cert.Raw))
	name := cert.Subject.CommonName
	if name == "" {
		name = cert.Subject.String()
	}
	return rootCertificate{
		PayloadCertificateFileName: idPart(name) + ".cer",
		PayloadContent:             cert.Raw,
		PayloadDescription:         "The certificate of the mail servers' own CA. After installing, turn on full trust for it: Settings → General → About → Certificate Trust Settings.",
		PayloadDisplayName:         name,
		PayloadIdentifier:          id,
		PayloadType:                "com.apple.security.root",
		PayloadUUID:                uuid5(id),
		PayloadVersion:             1,
	}
}

// mailManaged is a com.apple.mail.managed payload
// (com.apple.mail.managed.yaml plus CommonPayloadKeys.yaml).
type mailManaged struct {
	PayloadType         string `plist:"PayloadType"`
	PayloadVersion      int    `plist:"PayloadVersion"`
	PayloadIdentifier   string `plist:"PayloadIdentifier"`
	PayloadUUID         string `plist:"PayloadUUID"`
	PayloadDisplayName  string `plist:"PayloadDisplayName"`
	PayloadOrganization string `plist:"PayloadOrganization,omitempty"`

	EmailAccountType        string `plist:"EmailAccountType"`
	EmailAccountDescription string `plist:"EmailAccountDescription"`
	EmailAccountName        string `plist:"EmailAccountName,omitempty"`
	EmailAddress            string `plist:"EmailAddress"`

	IncomingMailServerHostName       string `plist:"IncomingMailServerHostName"`
	IncomingMailServerPortNumber     int    `plist:"IncomingMailServerPortNumber"`
	IncomingMailServerUseSSL         bool   `plist:"IncomingMailServerUseSSL"`
	IncomingMailServerAuthentication string `plist:"IncomingMailServerAuthentication"`
	IncomingMailServerUsername       string `plist:"IncomingMailServerUsername,omitempty"`
	IncomingPassword                 string `plist:"IncomingPassword,omitempty"`

	OutgoingMailServerHostName             string `plist:"OutgoingMailServerHostName"`
	OutgoingMailServerPortNumber           int    `plist:"OutgoingMailServerPortNumber"`
	OutgoingMailServerUseSSL               bool   `plist:"OutgoingMailServerUseSSL"`
	OutgoingMailServerAuthentication       string `plist:"OutgoingMailServerAuthentication"`
	OutgoingMailServerUsername             string `plist:"OutgoingMailServerUsername,omitempty"`
	OutgoingPassword                       string `plist:"OutgoingPassword,omitempty"`
	OutgoingPasswordSameAsIncomingPassword bool   `plist:"OutgoingPasswordSameAsIncomingPassword,omitempty"`
}

var accountTypes = map[mailprofile.Protocol]string{
	mailprofile.ProtocolIMAP: "EmailTypeIMAP",
	mailprofile.ProtocolPOP3: "EmailTypePOP",
}

var authentications = map[mailprofile.Auth]string{
	mailprofile.AuthPasswordCleartext: "EmailAuthPassword",
	mailprofile.AuthPasswordEncrypted: "EmailAuthCRAMMD5",
	mailprofile.AuthNone:              "EmailAuthNone",
}

// first returns the first server a profile can express, with the first
// way to log in that a profile can say.
func first(servers []mailprofile.Server) (mailprofile.Server, bool) {
	for _, s := range servers {
		if a, ok := Auth(s); ok {
			s.Auth, s.AuthAlternatives = a, nil
			return s, true
		}
	}
	return mailprofile.Server{}, false
}

// Auth is the way to log in to srv that a profile says: the first of
// srv.Auths that it can say. A profile has no word for OAuth2.
func Auth(srv mailprofile.Server) (mailprofile.Auth, bool) {
	for _, a := range srv.Auths() {
		if _, ok := authentications[a]; ok {
			return a, true
		}
	}
	return "", false
}

// mailPayload builds the payload for st and returns it with the key that
// identifies the account: address, set and incoming host.
func mailPayload(st *mailprofile.Settings, opts *Options) (mailManaged, string, error) {
	if st.Account == nil {
		return mailManaged{}, "", &mailprofile.UnsupportedError{Client: "apple", Field: "account",
			Reason: "a profile adds one person's account; there is no profile for the whole domain"}
	}
	in, okIn := first(st.Incoming)
	out, okOut := first(st.Outgoing)
	if !okIn || !okOut {
		return mailManaged{}, "", &mailprofile.UnsupportedError{Client: "apple", Field: "servers",
			Reason: fmt.Sprintf("%s: Apple profiles cannot express OAuth2 logins, and every incoming or outgoing server uses one", st.Description())}
	}
	// The address, the set and the incoming host identify the account.
	key := st.Address() + "\x00" + st.Set.Name + "\x00" + in.Host
	id := identifier(st.Site.Domain, st, key) + ".mail"
	m := mailManaged{
		PayloadType:         "com.apple.mail.managed",
		PayloadVersion:      1,
		PayloadIdentifier:   id,
		PayloadUUID:         uuid5(id),
		PayloadDisplayName:  st.Description(),
		PayloadOrganization: st.Site.DisplayName(),

		EmailAccountType:        accountTypes[in.Protocol],
		EmailAccountDescription: st.Description(),
		EmailAccountName:        st.Name(),
		EmailAddress:            st.Address(),

		IncomingMailServerHostName:       in.Host,
		IncomingMailServerPortNumber:     in.Port,
		IncomingMailServerUseSSL:         in.Security.Encrypted(),
		IncomingMailServerAuthentication: authentications[in.Auth],
		IncomingMailServerUsername:       in.Username,

		OutgoingMailServerHostName:       out.Host,
		OutgoingMailServerPortNumber:     out.Port,
		OutgoingMailServerUseSSL:         out.Security.Encrypted(),
		OutgoingMailServerAuthentication: authentications[out.Auth],
		OutgoingMailServerUsername:       out.Username,
	}
	if pw := st.Password(); opts.IncludePasswords && !pw.IsZero() {
		m.IncomingPassword = pw.Reveal()
		if out.Auth != mailprofile.AuthNone {
			m.OutgoingPassword = pw.Reveal()
		}
	} else {
		m.OutgoingPasswordSameAsIncomingPassword = out.Auth != mailprofile.AuthNone && out.Username == in.Username
	}
	return m, key, nil
}

// identifier is the reverse-DNS identifier of the profile that adds st
// alone: readable parts for people, then a digest of key so that no two
// accounts, sets or hosts share one.
func identifier(domain string, st *mailprofile.Settings, key string) string {
	local := st.Address()
	if i := strings.LastIndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	return reverseDomain(domain) + ".mailprofile." + idPart(st.Set.Name) + "." + idPart(local) + "." + digest(key)
}

// idPart keeps the characters that are safe in a reverse-DNS identifier.
func idPart(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = unicode.ToLower(r)
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

func reverseDomain(domain string) string {
	labels := strings.Split(domain, ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".")
}

// digest is the first 8 bytes of the SHA-256 of s, in hex.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// namespace is the UUID namespace of mailprofile's name-based UUIDs: a fixed
// value chosen once for mailprofile. Changing it would change every
// identifier and so stop reinstalled profiles from replacing old ones.
var namespace = []byte{0x5c, 0x3b, 0x1e, 0x6a, 0x8d, 0x2f, 0x4b, 0x57, 0x9a, 0x0e, 0x61, 0x72, 0x6f, 0x66, 0x69, 0x6c}

// uuid5 returns the RFC 9562 version 5 (SHA-1, name-based) UUID of name, in
// upper case as Apple's tools write them.
func uuid5(name string) string {
	sum := sha1.Sum(append(slices.Clip(namespace), name...))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	h := strings.ToUpper(hex.EncodeToString(u))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// summary is one line of the profile's description: the account and the
// servers it will use.
func summary(st *mailprofile.Settings, m mailManaged) string {
	in := "IMAP"
	if m.EmailAccountType == accountTypes[mailprofile.ProtocolPOP3] {
		in = "POP3"
	}
	return fmt.Sprintf("%s: %s %s:%d, SMTP %s:%d", st.Description(),
		in, m.IncomingMailServerHostName, m.IncomingMailServerPortNumber,
		m.OutgoingMailServerHostName, m.OutgoingMailServerPortNumber)
}

func uniqueLabels(ss []*mailprofile.Settings) []string {
	var labels []string
	for _, st := range ss {
		if l := st.Set.DisplayLabel(); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
}

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

// Generate writes one configuration profile that adds every Profile in ps as
// a mail account. ps must be non-empty and every Profile must have an
// Account: a profile for the whole domain would not know whose address to
// add. The result is a *mailprofile.UnsupportedError when a Profile has no
// server a profile can express.
func Generate(ps []*mailprofile.Profile, opts *Options) ([]byte, error) {
	if opts == nil {
		opts = &Options{}
	}
	if len(ps) == 0 {
		return nil, &mailprofile.UnsupportedError{Client: "apple", Field: "profiles", Reason: "no account to add"}
	}
	var (
		payloads = make([]dict, 0, len(ps))
		keys     = make([]string, 0, len(ps))
		descrs   = make([]string, 0, len(ps))
	)
	for _, p := range ps {
		m, key, err := mailPayload(p, opts)
		if err != nil {
			return nil, err
		}
		payloads = append(payloads, m.dict())
		keys = append(keys, key)
		descrs = append(descrs, summary(p, m))
	}
	if opts.RootCA != nil {
		payloads = append(payloads, rootPayload(ps[0].Site.Domain, opts.RootCA))
	}

	site := ps[0].Site
	var id, name string
	if len(ps) == 1 {
		id = identifier(site.Domain, ps[0], keys[0])
		name = ps[0].Description()
	} else {
		sorted := slices.Clone(keys)
		slices.Sort(sorted)
		id = reverseDomain(site.Domain) + ".mailprofile.bundle." + digest(strings.Join(sorted, "\n"))
		name = site.DisplayName() + " — " + strings.Join(uniqueLabels(ps), ", ")
	}
	// The top-level dictionary (TopLevel.yaml).
	top := make(dict, 0, 8) // in key order
	top.array("PayloadContent", payloads)
	top.strIf("PayloadDescription", strings.Join(descrs, "\n"))
	top.str("PayloadDisplayName", name)
	top.str("PayloadIdentifier", id)
	top.strIf("PayloadOrganization", site.DisplayName())
	top.str("PayloadType", "Configuration")
	top.str("PayloadUUID", uuid5(id))
	top.integer("PayloadVersion", 1)
	doc := marshal(top)
	if opts.Signer != nil {
		return opts.Signer.Sign(doc)
	}
	return doc, nil
}

// rootPayload is the com.apple.security.root payload of cert. Its
// identifier depends only on the domain and the certificate, so it is the
// same in every person's profile.
func rootPayload(domain string, cert *x509.Certificate) dict {
	id := reverseDomain(domain) + ".mailprofile.root." + digest(string(cert.Raw))
	name := cert.Subject.CommonName
	if name == "" {
		name = cert.Subject.String()
	}
	d := make(dict, 0, 9) // in key order
	d.str("PayloadCertificateFileName", idPart(name)+".cer")
	d.bytes("PayloadContent", cert.Raw)
	d.str("PayloadDescription", "The certificate of the mail servers' own CA. After installing, turn on full trust for it: Settings → General → About → Certificate Trust Settings.")
	d.str("PayloadDisplayName", name)
	d.str("PayloadIdentifier", id)
	d.str("PayloadType", "com.apple.security.root")
	d.str("PayloadUUID", uuid5(id))
	d.integer("PayloadVersion", 1)
	return d
}

// mailManaged is a com.apple.mail.managed payload
// (com.apple.mail.managed.yaml plus CommonPayloadKeys.yaml).
type mailManaged struct {
	PayloadType         string
	PayloadVersion      int
	PayloadIdentifier   string
	PayloadUUID         string
	PayloadDisplayName  string
	PayloadOrganization string

	EmailAccountType        string
	EmailAccountDescription string
	EmailAccountName        string
	EmailAddress            string

	IncomingMailServerHostName       string
	IncomingMailServerPortNumber     int
	IncomingMailServerUseSSL         bool
	IncomingMailServerAuthentication string
	IncomingMailServerUsername       string
	IncomingPassword                 string

	OutgoingMailServerHostName             string
	OutgoingMailServerPortNumber           int
	OutgoingMailServerUseSSL               bool
	OutgoingMailServerAuthentication       string
	OutgoingMailServerUsername             string
	OutgoingPassword                       string
	OutgoingPasswordSameAsIncomingPassword bool
}

// dict is the payload dictionary (com.apple.mail.managed.yaml and
// CommonPayloadKeys.yaml); optional strings are left out when empty.
func (m mailManaged) dict() dict {
	d := make(dict, 0, 26) // in key order, so that write need not sort
	d.str("EmailAccountDescription", m.EmailAccountDescription)
	d.strIf("EmailAccountName", m.EmailAccountName)
	d.str("EmailAccountType", m.EmailAccountType)
	d.str("EmailAddress", m.EmailAddress)
	d.str("IncomingMailServerAuthentication", m.IncomingMailServerAuthentication)
	d.str("IncomingMailServerHostName", m.IncomingMailServerHostName)
	d.integer("IncomingMailServerPortNumber", m.IncomingMailServerPortNumber)
	d.boolean("IncomingMailServerUseSSL", m.IncomingMailServerUseSSL)
	d.strIf("IncomingMailServerUsername", m.IncomingMailServerUsername)
	d.strIf("IncomingPassword", m.IncomingPassword)
	d.str("OutgoingMailServerAuthentication", m.OutgoingMailServerAuthentication)
	d.str("OutgoingMailServerHostName", m.OutgoingMailServerHostName)
	d.integer("OutgoingMailServerPortNumber", m.OutgoingMailServerPortNumber)
	d.boolean("OutgoingMailServerUseSSL", m.OutgoingMailServerUseSSL)
	d.strIf("OutgoingMailServerUsername", m.OutgoingMailServerUsername)
	d.strIf("OutgoingPassword", m.OutgoingPassword)
	if m.OutgoingPasswordSameAsIncomingPassword {
		d.boolean("OutgoingPasswordSameAsIncomingPassword", true)
	}
	d.str("PayloadDisplayName", m.PayloadDisplayName)
	d.str("PayloadIdentifier", m.PayloadIdentifier)
	d.strIf("PayloadOrganization", m.PayloadOrganization)
	d.str("PayloadType", m.PayloadType)
	d.str("PayloadUUID", m.PayloadUUID)
	d.integer("PayloadVersion", m.PayloadVersion)
	return d
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

// first returns the first server a profile can express.
func first(servers []mailprofile.Server) (mailprofile.Server, bool) {
	for _, s := range servers {
		if _, ok := authentications[s.Auth]; ok {
			return s, true
		}
	}
	return mailprofile.Server{}, false
}

// mailPayload builds the payload for p and returns it with the key that
// identifies the account: address, set and incoming host.
func mailPayload(p *mailprofile.Profile, opts *Options) (mailManaged, string, error) {
	if p.Account == nil {
		return mailManaged{}, "", &mailprofile.UnsupportedError{Client: "apple", Field: "account",
			Reason: "a profile adds one person's account; there is no profile for the whole domain"}
	}
	in, out, key, err := firstServers(p)
	if err != nil {
		return mailManaged{}, "", err
	}
	id := identifier(p.Site.Domain, p, key) + ".mail"
	m := mailManaged{
		PayloadType:         "com.apple.mail.managed",
		PayloadVersion:      1,
		PayloadIdentifier:   id,
		PayloadUUID:         uuid5(id),
		PayloadDisplayName:  p.Description(),
		PayloadOrganization: p.Site.DisplayName(),

		EmailAccountType:        accountTypes[in.Protocol],
		EmailAccountDescription: p.Description(),
		EmailAccountName:        p.Name(),
		EmailAddress:            p.Address(),

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
	samePassword := out.Auth != mailprofile.AuthNone && out.Username == in.Username
	if pw := p.Password(); opts.IncludePasswords && !pw.IsZero() {
		m.IncomingPassword = pw.Reveal()
		if out.Auth != mailprofile.AuthNone {
			m.OutgoingPassword = pw.Reveal()
		}
	} else {
		m.OutgoingPasswordSameAsIncomingPassword = samePassword
	}
	return m, key, nil
}

// firstServers returns the servers a payload for p uses, and the key that
// identifies the account: address, set and incoming host.
func firstServers(p *mailprofile.Profile) (in, out mailprofile.Server, key string, err error) {
	in, okIn := first(p.Incoming)
	out, okOut := first(p.Outgoing)
	if !okIn || !okOut {
		return in, out, "", &mailprofile.UnsupportedError{Client: "apple", Field: "servers",
			Reason: fmt.Sprintf("%s: Apple profiles cannot express OAuth2 logins, and every incoming or outgoing server uses one", p.Description())}
	}
	return in, out, string(appendAccountKey(nil, p.Address(), p.Set.Name, in.Host)), nil
}

// appendAccountKey appends the key that identifies an account on a set:
// its address, the set's name and the incoming host, NUL-separated.
func appendAccountKey(dst []byte, addr, set, host string) []byte {
	dst = append(dst, addr...)
	dst = append(dst, 0)
	dst = append(dst, set...)
	dst = append(dst, 0)
	return append(dst, host...)
}

// identifier is the reverse-DNS identifier of the profile that adds p alone:
// readable parts for people, then a digest of key so that no two accounts,
// sets or hosts share one.
func identifier(domain string, p *mailprofile.Profile, key string) string {
	return reverseDomain(domain) + ".mailprofile." + idPart(p.Set.Name) + "." + idPart(localPartOf(p.Address())) + "." + digest(key)
}

func localPartOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[:i]
	}
	return addr
}

// idPart keeps the characters that are safe in a reverse-DNS identifier.
func idPart(s string) string {
	return string(appendIDPart(nil, s))
}

// appendIDPart appends idPart(s) to dst.
func appendIDPart(dst []byte, s string) []byte {
	start := len(dst)
	for _, r := range s {
		r = unicode.ToLower(r)
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' {
			dst = append(dst, byte(r))
		} else {
			dst = append(dst, '-')
		}
	}
	if len(dst) == start {
		dst = append(dst, 'x')
	}
	return dst
}

func reverseDomain(domain string) string {
	labels := strings.Split(domain, ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".")
}

func digest(s string) string {
	return string(appendDigest(nil, []byte(s)))
}

// appendDigest appends the digest of key: the first 8 bytes of its SHA-256,
// in hex.
func appendDigest(dst, key []byte) []byte {
	sum := sha256.Sum256(key)
	return hex.AppendEncode(dst, sum[:8])
}

// namespace is the UUID namespace of mailprofile's name-based UUIDs: a fixed
// value chosen once for mailprofile. Changing it would change every
// identifier and so stop reinstalled profiles from replacing old ones.
var namespace = [16]byte{0x5c, 0x3b, 0x1e, 0x6a, 0x8d, 0x2f, 0x4b, 0x57, 0x9a, 0x0e, 0x61, 0x72, 0x6f, 0x66, 0x69, 0x6c}

// uuid5 returns the RFC 9562 version 5 (SHA-1, name-based) UUID of name, in
// upper case as Apple's tools write them.
func uuid5(name string) string {
	var out [36]byte
	formatUUID5(&out, append(namespace[:len(namespace):len(namespace)], name...))
	return string(out[:])
}

// formatUUID5 writes to out the version 5 UUID whose SHA-1 input is
// namespaced: the namespace's 16 bytes, then the name.
func formatUUID5(out *[36]byte, namespaced []byte) {
	sum := sha1.Sum(namespaced)
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	const digits = "0123456789ABCDEF"
	j := 0
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = digits[b>>4], digits[b&0x0f]
		j += 2
	}
}

// summary is one line of the profile's description: the account and the
// servers it will use.
func summary(p *mailprofile.Profile, m mailManaged) string {
	in := "IMAP"
	if m.EmailAccountType == accountTypes[mailprofile.ProtocolPOP3] {
		in = "POP3"
	}
	return fmt.Sprintf("%s: %s %s:%d, SMTP %s:%d", p.Description(),
		in, m.IncomingMailServerHostName, m.IncomingMailServerPortNumber,
		m.OutgoingMailServerHostName, m.OutgoingMailServerPortNumber)
}

func uniqueLabels(ps []*mailprofile.Profile) []string {
	var labels []string
	for _, p := range ps {
		if l := p.Set.DisplayLabel(); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
}

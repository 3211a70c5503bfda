package apple

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/internal/cut"
)

// Template makes the profile of one server set for any address of the
// site's domain, as Generate would for an account with that address and
// nothing else, but in a fraction of the time: it is made once, from the
// profile of a stand-in address, and each Generate fills in the address,
// its digest and UUIDs. The served endpoint uses it.
type Template struct {
	site  *mailprofile.Site
	set   *mailprofile.ServerSet
	parts []cut.Piece[slot]

	// The servers of the payload: their login templates and the incoming
	// host, which identifies the account with the address and the set.
	inLogin, outLogin string
	host              string

	// sameLogin is whether the stand-in's incoming and outgoing logins
	// were equal; an address for which this differs is generated in full.
	// loginsAlike is whether their templates are the same, so that this
	// holds for every address.
	sameLogin, loginsAlike bool

	idPrefix      string // the identifier up to idPart(local part)
	unicodeDomain string // the domain as people read it
	size          int    // bytes of literal text in parts

	opts Options
}

type slot int

const (
	slotNone        slot = iota
	slotAddress          // the address
	slotUnicode          // the address with a Unicode domain, for people
	slotLocal            // the local part
	slotIdentifier       // idPart(local part) + "." + digest
	slotProfileUUID      // the profile's UUID
	slotPayloadUUID      // the payload's UUID
)

// standIn is the local part of the address a Template is made from: one no
// profile would otherwise contain.
const standIn = "mailprofile0template0standin"

// NewTemplate makes the Template of the set named set ("" for the default
// set), with the options of Generate (nil for none). It fails as Generate
// does when the set cannot be expressed.
func NewTemplate(site *mailprofile.Site, set string, opts *Options) (*Template, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	unsigned := o
	unsigned.Signer = nil // the template is filled in, then signed
	addr := standIn + "@" + site.Domain
	p, err := site.Profile(set, &mailprofile.Account{Address: addr})
	if err != nil {
		return nil, err
	}
	in, out, key, err := firstServers(p)
	if err != nil {
		return nil, err
	}
	doc, err := Generate([]*mailprofile.Profile{p}, &unsigned)
	if err != nil {
		return nil, err
	}
	id := identifier(site.Domain, p, key)
	needles := []cut.Needle[slot]{
		{Text: uuid5(id), Key: slotProfileUUID},
		{Text: uuid5(id + ".mail"), Key: slotPayloadUUID},
		{Text: standIn + "." + digest(key), Key: slotIdentifier},
		{Text: mailprofile.UnicodeAddress(addr), Key: slotUnicode},
		{Text: addr, Key: slotAddress},
		{Text: standIn, Key: slotLocal},
	}
	t := &Template{site: site, set: p.Set, sameLogin: in.Username == out.Username, host: in.Host, opts: o}
	tmpl, err := site.Profile(set, nil)
	if err != nil {
		return nil, err
	}
	tin, tout, _, err := firstServers(tmpl)
	if err != nil {
		return nil, err
	}
	t.inLogin, t.outLogin = tin.Username, tout.Username
	t.loginsAlike = t.inLogin == t.outLogin
	t.idPrefix = reverseDomain(site.Domain) + ".mailprofile." + idPart(p.Set.Name) + "."
	t.unicodeDomain = site.UnicodeDomain()
	t.parts = cut.At(doc, needles)
	t.size = cut.Size(t.parts)
	return t, nil
}

// Generate returns the profile for addr, which must be a normalised address
// (mailprofile.ParseAddress) in the template's domain.
func (t *Template) Generate(addr string) ([]byte, error) {
	return t.Append(make([]byte, 0, t.size+256), addr)
}

// Append appends the profile for addr to dst and returns the extended
// slice, as Generate would make it. With a dst of enough capacity, an
// unsigned profile is made without allocating: the served endpoint passes
// a buffer it reuses.
func (t *Template) Append(dst []byte, addr string) ([]byte, error) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || !strings.EqualFold(addr[at+1:], t.site.Domain) {
		return nil, fmt.Errorf("apple: %q is not an address of %s", addr, t.site.Domain)
	}
	// Whether the device is told to ask once for both passwords depends
	// on the logins: when their templates differ, an address may rarely
	// make them equal, or different, where the stand-in did not. Such an
	// address is made in full.
	if !t.loginsAlike {
		in := mailprofile.ExpandUsername(t.inLogin, addr)
		out := mailprofile.ExpandUsername(t.outLogin, addr) // "" stays "": no login for sending
		if (in == out) != t.sameLogin {
			p, err := t.site.Profile(t.set.Name, &mailprofile.Account{Address: addr})
			if err != nil {
				return nil, err
			}
			doc, err := Generate([]*mailprofile.Profile{p}, &t.opts)
			return append(dst, doc...), err
		}
	}
	local := addr[:at]

	// The identifier, and the names the UUIDs are made from, in one
	// buffer on the stack: namespace, identifier, ".mail".
	var idBuf [512]byte
	name := append(idBuf[:0], namespace[:]...)
	name = append(name, t.idPrefix...)
	tail := len(name) // where idPart(local part) + "." + digest starts
	name = appendIDPart(name, local)
	name = append(name, '.')
	name = t.appendDigest(name, addr)
	idEnd := len(name)
	name = append(name, ".mail"...)
	var profileUUID, payloadUUID [36]byte
	formatUUID5(&profileUUID, name[:idEnd])
	formatUUID5(&payloadUUID, name)

	// The address goes in several times: escaped once. The local part
	// holds no "@", and escaping makes none.
	var escBuf [256]byte
	esc := appendEscaped(escBuf[:0], addr)
	escLocal := esc[:bytes.LastIndexByte(esc, '@')]
	escUnicode := esc
	if t.unicodeDomain != t.site.Domain {
		escUnicode = append(esc[len(esc):], escLocal...) // after esc, in the same buffer
		escUnicode = appendEscaped(append(escUnicode, '@'), t.unicodeDomain)
	}

	start := len(dst)
	for _, pt := range t.parts {
		dst = append(dst, pt.Literal...)
		switch pt.Key {
		case slotAddress:
			dst = append(dst, esc...)
		case slotUnicode:
			dst = append(dst, escUnicode...)
		case slotLocal:
			dst = append(dst, escLocal...)
		case slotIdentifier:
			dst = append(dst, name[tail:idEnd]...) // idPart and digest: nothing to escape
		case slotProfileUUID:
			dst = append(dst, profileUUID[:]...)
		case slotPayloadUUID:
			dst = append(dst, payloadUUID[:]...)
		}
	}
	if t.opts.Signer != nil {
		signed, err := t.opts.Signer.Sign(dst[start:])
		if err != nil {
			return nil, err
		}
		return append(dst[:start], signed...), nil
	}
	return dst, nil
}

// appendDigest appends the digest of the key that identifies addr's
// account on the template's set and host (see identifier).
func (t *Template) appendDigest(dst []byte, addr string) []byte {
	var keyBuf [512]byte
	return appendDigest(dst, appendAccountKey(keyBuf[:0], addr, t.set.Name, t.host))
}

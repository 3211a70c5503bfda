package apple

import (
	"bytes"

	"github.com/mailprofile/mailprofile"
)

// Template makes the profile of one server set for any address of the
// site's domain, as Generate would for an account with that address and
// nothing else, but in a fraction of the time: it is made once, from the
// profile of a stand-in address, and each Generate fills in the address,
// its digest and UUIDs. The served endpoint uses it.
type Template struct {
	site  *mailprofile.Site
	set   *mailprofile.ServerSet
	parts []part

	// The servers of the payload: their login templates and the incoming
	// host, which identifies the account with the address and the set.
	inLogin, outLogin string
	host              string

	// sameLogin is whether the stand-in's incoming and outgoing logins
	// were equal; an address for which this differs is generated in full.
	sameLogin bool

	opts Options
}

type part struct {
	literal []byte
	slot    slot // what follows the literal; slotNone after the last
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
	needles := []struct {
		text string
		slot slot
	}{
		{uuid5(id), slotProfileUUID},
		{uuid5(id + ".mail"), slotPayloadUUID},
		{standIn + "." + digest(key), slotIdentifier},
		{mailprofile.UnicodeAddress(addr), slotUnicode},
		{addr, slotAddress},
		{standIn, slotLocal},
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
	for len(doc) > 0 {
		at, which, size := -1, slotNone, 0
		for _, n := range needles {
			if i := bytes.Index(doc, []byte(n.text)); i >= 0 && (at < 0 || i < at) {
				at, which, size = i, n.slot, len(n.text)
			}
		}
		if at < 0 {
			t.parts = append(t.parts, part{literal: doc})
			break
		}
		t.parts = append(t.parts, part{literal: doc[:at], slot: which})
		doc = doc[at+size:]
	}
	return t, nil
}

// Generate returns the profile for addr, which must be a normalised address
// (mailprofile.ParseAddress) in the template's domain.
func (t *Template) Generate(addr string) ([]byte, error) {
	// Whether the device is told to ask once for both passwords depends
	// on the logins: rarely, an address makes them equal or different
	// where the stand-in did not. Such an address is made in full.
	in := mailprofile.ExpandUsername(t.inLogin, addr)
	out := mailprofile.ExpandUsername(t.outLogin, addr) // "" stays "": no login for sending
	if (in == out) != t.sameLogin {
		p, err := t.site.Profile(t.set.Name, &mailprofile.Account{Address: addr})
		if err != nil {
			return nil, err
		}
		return Generate([]*mailprofile.Profile{p}, &t.opts)
	}
	key := addr + "\x00" + t.set.Name + "\x00" + t.host
	local := localPartOf(addr)
	id := identifierFor(t.site.Domain, t.set.Name, local, key)
	buf := make([]byte, 0, 4096)
	for _, pt := range t.parts {
		buf = append(buf, pt.literal...)
		switch pt.slot {
		case slotAddress:
			buf = appendEscaped(buf, addr)
		case slotUnicode:
			buf = appendEscaped(buf, mailprofile.UnicodeAddress(addr))
		case slotLocal:
			buf = appendEscaped(buf, local)
		case slotIdentifier:
			buf = appendEscaped(buf, idPart(local)+"."+digest(key))
		case slotProfileUUID:
			buf = append(buf, uuid5(id)...)
		case slotPayloadUUID:
			buf = append(buf, uuid5(id+".mail")...)
		}
	}
	if t.opts.Signer != nil {
		return t.opts.Signer.Sign(buf)
	}
	return buf, nil
}

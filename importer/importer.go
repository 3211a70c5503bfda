// Package importer starts a description from settings a provider already
// publishes: a Thunderbird clientConfig file (its autoconfig, or its entry
// in Thunderbird's ISPDB) or an Outlook Autodiscover (POX) response. The
// result is one server set, to be written out with Site.WriteYAML and
// completed by hand; everything that has no place in a description comes
// back as a note.
package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// Options are the choices of Read. A nil *Options is the zero value.
type Options struct {
	// Set names the imported server set. The zero value means "old": the
	// usual start is the settings of the provider being left.
	Set string

	// Address is the address an Autodiscover response answered. Login
	// names equal to it, or to its local part, become placeholders, and
	// its domain is the site's.
	Address string

	// Domain is the mail domain of an Autodiscover response, which does
	// not name one, when Address is not given.
	Domain string
}

// ErrUnknownFormat is returned for a document that is neither a
// clientConfig file nor an Autodiscover response.
var ErrUnknownFormat = errors.New("importer: neither a Thunderbird clientConfig file nor an Autodiscover response")

// Read reads a clientConfig file or an Autodiscover response and returns
// the validated Site it describes, with notes on what was not imported.
func Read(data []byte, opts *Options) (*mailprofile.Site, []string, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Set == "" {
		o.Set = "old"
	}
	switch rootElement(data) {
	case "clientConfig":
		return thunderbird.Read(data, o.Set)
	case "Autodiscover":
		return readAutodiscover(data, o)
	}
	return nil, nil, ErrUnknownFormat
}

func rootElement(data []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

func readAutodiscover(data []byte, o Options) (*mailprofile.Site, []string, error) {
	addr := ""
	if o.Address != "" {
		a, err := mailprofile.ParseAddress(o.Address)
		if err != nil {
			return nil, nil, fmt.Errorf("importer: %w", err)
		}
		addr = a
	}
	set, notes, err := outlook.ReadResponse(data, o.Set, addr)
	if err != nil {
		return nil, notes, err
	}
	domain := o.Domain
	if domain == "" && addr != "" {
		domain = addr[strings.LastIndexByte(addr, '@')+1:]
	}
	if domain == "" {
		return nil, notes, errors.New("importer: an Autodiscover response does not name the mail domain: give the address it answered, or the domain")
	}
	site := &mailprofile.Site{Domain: domain, Sets: []*mailprofile.ServerSet{set}}
	for _, s := range append(append([]mailprofile.Server{}, set.Incoming...), set.Outgoing...) {
		if s.Security == mailprofile.SecurityNone {
			site.AllowInsecure = true
		}
	}
	if err := site.Validate(); err != nil {
		return nil, notes, fmt.Errorf("importer: the imported settings are not usable: %w", err)
	}
	return site, notes, nil
}

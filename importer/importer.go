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
	switch rootElement(data) {
	case "clientConfig":
		return thunderbird.Read(data, &thunderbird.ReadOptions{Set: o.Set})
	case "Autodiscover":
		return outlook.ReadResponse(data, &outlook.ReadOptions{Set: o.Set, Address: o.Address, Domain: o.Domain})
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

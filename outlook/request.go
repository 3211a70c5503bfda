package outlook

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Request is a POX Autodiscover request as a client sends it.
type Request struct {
	// EMailAddress is the address the client asks about. LegacyDN is an
	// Exchange distinguished name; a request carries one or both, and
	// LegacyDN wins when both are present (MS-OXDSCLI 3.2.5).
	EMailAddress string
	LegacyDN     string

	// AcceptableResponseSchema is the schema the client wants the answer
	// in; for mail clients NamespaceOutlookResponse.
	AcceptableResponseSchema string
}

// Errors of ParseRequest. Every error wraps ErrMalformedRequest, which a
// server answers with ErrorInvalidRequest (600); one for a body over
// MaxRequestSize also wraps ErrRequestTooLarge. Errors of the reader are
// wrapped too (such as *http.MaxBytesError).
var (
	ErrMalformedRequest = errors.New("outlook: malformed Autodiscover request")
	ErrRequestTooLarge  = errors.New("outlook: Autodiscover request too large")
)

// MaxRequestSize is the largest request body ParseRequest reads. Real
// requests are a few hundred bytes.
const MaxRequestSize = 64 << 10

// ParseRequest reads a POX Autodiscover request with encoding/xml. It is
// strict where being lenient would be dangerous and lenient where clients
// differ: a document type declaration, entity references other than XML's
// own, or more than MaxRequestSize bytes are errors; namespaces and element
// order are not checked beyond the element names.
func ParseRequest(r io.Reader) (*Request, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxRequestSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedRequest, err)
	}
	if len(body) > MaxRequestSize {
		return nil, fmt.Errorf("%w: %w: larger than %d bytes", ErrMalformedRequest, ErrRequestTooLarge, MaxRequestSize)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	dec.Entity = nil // only &lt; &gt; &amp; &apos; &quot; and character references
	var c collector
	for c.err == nil {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedRequest, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w: document type declarations are not accepted", ErrMalformedRequest)
		case xml.StartElement:
			c.start(t.Name.Local)
		case xml.CharData:
			c.text = append(c.text, t...)
		case xml.EndElement:
			c.end()
		}
	}
	return c.result()
}

// element is what the collector knows an element as, by its local name.
type element uint8

const (
	elementOther element = iota
	elementAutodiscover
	elementRequest
	elementEMailAddress
	elementLegacyDN
	elementSchema
)

func elementOf(local string) element {
	switch local {
	case "Autodiscover":
		return elementAutodiscover
	case "Request":
		return elementRequest
	case "EMailAddress":
		return elementEMailAddress
	case "LegacyDN":
		return elementLegacyDN
	case "AcceptableResponseSchema":
		return elementSchema
	}
	return elementOther
}

// collector picks the fields out of the element events of a request. Only
// the first three levels matter: Autodiscover, Request and its fields.
type collector struct {
	req   Request
	depth int        // elements open
	open  [3]element // the first three of them
	text  []byte
	found bool
	err   error
}

func (c *collector) start(local string) {
	e := elementOf(local)
	if c.depth == 0 && e != elementAutodiscover && c.err == nil {
		c.err = fmt.Errorf("%w: the root element is %s, not Autodiscover", ErrMalformedRequest, local)
	}
	if c.depth < len(c.open) {
		c.open[c.depth] = e
	}
	c.depth++
	c.text = c.text[:0]
}

func (c *collector) end() {
	if c.depth == 3 && c.open[1] == elementRequest {
		switch c.open[2] {
		case elementEMailAddress:
			c.req.EMailAddress = c.value()
		case elementLegacyDN:
			c.req.LegacyDN = c.value()
		case elementSchema:
			c.req.AcceptableResponseSchema = c.value()
		}
	}
	if c.depth == 2 && c.open[1] == elementRequest {
		c.found = true
	}
	c.depth--
	c.text = c.text[:0]
}

// value is the text of the element ending, trimmed.
func (c *collector) value() string {
	return string(bytes.TrimSpace(c.text))
}

func (c *collector) result() (*Request, error) {
	switch {
	case c.err != nil:
		return nil, c.err
	case !c.found:
		return nil, fmt.Errorf("%w: no Request element", ErrMalformedRequest)
	case c.req.EMailAddress == "" && c.req.LegacyDN == "":
		return nil, fmt.Errorf("%w: neither EMailAddress nor LegacyDN", ErrMalformedRequest)
	}
	req := c.req
	return &req, nil
}

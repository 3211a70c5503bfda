package outlook

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
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

// ParseRequest reads a POX Autodiscover request. It is strict where being
// lenient would be dangerous and lenient where clients differ: a document
// type declaration, entity references other than XML's own, or more than
// MaxRequestSize bytes are errors; namespaces and element order are not
// checked beyond the element names.
//
// Requests as clients send them (ASCII, no comments, no CDATA) are read by
// a small scanner; anything else goes through encoding/xml, which decides.
// The two agree wherever the scanner answers (a fuzz test checks this).
func ParseRequest(r io.Reader) (*Request, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxRequestSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedRequest, err)
	}
	if len(body) > MaxRequestSize {
		return nil, fmt.Errorf("%w: %w: larger than %d bytes", ErrMalformedRequest, ErrRequestTooLarge, MaxRequestSize)
	}
	if req, ok := scanRequest(body); ok {
		return req, nil
	}
	return decodeRequest(body)
}

// collector picks the fields out of the element events of a request.
type collector struct {
	req   Request
	path  []string // local names of the open elements
	text  []byte
	found bool
	err   error
}

func (c *collector) start(local string) {
	if len(c.path) == 0 && local != "Autodiscover" && c.err == nil {
		c.err = fmt.Errorf("%w: the root element is %s, not Autodiscover", ErrMalformedRequest, local)
	}
	c.path = append(c.path, local)
	c.text = c.text[:0]
}

func (c *collector) end() {
	if len(c.path) == 3 && c.path[1] == "Request" {
		v := strings.TrimSpace(string(c.text))
		switch c.path[2] {
		case "EMailAddress":
			c.req.EMailAddress = v
		case "LegacyDN":
			c.req.LegacyDN = v
		case "AcceptableResponseSchema":
			c.req.AcceptableResponseSchema = v
		}
	}
	if len(c.path) == 2 && c.path[1] == "Request" {
		c.found = true
	}
	c.path = c.path[:len(c.path)-1]
	c.text = c.text[:0]
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

// decodeRequest reads any request with encoding/xml.
func decodeRequest(body []byte) (*Request, error) {
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

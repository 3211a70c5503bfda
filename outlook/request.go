package outlook

import (
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
func ParseRequest(r io.Reader) (*Request, error) {
	dec := xml.NewDecoder(io.LimitReader(r, MaxRequestSize+1))
	dec.Strict = true
	dec.Entity = nil // only &lt; &gt; &amp; &apos; &quot; and character references
	var (
		req   Request
		path  []string
		text  strings.Builder
		found bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedRequest, err)
		}
		if dec.InputOffset() > MaxRequestSize {
			return nil, fmt.Errorf("%w: %w: larger than %d bytes", ErrMalformedRequest, ErrRequestTooLarge, MaxRequestSize)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w: document type declarations are not accepted", ErrMalformedRequest)
		case xml.StartElement:
			if len(path) == 0 && t.Name.Local != "Autodiscover" {
				return nil, fmt.Errorf("%w: the root element is %s, not Autodiscover", ErrMalformedRequest, t.Name.Local)
			}
			path = append(path, t.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(path) == 3 && path[1] == "Request" {
				v := strings.TrimSpace(text.String())
				switch path[2] {
				case "EMailAddress":
					req.EMailAddress = v
				case "LegacyDN":
					req.LegacyDN = v
				case "AcceptableResponseSchema":
					req.AcceptableResponseSchema = v
				}
			}
			if len(path) == 2 && path[1] == "Request" {
				found = true
			}
			path = path[:len(path)-1]
			text.Reset()
		}
	}
	switch {
	case !found:
		return nil, fmt.Errorf("%w: no Request element", ErrMalformedRequest)
	case req.EMailAddress == "" && req.LegacyDN == "":
		return nil, fmt.Errorf("%w: neither EMailAddress nor LegacyDN", ErrMalformedRequest)
	}
	return &req, nil
}

package outlook_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"testing"

	"github.com/mailprofile/mailprofile/outlook"
)

// FuzzParseRequest feeds ParseRequest arbitrary bodies: it must never panic
// or hang, every error must wrap ErrMalformedRequest, a success must carry
// an address or a LegacyDN, and no document type declaration may pass. CI
// runs it briefly; the seeds, among them a body of 7,000 attributes, and any
// failures found are kept in testdata/fuzz/FuzzParseRequest.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(outlookBody))
	f.Add([]byte(thunderbirdBody))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><Autodiscover/>`))
	f.Add([]byte(`<Autodiscover><Request><EMailAddress>&#x41;&amp;@b.c</EMailAddress></Request></Autodiscover>`))
	f.Add([]byte(`<a:Autodiscover xmlns:a='x'><a:Request><a:LegacyDN>/o=x</a:LegacyDN><Other/></a:Request></a:Autodiscover>`))
	f.Add([]byte(`<?xml version="1.0"?><Autodiscover><Request><EMailAddress>a@b</EMailAddress></Request></Autodiscover><!-- x -->`))
	f.Add([]byte(manyAttributes))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := outlook.ParseRequest(bytes.NewReader(body))
		if err != nil {
			if !errors.Is(err, outlook.ErrMalformedRequest) {
				t.Fatalf("error %v does not wrap ErrMalformedRequest", err)
			}
			if req != nil {
				t.Fatal("a request together with an error")
			}
			return
		}
		if req.EMailAddress == "" && req.LegacyDN == "" {
			t.Fatal("success without an address or LegacyDN")
		}
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			if _, ok := tok.(xml.Directive); ok {
				t.Fatal("a document type declaration was accepted")
			}
		}
	})
}

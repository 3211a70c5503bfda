package outlook_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/outlook"
)

// outlookBody is the request classic Outlook sends.
const outlookBody = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>info@example.co.jp</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`

// thunderbirdBody is the request Thunderbird's ExchangeAutoDiscover sends:
// one line, and the address with an ampersand escaped.
const thunderbirdBody = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>o'brien&amp;co@example.co.jp</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`

// manyAttributes is 62 KB of one element with 7,000 attributes, which once
// took a hand-written scanner 95 ms.
var manyAttributes = func() string {
	var b strings.Builder
	b.WriteString("<Autodiscover><X")
	for i := range 7000 {
		fmt.Fprintf(&b, " a%d=''", i)
	}
	b.WriteString("/></Autodiscover>")
	return b.String()
}()

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    *outlook.Request
		wantErr string
	}{
		{name: "outlook", body: outlookBody, want: &outlook.Request{
			EMailAddress:             "info@example.co.jp",
			AcceptableResponseSchema: outlook.NamespaceOutlookResponse,
		}},
		{name: "thunderbird", body: thunderbirdBody, want: &outlook.Request{
			EMailAddress:             "o'brien&co@example.co.jp",
			AcceptableResponseSchema: outlook.NamespaceOutlookResponse,
		}},
		{name: "legacyDN and prefix", body: `<a:Autodiscover xmlns:a="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><a:Request><a:LegacyDN>/o=Org/cn=x</a:LegacyDN><a:EMailAddress> x@example.com </a:EMailAddress></a:Request></a:Autodiscover>`,
			want: &outlook.Request{EMailAddress: "x@example.com", LegacyDN: "/o=Org/cn=x"}},
		{name: "mobilesync schema", body: strings.Replace(outlookBody, "outlook/responseschema/2006a", "mobilesync/responseschema/2006", 1),
			want: &outlook.Request{EMailAddress: "info@example.co.jp", AcceptableResponseSchema: "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"}},
		{name: "empty", body: "", wantErr: "no Request element"},
		{name: "not xml", body: "email=info@example.co.jp", wantErr: "malformed"},
		{name: "wrong root", body: `<Request><EMailAddress>a@b.c</EMailAddress></Request>`, wantErr: "the root element is Request, not Autodiscover"},
		{name: "no address", body: `<Autodiscover><Request><AcceptableResponseSchema>x</AcceptableResponseSchema></Request></Autodiscover>`, wantErr: "neither EMailAddress nor LegacyDN"},
		{name: "truncated", body: outlookBody[:200], wantErr: "unexpected EOF"},
		{name: "doctype", body: `<?xml version="1.0"?><!DOCTYPE Autodiscover [<!ENTITY x "y">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>`, wantErr: "document type declarations are not accepted"},
		{name: "external entity", body: `<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><Autodiscover/>`, wantErr: "document type declarations are not accepted"},
		{name: "undeclared entity", body: `<Autodiscover><Request><EMailAddress>&xxe;</EMailAddress></Request></Autodiscover>`, wantErr: "invalid character entity &xxe;"},
		{name: "many attributes", body: manyAttributes, wantErr: "no Request element"},
		{name: "oversized", body: `<Autodiscover><Request><EMailAddress>` + strings.Repeat("a", outlook.MaxRequestSize) + `@b.c</EMailAddress></Request></Autodiscover>`, wantErr: "larger than 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := outlook.ParseRequest(strings.NewReader(tt.body))
			if tt.wantErr != "" {
				require.ErrorIs(t, err, outlook.ErrMalformedRequest)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestErrorResponse(t *testing.T) {
	at := time.Date(2026, 11, 27, 21, 25, 4, 889708300, time.UTC)
	for _, code := range []outlook.ErrorCode{
		outlook.ErrorAddressNotFound, outlook.ErrorBadAddress, outlook.ErrorInvalidRequest,
		outlook.ErrorSchemaNotAvailable, outlook.ErrorBadAddressSettings, outlook.ErrorInternalServerError,
	} {
		got := outlook.ErrorResponse(code, at)
		golden.Check(t, "testdata/error-"+code.String()+".xml", got)
		assert.True(t, bytes.Contains(got, []byte("<ErrorCode>"+code.String()+"</ErrorCode>")))
		assert.NotEmpty(t, code.Message())
	}
}

// BenchmarkParseRequest reads the request Outlook sends.
func BenchmarkParseRequest(b *testing.B) {
	body := []byte(outlookBody)
	r := bytes.NewReader(body)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(body)
		if _, err := outlook.ParseRequest(r); err != nil {
			b.Fatal(err)
		}
	}
}

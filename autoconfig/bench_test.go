package autoconfig_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mailprofile/mailprofile/autoconfig"
)

// discard is a ResponseWriter that keeps the status and drops the body, so
// that a benchmark measures the handler and not a recorder.
type discard struct {
	header http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header { return d.header }
func (d *discard) WriteHeader(s int)   { d.status = s }
func (d *discard) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	d.n += len(b)
	return len(b), nil
}

// benchmark runs one request shape through the handler, without a network
// and without building the request anew each time: the handler's own cost
// per request, which bench/serve.sh adds to net/http's.
func benchmark(b *testing.B, opts *autoconfig.Options, method, target, body string) {
	h, err := autoconfig.New(loadSites(b), opts)
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(method, target, nil)
	r.Host = "autoconfig.example.co.jp" // a name of the domain: answers link back to it
	reader := bytes.NewReader([]byte(body))
	w := &discard{header: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		reader.Reset([]byte(body))
		r.Body = io.NopCloser(reader)
		clear(w.header)
		w.status = 0
		h.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

var endpoints = []struct {
	name, method, target, body string
}{
	{"thunderbird", http.MethodGet, "/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp", ""},
	{"autodiscover-xml", http.MethodPost, "/autodiscover/autodiscover.xml", body("yamada@example.co.jp")},
	{"autodiscover-json", http.MethodGet, "/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1", ""},
	{"apple", http.MethodGet, "/apple/yamada@example.co.jp.mobileconfig", ""},
	{"setup-page", http.MethodGet, "/setup/yamada@example.co.jp", ""},
	{"healthz", http.MethodGet, "/healthz", ""},
}

func BenchmarkEndpoint(b *testing.B) {
	for _, e := range endpoints {
		b.Run(e.name, func(b *testing.B) {
			benchmark(b, nil, e.method, e.target, e.body)
		})
	}
}

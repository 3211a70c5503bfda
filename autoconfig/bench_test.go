package autoconfig_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/autoconfig"
)

// benchmark runs one request shape through the handler, without a network:
// the handler's own cost per request.
func benchmark(b *testing.B, method, target, body string) {
	h, err := autoconfig.New(loadSites(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var r *http.Request
		if body != "" {
			r = httptest.NewRequest(method, target, strings.NewReader(body))
		} else {
			r = httptest.NewRequest(method, target, nil)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

func BenchmarkThunderbird(b *testing.B) {
	benchmark(b, http.MethodGet, "/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp", "")
}

func BenchmarkAutodiscover(b *testing.B) {
	benchmark(b, http.MethodPost, "/autodiscover/autodiscover.xml", body("yamada@example.co.jp"))
}

func BenchmarkAutodiscoverJSON(b *testing.B) {
	benchmark(b, http.MethodGet, "/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1", "")
}

func BenchmarkApple(b *testing.B) {
	benchmark(b, http.MethodGet, "/apple/yamada@example.co.jp.mobileconfig", "")
}

func BenchmarkHealthz(b *testing.B) {
	benchmark(b, http.MethodGet, "/healthz", "")
}

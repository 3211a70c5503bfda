package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/autoconfig"
)

// BenchmarkAccessLog is what serve's access log adds to a request: the
// handler answering /healthz with the log as serve sets it up, and without.
func BenchmarkAccessLog(b *testing.B) {
	sites, err := mailprofile.LoadAll("../../examples/migration.yaml")
	if err != nil {
		b.Fatal(err)
	}
	out := newLogWriter(io.Discard, 100*time.Millisecond)
	defer out.Close()
	for _, c := range []struct {
		name string
		log  *slog.Logger
	}{{"off", nil}, {"on", slog.New(newLogHandler(out, slog.LevelInfo))}} {
		b.Run(c.name, func(b *testing.B) {
			h, err := autoconfig.New(sites, &autoconfig.Options{Logger: c.log})
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discard{header: make(http.Header)}
				for pb.Next() {
					clear(w.header)
					h.ServeHTTP(w, r)
				}
			})
		})
	}
}

// discard is a ResponseWriter that drops what it is given.
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }

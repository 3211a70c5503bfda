package autoconfig

import (
	"net/http"
	"time"
)

// ServerOptions are the limits of NewServer. A nil *ServerOptions, and each
// zero field, means the default given.
type ServerOptions struct {
	// ReadHeaderTimeout bounds how long a client may take to send the
	// request headers (default 10s): a slow client cannot hold a
	// connection open.
	ReadHeaderTimeout time.Duration

	// ReadTimeout bounds reading the whole request (default 30s).
	ReadTimeout time.Duration

	// WriteTimeout bounds writing the answer (default 30s).
	WriteTimeout time.Duration

	// IdleTimeout closes a kept-alive connection after this long without
	// a request (default 120s).
	IdleTimeout time.Duration

	// MaxHeaderBytes bounds the request headers (default 16 KiB; lookups
	// need a few hundred bytes).
	MaxHeaderBytes int
}

// NewServer returns an http.Server for h at addr with every wait and size
// bounded by http.Server's own timeouts. Request bodies are bounded by the
// handler (MaxBodySize).
func NewServer(addr string, h http.Handler, opts *ServerOptions) *http.Server {
	var o ServerOptions
	if opts != nil {
		o = *opts
	}
	orDefault := func(d, def time.Duration) time.Duration {
		if d == 0 {
			return def
		}
		return d
	}
	if o.MaxHeaderBytes == 0 {
		o.MaxHeaderBytes = 16 << 10
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: orDefault(o.ReadHeaderTimeout, 10*time.Second),
		ReadTimeout:       orDefault(o.ReadTimeout, 30*time.Second),
		WriteTimeout:      orDefault(o.WriteTimeout, 30*time.Second),
		IdleTimeout:       orDefault(o.IdleTimeout, 120*time.Second),
		MaxHeaderBytes:    o.MaxHeaderBytes,
	}
}

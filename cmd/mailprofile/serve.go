package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	rtmetrics "runtime/metrics"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/acme/autocert"
	"golang.org/x/net/netutil"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/autoconfig"
)

// shutdownGrace is how long SIGTERM waits for requests in flight.
const shutdownGrace = 10 * time.Second

// reservedFiles is how many open files serve keeps for other uses than
// connections: descriptions, certificates, logs.
const reservedFiles = 64

func runServe(ctx context.Context, e *env, args []string) int {
	f := newFlags("serve", "-c FILE|DIR [--addr :8080] [flags]",
		`Serve answers mail clients' automatic lookups (Thunderbird autoconfig, Outlook
Autodiscover, Apple profiles) for every domain in FILE (YAML documents
separated by ---) or in the .yaml files of DIR.

A description file with errors is logged and left out, and every other is
served; SIGHUP reads them again, and a file that has gone bad keeps serving
its last good version. /readyz, for requests from this machine only, says
which files are left out, since when and why (503), or that all are served.
SIGTERM and SIGINT stop taking connections, finish the requests in flight
(up to 10s) and exit.

HTTPS: --tls-cert and --tls-key (each may be given several times) or
--tls-dir, the certificate chosen by the name the client asks for; SIGHUP
reads them again, and the signing files, without dropping a connection. Or
--acme EMAIL: certificates from Let's Encrypt (or --acme-directory), got and
renewed by serve itself for exactly autoconfig.DOMAIN and autodiscover.DOMAIN
of each domain served and the hosts of base_url and discovery.host. With
--http-addr it also answers on plain HTTP: ACME's HTTP-01 challenges,
Thunderbird's autoconfig lookups, and a redirect to HTTPS for the rest.`,
		e)
	sf := newServeFlags(f)
	if code := f.parse(args); code >= 0 {
		return code
	}
	if p := sf.problem(); p != "" {
		return f.fail("%s", p)
	}
	s, err := newServer(sf, e.stderr)
	if err == nil {
		err = s.listen()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "mailprofile serve: %v\n", err)
		return exitFailure
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			s.reload()
		}
	}()
	return s.run(ctx)
}

// serveFlags are serve's flags.
type serveFlags struct {
	config, addr, set, lang, logFormat     *string
	tlsDir, acme, acmeCache, acmeDirectory *string
	httpAddr, metricsAddr                  *string
	certFiles, keyFiles                    repeatedFlag
	signWithTLS, metricsDomains            *bool
	trustProxy, logAddresses               *bool
	sign                                   *signing
}

func newServeFlags(f *flags) *serveFlags {
	s := &serveFlags{
		config: f.String("c", "", "the description `file` or folder"),
		addr:   f.String("addr", ":8080", "the `address` to listen on"),
		set:    f.String("set", "", "the server `set` discovery answers with (default: each domain's set moved to)"),
	}
	f.Var(&s.certFiles, "tls-cert", "serve HTTPS with this certificate chain `file` (PEM); may be repeated, each with its --tls-key")
	f.Var(&s.keyFiles, "tls-key", "the private key `file` of the --tls-cert in the same place (PEM)")
	s.tlsDir = f.String("tls-dir", "", "serve HTTPS with the NAME.crt and NAME.key pairs of this `folder`")
	s.acme = f.String("acme", "", "get and renew certificates with ACME, registering this contact `email`")
	s.acmeCache = f.String("acme-cache", "", "the `folder` that keeps the ACME account and certificates (default: $STATE_DIRECTORY/acme)")
	s.acmeDirectory = f.String("acme-directory", "", "the ACME directory `URL` (default: Let's Encrypt)")
	s.httpAddr = f.String("http-addr", "", "also listen for plain HTTP at this `address` (e.g. :80): ACME challenges, Thunderbird lookups, redirects")
	s.signWithTLS = f.Bool("sign-with-tls", false, "sign Apple profiles with the certificate that serves the request's host")
	s.metricsAddr = f.String("metrics-addr", "", "serve /metrics (Prometheus) at this `address`, e.g. 127.0.0.1:9090 (default: none)")
	s.metricsDomains = f.Bool("metrics-domains", false, "label request counts by domain and certificate expiry by name (one series each)")
	s.trustProxy = f.Bool("trust-proxy", false, "honour X-Forwarded-Host and X-Forwarded-Proto from a reverse proxy")
	s.logAddresses = f.Bool("log-addresses", false, "log full email addresses (default: the domain only)")
	s.sign = addSigningFlags(f)
	s.lang = f.String("lang", "", "the `language` of setup pages for browsers that ask for neither ja nor en (default: the description's)")
	s.logFormat = f.String("log-format", "text", "the `format` of log lines on standard error: text (key=value) or json")
	return s
}

// https reports whether serve answers over HTTPS itself.
func (s *serveFlags) https() bool {
	return len(s.certFiles) > 0 || *s.tlsDir != "" || *s.acme != ""
}

// problem is what makes the flags a usage error, or "".
func (s *serveFlags) problem() string {
	for _, c := range append(s.basicProblems(), s.tlsProblems()...) {
		if c.bad {
			return c.msg
		}
	}
	return s.sign.check()
}

type flagProblem struct {
	bad bool
	msg string
}

func (s *serveFlags) basicProblems() []flagProblem {
	return []flagProblem{
		{*s.config == "", "-c FILE is required"},
		{*s.config == "-", "-c must name a file or folder: serve reads it again on SIGHUP"},
		{*s.lang != "" && *s.lang != "ja" && *s.lang != "en", fmt.Sprintf("--lang must be ja or en, not %q", *s.lang)},
		{*s.logFormat != "text" && *s.logFormat != "json", fmt.Sprintf("--log-format must be text or json, not %q", *s.logFormat)},
		{*s.metricsDomains && *s.metricsAddr == "", "--metrics-domains goes with --metrics-addr"},
	}
}

func (s *serveFlags) tlsProblems() []flagProblem {
	files := len(s.certFiles) > 0 || *s.tlsDir != ""
	return []flagProblem{
		{len(s.certFiles) != len(s.keyFiles), "--tls-cert and --tls-key go together: one key for each certificate"},
		{*s.acme != "" && files, "--acme gets the certificates itself: leave out --tls-cert and --tls-dir"},
		{*s.acme == "" && (*s.acmeCache != "" || *s.acmeDirectory != ""), "--acme-cache and --acme-directory go with --acme EMAIL"},
		{*s.acme != "" && *s.acmeCache == "" && os.Getenv("STATE_DIRECTORY") == "", "--acme needs --acme-cache DIR (or systemd's StateDirectory=) to keep its account and certificates"},
		{*s.httpAddr != "" && !s.https(), "--http-addr is for a server with HTTPS (--tls-cert, --tls-dir or --acme)"},
		{*s.signWithTLS && !s.https(), "--sign-with-tls needs HTTPS (--tls-cert, --tls-dir or --acme)"},
		{*s.signWithTLS && *s.sign.cert != "", "--sign-with-tls and --sign-cert: choose one way to sign"},
	}
}

// server is serve at work: what it serves, how, and what SIGHUP reads
// again.
type server struct {
	flags  *serveFlags
	stderr io.Writer
	log    *slog.Logger
	cat    *catalog
	h      *autoconfig.Handler
	met    *metrics // nil without --metrics-addr

	tlsConf *tls.Config
	certs   *certStore        // with --tls-cert or --tls-dir
	acme    *autocert.Manager // with --acme
	allowed atomic.Pointer[map[string]bool]
	signer  atomic.Pointer[apple.Signer] // of --sign-cert

	servers   []*http.Server // the main one first
	listeners []net.Listener
	started   []*mailprofile.Site // what is served at start, for its log line
	took      time.Duration       // to read them
}

// newServer reads the descriptions, certificates and signing files.
func newServer(sf *serveFlags, stderr io.Writer) (*server, error) {
	s := &server{flags: sf, stderr: stderr}
	signer, rootCA, err := sf.sign.load(stderr)
	if err != nil {
		return nil, err
	}
	s.signer.Store(signer)

	// One line per request, written as it ends, in order.
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *sf.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	s.log = slog.New(handler)

	s.cat = newCatalog(*sf.config)
	began := time.Now()
	sites, err := s.cat.load(s.log, began)
	s.took = time.Since(began).Round(time.Millisecond)
	if err == nil && len(sites) == 0 {
		err = errors.New("no description can be served")
	}
	if err != nil {
		return nil, err
	}
	s.started = sites
	if err := s.setupTLS(); err != nil {
		return nil, err
	}
	s.allow(sites)
	if *sf.metricsAddr != "" {
		s.met = newMetrics(*sf.metricsDomains)
		if s.tlsConf != nil {
			s.tlsConf.GetCertificate = s.met.watch(s.tlsConf.GetCertificate)
		}
	}
	opts := &autoconfig.Options{
		Set: *sf.set, TrustProxy: *sf.trustProxy, LogAddresses: *sf.logAddresses, Logger: s.log, DefaultLang: *sf.lang,
		AppleSignerFor: func(*http.Request) *apple.Signer { return s.signer.Load() }, AppleRootCA: rootCA,
	}
	if *sf.signWithTLS {
		ts := &tlsSigners{get: s.tlsConf.GetCertificate, log: s.log, signers: map[*tls.Certificate]*apple.Signer{}}
		opts.AppleSignerFor = ts.signerFor
	}
	if s.met != nil {
		opts.Observe = s.met.observe
	}
	s.h, err = autoconfig.New(sites, opts)
	return s, err
}

// setupTLS makes the TLS configuration: static certificates chosen by
// name, or ACME for the names served (kept up to date on reload).
func (s *server) setupTLS() error {
	sf := s.flags
	switch {
	case *sf.acme != "":
		cache := *sf.acmeCache
		if cache == "" {
			cache = filepath.Join(os.Getenv("STATE_DIRECTORY"), "acme")
		}
		s.acme = newACME(*sf.acme, cache, *sf.acmeDirectory, &s.allowed, s.log)
		s.tlsConf = s.acme.TLSConfig()
	case sf.https():
		s.certs = &certStore{dir: *sf.tlsDir}
		for i := range sf.certFiles {
			s.certs.pairs = append(s.certs.pairs, [2]string{sf.certFiles[i], sf.keyFiles[i]})
		}
		if err := s.certs.load(); err != nil {
			return err
		}
		s.tlsConf = &tls.Config{GetCertificate: s.certs.getCertificate}
	}
	return nil
}

// allow sets the names --acme may get certificates for: those of sites.
func (s *server) allow(sites []*mailprofile.Site) {
	if s.acme != nil {
		names := acmeNames(sites)
		s.allowed.Store(&names)
	}
}

// listen opens the listeners: the main address, and the plain-HTTP and
// metrics addresses when given. Connections are capped below the limit of
// open files.
func (s *server) listen() error {
	sf := s.flags
	limit := maxConns()
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			s.cat.ServeHTTP(w, r)
			return
		}
		s.h.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", *sf.addr)
	if err != nil {
		return err
	}
	s.add(autoconfig.NewServer(*sf.addr, root, nil), netutil.LimitListener(ln, limit))
	s.servers[0].TLSConfig = s.tlsConf
	if *sf.httpAddr != "" {
		_, httpsPort, _ := net.SplitHostPort(ln.Addr().String())
		var plain http.Handler = plainHTTP(root, httpsPort)
		if s.acme != nil {
			plain = s.acme.HTTPHandler(plain)
		}
		hln, err := net.Listen("tcp", *sf.httpAddr)
		if err != nil {
			return err
		}
		s.add(autoconfig.NewServer(*sf.httpAddr, plain, nil), netutil.LimitListener(hln, limit))
		s.log.Info("listening for plain HTTP", "addr", hln.Addr().String())
	}
	if s.met != nil {
		mln, err := net.Listen("tcp", *sf.metricsAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.met.handler())
		s.add(autoconfig.NewServer(*sf.metricsAddr, mux, nil), mln)
		s.log.Info("listening for metrics", "addr", mln.Addr().String())
	}
	mode := "none"
	switch {
	case s.acme != nil:
		mode = "acme"
	case s.certs != nil:
		mode = "files"
	}
	s.log.Info("listening", "addr", ln.Addr().String(), "tls", mode, "domains", len(s.started), "names", domainNames(s.started, 10),
		"max_conns", limit, "read_in", s.took, "heap_live_mb", heapLiveMB())
	return nil
}

func (s *server) add(srv *http.Server, ln net.Listener) {
	srv.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)
	s.servers = append(s.servers, srv)
	s.listeners = append(s.listeners, ln)
}

// run serves until ctx ends (SIGTERM, SIGINT), then lets the requests in
// flight finish.
func (s *server) run(ctx context.Context) int {
	served := make(chan error, len(s.servers))
	for i, srv := range s.servers {
		go func() {
			if i == 0 && s.tlsConf != nil {
				served <- srv.ServeTLS(s.listeners[i], "", "")
			} else {
				served <- srv.Serve(s.listeners[i])
			}
		}()
	}
	select {
	case err := <-served:
		s.log.Error("serve", "err", err)
		return exitFailure
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, srv := range s.servers {
		if err := srv.Shutdown(sctx); err != nil {
			s.log.Warn("requests cut short", "err", err)
			srv.Close()
		}
	}
	code := exitOK
	for range s.servers {
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
			code = exitFailure
		}
	}
	return code
}

// reload reads the descriptions again and swaps them in, then the
// certificates and the signing files. A description file that has gone bad
// keeps its last good version; when nothing at all can be served, the
// previous descriptions keep serving; a certificate or signing file that
// fails to load leaves the current ones in place.
func (s *server) reload() {
	sites, err := s.cat.load(s.log, time.Now())
	if err == nil && len(sites) == 0 {
		err = errors.New("no description can be served")
	}
	if err == nil {
		err = s.h.SetSites(sites)
	}
	if s.met != nil {
		s.met.reloaded(err == nil)
	}
	if err != nil {
		s.log.Error("reload refused; still serving the previous descriptions", "err", err)
	} else {
		s.allow(sites)
		s.log.Info("reloaded", "domains", len(sites), "names", domainNames(sites, 10), "heap_live_mb", heapLiveMB())
	}
	if s.certs != nil {
		if err := s.certs.load(); err != nil {
			s.log.Error("certificates not reloaded; still serving the previous ones", "err", err)
		} else {
			s.log.Info("certificates reloaded")
		}
	}
	if *s.flags.sign.cert != "" {
		if signer, _, err := s.flags.sign.load(s.stderr); err != nil {
			s.log.Error("signing certificate not reloaded; still signing with the previous one", "err", err)
		} else {
			s.signer.Store(signer)
			s.log.Info("signing certificate reloaded")
		}
	}
}

// heapLiveMB is the Go heap the last collection found live, in MB: what
// GOMEMLIMIT must leave room for (deploy/mailprofile.service).
func heapLiveMB() uint64 {
	sample := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	rtmetrics.Read(sample)
	if sample[0].Value.Kind() != rtmetrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64() >> 20
}

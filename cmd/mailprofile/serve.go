package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
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
	stderr := e.stderr
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
	config := f.String("c", "", "the description `file` or folder")
	addr := f.String("addr", ":8080", "the `address` to listen on")
	set := f.String("set", "", "the server `set` discovery answers with (default: each domain's set moved to)")
	var certFiles, keyFiles repeatedFlag
	f.Var(&certFiles, "tls-cert", "serve HTTPS with this certificate chain `file` (PEM); may be repeated, each with its --tls-key")
	f.Var(&keyFiles, "tls-key", "the private key `file` of the --tls-cert in the same place (PEM)")
	tlsDir := f.String("tls-dir", "", "serve HTTPS with the NAME.crt and NAME.key pairs of this `folder`")
	acmeEmail := f.String("acme", "", "get and renew certificates with ACME, registering this contact `email`")
	acmeCache := f.String("acme-cache", "", "the `folder` that keeps the ACME account and certificates (default: $STATE_DIRECTORY/acme)")
	acmeDirectory := f.String("acme-directory", "", "the ACME directory `URL` (default: Let's Encrypt)")
	httpAddr := f.String("http-addr", "", "also listen for plain HTTP at this `address` (e.g. :80): ACME challenges, Thunderbird lookups, redirects")
	signWithTLS := f.Bool("sign-with-tls", false, "sign Apple profiles with the certificate that serves the request's host")
	metricsAddr := f.String("metrics-addr", "", "serve /metrics (Prometheus) at this `address`, e.g. 127.0.0.1:9090 (default: none)")
	metricsDomains := f.Bool("metrics-domains", false, "label request counts by domain and certificate expiry by name (one series each)")
	trustProxy := f.Bool("trust-proxy", false, "honour X-Forwarded-Host and X-Forwarded-Proto from a reverse proxy")
	logAddresses := f.Bool("log-addresses", false, "log full email addresses (default: the domain only)")
	sign := addSigningFlags(f)
	lang := f.String("lang", "", "the `language` of setup pages for browsers that ask for neither ja nor en (default: the description's)")
	logFormat := f.String("log-format", "text", "the `format` of log lines on standard error: text (key=value) or json")
	if code := f.parse(args); code >= 0 {
		return code
	}
	switch {
	case *config == "":
		return f.fail("-c FILE is required")
	case *config == "-":
		return f.fail("-c must name a file or folder: serve reads it again on SIGHUP")
	case len(certFiles) != len(keyFiles):
		return f.fail("--tls-cert and --tls-key go together: one key for each certificate")
	case *acmeEmail != "" && (len(certFiles) > 0 || *tlsDir != ""):
		return f.fail("--acme gets the certificates itself: leave out --tls-cert and --tls-dir")
	case *acmeEmail == "" && (*acmeCache != "" || *acmeDirectory != ""):
		return f.fail("--acme-cache and --acme-directory go with --acme EMAIL")
	case *acmeEmail != "" && *acmeCache == "" && os.Getenv("STATE_DIRECTORY") == "":
		return f.fail("--acme needs --acme-cache DIR (or systemd's StateDirectory=) to keep its account and certificates")
	case *httpAddr != "" && len(certFiles) == 0 && *tlsDir == "" && *acmeEmail == "":
		return f.fail("--http-addr is for a server with HTTPS (--tls-cert, --tls-dir or --acme)")
	case *signWithTLS && len(certFiles) == 0 && *tlsDir == "" && *acmeEmail == "":
		return f.fail("--sign-with-tls needs HTTPS (--tls-cert, --tls-dir or --acme)")
	case *metricsDomains && *metricsAddr == "":
		return f.fail("--metrics-domains goes with --metrics-addr")
	case *signWithTLS && *sign.cert != "":
		return f.fail("--sign-with-tls and --sign-cert: choose one way to sign")
	case *lang != "" && *lang != "ja" && *lang != "en":
		return f.fail("--lang must be ja or en, not %q", *lang)
	case *logFormat != "text" && *logFormat != "json":
		return f.fail("--log-format must be text or json, not %q", *logFormat)
	case sign.check() != "":
		return f.fail("%s", sign.check())
	}
	signer, rootCA, err := sign.load(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
		return exitFailure
	}
	var signerNow atomic.Pointer[apple.Signer]
	signerNow.Store(signer)

	// One line per request, written as it ends, in order.
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)

	cat := newCatalog(*config)
	sites, err := cat.load(log, time.Now())
	if err == nil && len(sites) == 0 {
		err = errors.New("no description can be served")
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
		return exitFailure
	}
	// HTTPS: static certificates chosen by name, or ACME for the names
	// served (kept up to date on reload).
	var (
		tlsConf *tls.Config
		certs   *certStore
		acmeMgr *autocert.Manager
		allowed atomic.Pointer[map[string]bool]
	)
	names := acmeNames(sites)
	allowed.Store(&names)
	switch {
	case *acmeEmail != "":
		cache := *acmeCache
		if cache == "" {
			cache = filepath.Join(os.Getenv("STATE_DIRECTORY"), "acme")
		}
		acmeMgr = newACME(*acmeEmail, cache, *acmeDirectory, &allowed, log)
		tlsConf = acmeMgr.TLSConfig()
	case len(certFiles) > 0 || *tlsDir != "":
		certs = &certStore{dir: *tlsDir}
		for i := range certFiles {
			certs.pairs = append(certs.pairs, [2]string{certFiles[i], keyFiles[i]})
		}
		if err := certs.load(); err != nil {
			fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
			return exitFailure
		}
		tlsConf = &tls.Config{GetCertificate: certs.getCertificate}
	}
	var met *metrics
	if *metricsAddr != "" {
		met = newMetrics(*metricsDomains)
		if tlsConf != nil {
			tlsConf.GetCertificate = met.watch(tlsConf.GetCertificate)
		}
	}
	signerFor := func(*http.Request) *apple.Signer { return signerNow.Load() }
	if *signWithTLS {
		ts := &tlsSigners{get: tlsConf.GetCertificate, log: log, signers: map[*tls.Certificate]*apple.Signer{}}
		signerFor = ts.signerFor
	}

	opts := &autoconfig.Options{
		Set: *set, TrustProxy: *trustProxy, LogAddresses: *logAddresses, Logger: log, DefaultLang: *lang,
		AppleSignerFor: signerFor, AppleRootCA: rootCA,
	}
	if met != nil {
		opts.Observe = met.observe
	}
	h, err := autoconfig.New(sites, opts)
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
		return exitFailure
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
		return exitFailure
	}
	limit := maxConns()
	ln = netutil.LimitListener(ln, limit)
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			cat.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
	servers := []*http.Server{autoconfig.NewServer(*addr, root, nil)}
	servers[0].TLSConfig = tlsConf
	listeners := []net.Listener{ln}
	if *httpAddr != "" {
		_, httpsPort, _ := net.SplitHostPort(ln.Addr().String())
		var plain http.Handler = plainHTTP(root, httpsPort)
		if acmeMgr != nil {
			plain = acmeMgr.HTTPHandler(plain)
		}
		hln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
			return exitFailure
		}
		servers = append(servers, autoconfig.NewServer(*httpAddr, plain, nil))
		listeners = append(listeners, netutil.LimitListener(hln, limit))
	}
	if met != nil {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			fmt.Fprintf(stderr, "mailprofile serve: %v\n", err)
			return exitFailure
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", met.handler())
		servers = append(servers, autoconfig.NewServer(*metricsAddr, mux, nil))
		listeners = append(listeners, mln)
		log.Info("listening for metrics", "addr", mln.Addr().String())
	}
	for _, srv := range servers {
		srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	mode := "none"
	switch {
	case acmeMgr != nil:
		mode = "acme"
	case certs != nil:
		mode = "files"
	}
	if *httpAddr != "" {
		log.Info("listening for plain HTTP", "addr", listeners[1].Addr().String())
	}
	log.Info("listening", "addr", ln.Addr().String(), "tls", mode, "domains", len(sites), "names", domainNames(sites, 10), "max_conns", limit)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if sites := reload(h, cat, log, met); sites != nil {
				names := acmeNames(sites)
				allowed.Store(&names)
			}
			if certs != nil {
				if err := certs.load(); err != nil {
					log.Error("certificates not reloaded; still serving the previous ones", "err", err)
				} else {
					log.Info("certificates reloaded")
				}
			}
			if *sign.cert != "" {
				if signer, _, err := sign.load(stderr); err != nil {
					log.Error("signing certificate not reloaded; still signing with the previous one", "err", err)
				} else {
					signerNow.Store(signer)
					log.Info("signing certificate reloaded")
				}
			}
		}
	}()

	served := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			if i == 0 && tlsConf != nil {
				served <- srv.ServeTLS(listeners[i], "", "")
			} else {
				served <- srv.Serve(listeners[i])
			}
		}()
	}
	select {
	case err := <-served:
		log.Error("serve", "err", err)
		return exitFailure
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	code := exitOK
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("requests cut short", "err", err)
			srv.Close()
		}
	}
	for range servers {
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve", "err", err)
			code = exitFailure
		}
	}
	return code
}

// reload reads the descriptions again and swaps them in, and returns
// them. A file that has gone bad keeps its last good version; when nothing
// at all can be served, the previous descriptions keep serving (and reload
// returns nil). met, if not nil, counts it.
func reload(h *autoconfig.Handler, cat *catalog, log *slog.Logger, met *metrics) []*mailprofile.Site {
	sites, err := cat.load(log, time.Now())
	if err == nil && len(sites) == 0 {
		err = errors.New("no description can be served")
	}
	if err == nil {
		err = h.SetSites(sites)
	}
	if met != nil {
		met.reloaded(err == nil)
	}
	if err != nil {
		log.Error("reload refused; still serving the previous descriptions", "err", err)
		return nil
	}
	log.Info("reloaded", "domains", len(sites), "names", domainNames(sites, 10))
	return sites
}

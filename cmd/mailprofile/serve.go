package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

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
(up to 10s) and exit.`,
		e)
	config := f.String("c", "", "the description `file` or folder")
	addr := f.String("addr", ":8080", "the `address` to listen on")
	set := f.String("set", "", "the server `set` discovery answers with (default: each domain's set moved to)")
	cert := f.String("tls-cert", "", "serve HTTPS with this certificate chain `file` (PEM)")
	key := f.String("tls-key", "", "the private key `file` of --tls-cert (PEM)")
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
	case (*cert == "") != (*key == ""):
		return f.fail("--tls-cert and --tls-key go together")
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
	h, err := autoconfig.New(sites, &autoconfig.Options{
		Set: *set, TrustProxy: *trustProxy, LogAddresses: *logAddresses, Logger: log, DefaultLang: *lang,
		AppleSigner: signer, AppleRootCA: rootCA,
	})
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
	srv := autoconfig.NewServer(*addr, root, nil)
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	log.Info("listening", "addr", ln.Addr().String(), "tls", *cert != "", "domains", len(sites), "names", domainNames(sites, 10), "max_conns", limit)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			reload(h, cat, log)
		}
	}()

	served := make(chan error, 1)
	go func() {
		if *cert != "" {
			served <- srv.ServeTLS(ln, *cert, *key)
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		log.Error("serve", "err", err)
		return exitFailure
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("requests cut short", "err", err)
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		return exitFailure
	}
	return exitOK
}

// reload reads the descriptions again and swaps them in. A file that has
// gone bad keeps its last good version; when nothing at all can be served,
// the previous descriptions keep serving.
func reload(h *autoconfig.Handler, cat *catalog, log *slog.Logger) {
	sites, err := cat.load(log, time.Now())
	if err == nil && len(sites) == 0 {
		err = errors.New("no description can be served")
	}
	if err == nil {
		err = h.SetSites(sites)
	}
	if err != nil {
		log.Error("reload refused; still serving the previous descriptions", "err", err)
		return
	}
	log.Info("reloaded", "domains", len(sites), "names", domainNames(sites, 10))
}

package autoconfig

import (
	"crypto/x509"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
)

// Options are the choices of New. A nil *Options is the zero value.
type Options struct {
	// Set is the server set that discovery answers with. The zero value
	// means each site's DefaultSet: during a migration, the set being
	// moved to.
	Set string

	// TrustProxy honours X-Forwarded-Host and X-Forwarded-Proto, set by a
	// reverse proxy in front of the handler. The zero value ignores them,
	// as a client could send anything there.
	TrustProxy bool

	// Logger receives one line per request: method, path, status,
	// duration and domain. Nil means no logging. Passwords, the
	// Authorization header, request bodies and query strings are never
	// logged, and addresses in paths are replaced by "…".
	Logger *slog.Logger

	// LogAddresses adds the full email address to each log line. The zero
	// value logs only the domain.
	LogAddresses bool

	// AppleSigner signs the Apple profiles served, so that devices show
	// them as "Verified". Nil serves them unsigned.
	AppleSigner *apple.Signer

	// AppleSignerFor, if set, is asked for the signer of each Apple
	// profile instead of AppleSigner: a server that swaps its signing
	// certificate while it runs, or signs with the certificate that
	// serves the request's host. Nil from it serves the profile unsigned.
	AppleSignerFor func(r *http.Request) *apple.Signer

	// AppleRootCA adds this CA certificate to every Apple profile served
	// (see apple.Options.RootCA). Nil adds none.
	AppleRootCA *x509.Certificate

	// DefaultLang is the language of setup pages ("ja" or "en") for a
	// browser that asks for neither. The zero value means the site's
	// language.
	DefaultLang string

	// Now is the clock for the Time of Autodiscover errors. Nil means
	// time.Now.
	Now func() time.Time

	// Observe, if set, is called as each request ends with what was
	// answered, for metrics.
	Observe func(r *http.Request, a Answered)
}

// Answered is what one request was answered with.
type Answered struct {
	// Endpoint names what was asked for: "thunderbird",
	// "autodiscover-xml", "autodiscover-json", "apple", "setup",
	// "healthz", or "other" (not found).
	Endpoint string
	Status   int
	// Domain is the served domain the answer was for, in ASCII form, or
	// "" when there was none.
	Domain   string
	Duration time.Duration
}

// Handler answers the lookups. Create it with New; it is safe for
// concurrent use, and SetSites may swap the sites while it serves.
type Handler struct {
	opts  Options
	sites atomic.Pointer[sites]
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for the sites, which must be validated and describe
// different domains. It checks once that every format can be made for each
// site; the answers themselves are made per request by the same generators
// that mailprofile gen uses. The error wraps mailprofile.ErrUnknownSet when
// Options.Set names a set that a site does not have.
func New(list []*mailprofile.Site, opts *Options) (*Handler, error) {
	h := &Handler{}
	if opts != nil {
		h.opts = *opts
	}
	if h.opts.Now == nil {
		h.opts.Now = time.Now
	}
	if err := h.SetSites(list); err != nil {
		return nil, err
	}
	return h, nil
}

// SetSites replaces the sites being served. The new sites are checked in
// full before the swap: requests in flight finish with the old sites, and
// on error the old sites stay.
func (h *Handler) SetSites(list []*mailprofile.Site) error {
	all, err := newSites(list, h.opts.Set, h.sites.Load())
	if err != nil {
		return err
	}
	h.sites.Store(all)
	return nil
}

// Domains lists the domains being served, in ASCII form.
func (h *Handler) Domains() []string {
	all := h.sites.Load()
	out := make([]string, 0, len(all.byDomain))
	for d := range all.byDomain {
		out = append(out, d)
	}
	return out
}

// recorder is the ResponseWriter of one request, which keeps what its log
// line says.
type recorder struct {
	http.ResponseWriter
	status  int
	domain  string
	address string
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// ServeHTTP routes the request by its lower-cased path: clients send
// /Autodiscover/Autodiscover.xml and /AutoDiscover/AutoDiscover.xml too.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	all := h.sites.Load()
	path := strings.ToLower(r.URL.Path)
	endpoint := "other"
	switch {
	case path == "/mail/config-v1.1.xml" || path == "/.well-known/autoconfig/mail/config-v1.1.xml":
		endpoint = "thunderbird"
		if allow(rec, r, http.MethodGet) {
			h.serveClientConfig(rec, r, all)
		}
	case path == "/autodiscover/autodiscover.xml":
		endpoint = "autodiscover-xml"
		if allow(rec, r, http.MethodPost, http.MethodGet) {
			h.servePOX(rec, r, all)
		}
	case path == "/autodiscover/autodiscover.json" || strings.HasPrefix(path, "/autodiscover/autodiscover.json/"):
		endpoint = "autodiscover-json"
		if allow(rec, r, http.MethodGet) {
			h.serveAutodiscoverJSON(rec, r, all)
		}
	case strings.HasPrefix(path, "/apple/") && strings.HasSuffix(path, ".mobileconfig"):
		endpoint = "apple"
		if allow(rec, r, http.MethodGet) {
			h.serveMobileconfig(rec, r, all)
		}
	case path == "/":
		endpoint = "setup"
		if allow(rec, r, http.MethodGet) {
			h.serveAsk(rec, r)
		}
	case path == "/setup" || strings.HasPrefix(path, "/setup/"):
		endpoint = "setup"
		if allow(rec, r, http.MethodGet) {
			h.serveSetupPage(rec, r, all)
		}
	case path == "/healthz":
		endpoint = "healthz"
		if allow(rec, r, http.MethodGet) {
			write(rec, "text/plain; charset=utf-8", []byte("ok\n"))
		}
	default:
		notFound(rec)
	}
	if h.opts.Logger != nil {
		h.log(rec, r, start)
	}
	if h.opts.Observe != nil {
		h.opts.Observe(r, Answered{Endpoint: endpoint, Status: rec.status, Domain: rec.domain, Duration: time.Since(start)})
	}
}

// log writes the request's line.
func (h *Handler) log(rec *recorder, r *http.Request, start time.Time) {
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", loggedPath(r.URL.Path, h.opts.LogAddresses)),
		slog.Int("status", rec.status),
		slog.Duration("duration", time.Since(start)),
	}
	if rec.domain != "" {
		attrs = append(attrs, slog.String("domain", rec.domain))
	}
	if h.opts.LogAddresses && rec.address != "" {
		attrs = append(attrs, slog.String("address", rec.address))
	}
	h.opts.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// addressPaths are the routes whose path holds an address after the
// prefix.
var addressPaths = []string{"/apple/", "/setup/", "/autodiscover/autodiscover.json/"}

// loggedPath is the path as the log shows it: unless addresses are logged,
// what follows the prefix of a route that takes an address, and any other
// part with an @ in it, is "…". The query is never logged.
func loggedPath(path string, addresses bool) string {
	if addresses {
		return path
	}
	for _, prefix := range addressPaths {
		if rest, ok := cutPrefixFold(path, prefix); ok && rest != "" {
			return path[:len(prefix)] + "…"
		}
	}
	if !strings.Contains(path, "@") { // most paths: nothing to hide, nothing to copy
		return path
	}
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.Contains(p, "@") {
			parts[i] = "…"
		}
	}
	return strings.Join(parts, "/")
}

// allow answers 405 unless the method is one of methods (GET allows HEAD).
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m || m == http.MethodGet && r.Method == http.MethodHead {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// personal finds the settings of the address raw for a format the set may
// not be expressible in (refused, from New: then 404), answering 400, 404
// or 500 itself when it cannot.
func (h *Handler) personal(w *recorder, all *sites, raw string, refused func(*site) error) (*site, string, *mailprofile.Settings, bool) {
	s, addr, ok := h.lookup(w, all, raw)
	if !ok {
		return nil, "", nil, false
	}
	if refused(s) != nil {
		notFound(w)
		return nil, "", nil, false
	}
	st, err := s.settings(addr)
	if err != nil {
		internalError(w)
		return nil, "", nil, false
	}
	return s, addr, st, true
}

// lookup parses an address and finds its site, answering 400 or 404 when
// it cannot.
func (h *Handler) lookup(w *recorder, all *sites, raw string) (*site, string, bool) {
	addr, err := mailprofile.ParseAddress(raw)
	if err != nil {
		badRequest(w, "not an email address")
		return nil, "", false
	}
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	s := all.byDomain[domain]
	if s == nil {
		notFound(w)
		return nil, "", false
	}
	w.domain, w.address = domain, addr
	return s, addr, true
}

// write answers with body, of type contentType.
func write(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	// The whole body is at hand: its length, not chunks of it.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// notFound is the one answer for anything not served: unknown paths and
// unknown domains alike, so it tells nothing.
func notFound(w http.ResponseWriter) {
	http.Error(w, "not found", http.StatusNotFound)
}

func badRequest(w http.ResponseWriter, msg string) {
	http.Error(w, msg, http.StatusBadRequest)
}

func internalError(w http.ResponseWriter) {
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// hostPort is the host the client asked for, as it asked (with any port):
// the Host header, or the proxy's X-Forwarded-Host when trusted.
func (h *Handler) hostPort(r *http.Request) string {
	if h.opts.TrustProxy {
		if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" {
			host, _, _ := strings.Cut(fwd, ",")
			return strings.TrimSpace(host)
		}
	}
	return r.Host
}

// host is the host name the client asked for, without a port, in lower
// case: what goes between "https://" and the path of a URL (an IPv6
// address keeps its brackets).
func (h *Handler) host(r *http.Request) string {
	host := h.hostPort(r)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i] // a port, not part of an IPv6 address in brackets
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// ownHost is host when it belongs to a served domain (sites.hosts), and
// "" otherwise: a client may send any Host, and what goes back into a URL
// must be ours.
func (h *Handler) ownHost(r *http.Request, all *sites) string {
	if host := h.host(r); all.hosts[host] {
		return host
	}
	return ""
}

// https reports whether the client reached us over HTTPS.
func (h *Handler) https(r *http.Request) bool {
	if h.opts.TrustProxy {
		if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
			first, _, _ := strings.Cut(proto, ",")
			return strings.EqualFold(strings.TrimSpace(first), "https")
		}
	}
	return r.TLS != nil
}

package autoconfig

import (
	"crypto/x509"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/thunderbird"
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
	// Authorization header and request bodies are never logged.
	Logger *slog.Logger

	// LogAddresses adds the full email address to each log line. The zero
	// value logs only the domain.
	LogAddresses bool

	// AppleSigner signs the Apple profiles served, so that devices show
	// them as "Verified". Nil serves them unsigned.
	AppleSigner *apple.Signer

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
}

// ErrUnknownSet is returned by New and SetSites when Options.Set names a set
// that a site does not have.
var ErrUnknownSet = errors.New("autoconfig: a site has no such server set")

// Handler answers the lookups. Create it with New; it is safe for
// concurrent use, and SetSites may swap the sites while it serves.
type Handler struct {
	opts  Options
	state atomic.Pointer[state]
	date  atomic.Pointer[httpDate]
}

// httpDate is the Date header of the answers made in one second.
type httpDate struct {
	unix  int64
	value []string
}

// dateHeader is the Date header for an answer made at t. net/http would
// read the clock and format the date for every answer; this formats it
// once a second.
func (h *Handler) dateHeader(t time.Time) []string {
	if d := h.date.Load(); d != nil && d.unix == t.Unix() {
		return d.value
	}
	d := &httpDate{unix: t.Unix(), value: []string{t.UTC().Format(http.TimeFormat)}}
	h.date.Store(d)
	return d.value
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for sites, which must be validated and describe
// different domains. All that does not depend on the person asking is made
// here, once.
func New(sites []*mailprofile.Site, opts *Options) (*Handler, error) {
	h := &Handler{}
	if opts != nil {
		h.opts = *opts
	}
	if h.opts.Now == nil {
		h.opts.Now = time.Now
	}
	if err := h.SetSites(sites); err != nil {
		return nil, err
	}
	return h, nil
}

// SetSites replaces the sites being served. The new answers are made in
// full before the swap: requests in flight finish with the old sites, and
// on error the old sites stay.
func (h *Handler) SetSites(sites []*mailprofile.Site) error {
	st, err := newState(sites, h.opts.Set, &apple.Options{Signer: h.opts.AppleSigner, RootCA: h.opts.AppleRootCA})
	if err != nil {
		return err
	}
	h.state.Store(st)
	return nil
}

// Domains lists the domains being served, in ASCII form.
func (h *Handler) Domains() []string {
	st := h.state.Load()
	out := make([]string, 0, len(st.byDomain))
	for d := range st.byDomain {
		out = append(out, d)
	}
	return out
}

// request is what one request's answer found out, for the log line.
type request struct {
	http.ResponseWriter
	status  int
	domain  string
	address string
}

func (r *request) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *request) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// ServeHTTP routes the request by its lower-cased path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w.Header()["Date"] = h.dateHeader(start)
	req := &request{ResponseWriter: w}
	st := h.state.Load()
	path := strings.ToLower(r.URL.Path)
	switch {
	case path == "/mail/config-v1.1.xml" || path == "/.well-known/autoconfig/mail/config-v1.1.xml":
		if allow(req, r, http.MethodGet) {
			h.thunderbird(req, r, st)
		}
	case path == "/autodiscover/autodiscover.xml":
		if allow(req, r, http.MethodPost, http.MethodGet) {
			h.autodiscover(req, r, st)
		}
	case path == "/autodiscover/autodiscover.json" || strings.HasPrefix(path, "/autodiscover/autodiscover.json/"):
		if allow(req, r, http.MethodGet) {
			h.autodiscoverJSON(req, r, st)
		}
	case strings.HasPrefix(path, "/apple/") && strings.HasSuffix(path, ".mobileconfig"):
		if allow(req, r, http.MethodGet) {
			h.apple(req, r, st)
		}
	case path == "/":
		if allow(req, r, http.MethodGet) {
			h.ask(req, r)
		}
	case path == "/setup" || strings.HasPrefix(path, "/setup/"):
		if allow(req, r, http.MethodGet) {
			h.setupPage(req, r, st)
		}
	case path == "/healthz":
		if allow(req, r, http.MethodGet) {
			healthy.write(req, hdrPlainText)
		}
	default:
		notFound(req)
	}
	if h.opts.Logger != nil {
		h.log(req, r, start)
	}
}

func (h *Handler) log(req *request, r *http.Request, start time.Time) {
	ctx := r.Context()
	handler := h.opts.Logger.Handler()
	if !handler.Enabled(ctx, slog.LevelInfo) {
		return
	}
	path := r.URL.Path
	if !h.opts.LogAddresses {
		for _, p := range hiddenPaths {
			if len(path) > len(p.prefix) && strings.EqualFold(path[:len(p.prefix)], p.prefix) {
				path = p.logged // the path holds the address
			}
		}
	}
	// A Record made here, with no caller PC, spares the stack walk that
	// Logger.LogAttrs does for every line. The duration needs only the
	// monotonic clock, which is cheaper to read than the time of day.
	d := time.Since(start)
	rec := slog.NewRecord(start.Add(d), slog.LevelInfo, "request", 0)
	rec.AddAttrs(
		slog.String("method", r.Method),
		slog.String("path", path),
		slog.Int("status", req.status),
		slog.Duration("duration", d),
	)
	if req.domain != "" {
		rec.AddAttrs(slog.String("domain", req.domain))
	}
	if h.opts.LogAddresses && req.address != "" {
		rec.AddAttrs(slog.String("address", req.address))
	}
	handler.Handle(ctx, rec)
}

// hiddenPaths are the paths that hold an address, and what the log says
// of them unless addresses are logged.
var hiddenPaths = [...]struct{ prefix, logged string }{
	{"/apple/", "/apple/…"},
	{"/setup/", "/setup/…"},
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

// notFound is the one answer for anything not served: unknown paths and
// unknown domains alike, so it tells nothing.
func notFound(w http.ResponseWriter) {
	http.Error(w, "not found", http.StatusNotFound)
}

func badRequest(w http.ResponseWriter, msg string) {
	http.Error(w, msg, http.StatusBadRequest)
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

// https reports whether the client reached us over HTTPS.
func (h *Handler) https(r *http.Request) bool {
	if h.opts.TrustProxy {
		if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
			return strings.EqualFold(strings.TrimSpace(strings.Split(proto, ",")[0]), "https")
		}
	}
	return r.TLS != nil
}

// healthy is the answer of /healthz.
var healthy, _ = newAnswer([]byte("ok\n"), nil)

// Header values set on every answer, made once. They are assigned to the
// header map directly: Header.Set would canonicalise and check the key
// every time. net/http only reads them.
var (
	hdrTextXML   = []string{thunderbird.ContentType} // the same as outlook.ContentType
	hdrPlainText = []string{"text/plain; charset=utf-8"}
	hdrJSON      = []string{"application/json; charset=utf-8"}
	hdrApple     = []string{apple.ContentType}
)

// setBody sets the content type and length of an answer of n bytes.
func setBody(w http.ResponseWriter, contentType []string, n int) {
	hdr := w.Header()
	hdr["Content-Type"] = contentType
	hdr["Content-Length"] = []string{strconv.Itoa(n)}
}

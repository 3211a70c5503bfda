package autoconfig

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/setup"
)

// serveAsk answers GET / with the page that asks for an address.
func (h *Handler) serveAsk(w *recorder, r *http.Request) {
	lang := h.lang(r, nil)
	var buf bytes.Buffer
	if err := setup.Ask(&buf, "/setup", &setup.Options{Lang: lang, SwitchURL: "/?lang=" + other(lang)}); err != nil {
		internalError(w)
		return
	}
	writePage(w, lang, buf.Bytes())
}

// serveSetupPage answers GET /setup/ADDRESS and GET /setup?email=ADDRESS
// with that person's setup page.
func (h *Handler) serveSetupPage(w *recorder, r *http.Request, all *sites) {
	raw := strings.TrimPrefix(r.URL.Path[len("/setup"):], "/")
	if raw == "" {
		raw = r.URL.Query().Get("email")
	}
	if raw == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if _, err := mailprofile.ParseAddress(raw); err != nil {
		// A person typed it: say what is wrong, in their language.
		lang := h.lang(r, nil)
		var buf bytes.Buffer
		if err := setup.Ask(&buf, "/setup", &setup.Options{Lang: lang, Mistyped: raw}); err != nil {
			internalError(w)
			return
		}
		w.Header().Set("Content-Language", lang)
		w.Header().Set("Vary", "Accept-Language")
		w.Header().Set("Content-Type", setup.ContentType)
		w.WriteHeader(http.StatusBadRequest)
		w.Write(buf.Bytes())
		return
	}
	s, addr, ok := h.lookup(w, all, raw)
	if !ok {
		return
	}
	acct, _ := s.account(addr)
	base := h.baseURL(r, s.site, all)
	if base == "" {
		badRequest(w, "not a host of a served domain")
		return
	}
	lang := h.lang(r, s.site)
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	err := setup.Page(buf, s.site, acct, &setup.Options{
		Lang:      lang,
		Set:       s.set.Name,
		BaseURL:   base,
		SwitchURL: "/setup/" + url.PathEscape(addr) + "?" + url.Values{"lang": {other(lang)}}.Encode(),
	})
	if err != nil {
		internalError(w)
		return
	}
	writePage(w, lang, buf.Bytes())
}

// pageBuffers holds the buffers setup pages are made in. A page is about
// 25 KB, a third of all a page allocates: a used buffer instead of a new
// one per page spares the collector that (bench/serve.sh: the setup page
// 0.086x to 0.096x the fixed server's requests/s, 11% less CPU a page).
var pageBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

// putPageBuffer gives buf back for the next page, unless a very large page
// grew it: that memory is not kept.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		buf.Reset()
		pageBuffers.Put(buf)
	}
}

func writePage(w http.ResponseWriter, lang string, body []byte) {
	w.Header().Set("Content-Language", lang)
	w.Header().Set("Vary", "Accept-Language")
	write(w, setup.ContentType, body)
}

// lang picks the page's language: ?lang=, then Accept-Language, then the
// handler's default, then the site's.
func (h *Handler) lang(r *http.Request, s *mailprofile.Site) string {
	switch l := r.URL.Query().Get("lang"); l {
	case "ja", "en":
		return l
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags { // highest quality first
		if base, _ := t.Base(); base.String() == "ja" || base.String() == "en" {
			return base.String()
		}
	}
	if h.opts.DefaultLang != "" {
		return h.opts.DefaultLang
	}
	if s != nil && s.Language != "" {
		return s.Language
	}
	return "ja"
}

func other(lang string) string {
	if lang == "ja" {
		return "en"
	}
	return "ja"
}

// baseURL is where links on a page point: the site's base_url, or the
// address this request came to when its host is ours; else "".
func (h *Handler) baseURL(r *http.Request, s *mailprofile.Site, all *sites) string {
	if s.BaseURL != "" {
		return s.BaseURL
	}
	if h.ownHost(r, all) == "" {
		return ""
	}
	scheme := "http"
	if h.https(r) {
		scheme = "https"
	}
	return scheme + "://" + h.hostPort(r)
}

package autoconfig

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mailprofile/mailprofile"
)

// thunderbird answers GET /mail/config-v1.1.xml. The domain comes from the
// emailaddress parameter or, without one, from the Host header
// (autoconfig.DOMAIN or DOMAIN).
func (h *Handler) thunderbird(w *request, r *http.Request, st *state) {
	var (
		s    *site
		addr string
	)
	if q := queryValue(r.URL.RawQuery, "emailaddress"); q != "" {
		var ok bool
		if s, addr, ok = h.lookup(w, st, q); !ok {
			return
		}
	} else {
		host := strings.TrimPrefix(h.host(r), "autoconfig.")
		domain, err := mailprofile.ParseAddress("x@" + host)
		if err == nil {
			s = st.byDomain[domain[2:]]
		}
		if s == nil {
			notFound(w)
			return
		}
		w.domain = s.site.Domain
	}
	a := s.thunderbird
	if p := s.personalFor(addr); addr != "" && p != nil {
		a = p.thunderbird
	}
	a.write(w, hdrTextXML)
}

// lookup parses an address and finds its site, answering 400 or 404 when
// it cannot.
func (h *Handler) lookup(w *request, st *state, raw string) (*site, string, bool) {
	addr, err := mailprofile.ParseAddress(raw)
	if err != nil {
		badRequest(w, "not an email address")
		return nil, "", false
	}
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	s := st.byDomain[domain]
	if s == nil {
		notFound(w)
		return nil, "", false
	}
	w.domain, w.address = domain, addr
	return s, addr, true
}

// queryValue returns the first value of key in a raw query string, like
// url.Values.Get without building the map.
func queryValue(raw, key string) string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(pair, "=")
		if k != key {
			continue
		}
		if s, err := url.QueryUnescape(v); err == nil {
			return s
		}
		return ""
	}
	return ""
}

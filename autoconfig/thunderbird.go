package autoconfig

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// thunderbird answers GET /mail/config-v1.1.xml. The domain comes from the
// emailaddress parameter or, without one, from the Host header
// (autoconfig.DOMAIN or DOMAIN).
func (h *Handler) thunderbird(w *request, r *http.Request, st *state) {
	var (
		s    *site
		addr string
	)
	if q := r.URL.Query().Get("emailaddress"); q != "" {
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
	body := s.thunderbird
	if p := s.personal[strings.ToLower(addr)]; addr != "" && p != nil {
		body = p.thunderbird
	}
	hdr := w.Header()
	hdr.Set("Content-Type", thunderbird.ContentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
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

package autoconfig

import (
	"net/http"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// serveClientConfig answers GET /mail/config-v1.1.xml with Thunderbird's
// clientConfig file. The domain comes from the emailaddress parameter or,
// without one, from the Host header (autoconfig.DOMAIN or DOMAIN). Anybody
// without a login of their own gets the domain's file, with placeholders.
func (h *Handler) serveClientConfig(w *recorder, r *http.Request, all *sites) {
	var s *site
	if q := r.URL.Query().Get("emailaddress"); q != "" {
		var addr string
		var ok bool
		if s, addr, ok = h.lookup(w, all, q); !ok {
			return
		}
		if _, own := s.account(addr); own {
			st, err := s.settings(addr)
			if err != nil {
				internalError(w)
				return
			}
			body, err := thunderbird.Generate(st, nil)
			if err != nil { // New checked the settings: a bug
				internalError(w)
				return
			}
			write(w, thunderbird.ContentType, body)
			return
		}
	} else {
		host := strings.TrimPrefix(h.host(r), "autoconfig.")
		if domain, err := mailprofile.ParseAddress("x@" + host); err == nil {
			s = all.byDomain[domain[2:]]
		}
		if s == nil {
			notFound(w)
			return
		}
		w.domain = s.site.Domain
	}
	f := s.files()
	if f.domainErr != nil { // New checked the settings: a bug
		internalError(w)
		return
	}
	write(w, thunderbird.ContentType, f.domainFile)
}

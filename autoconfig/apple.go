package autoconfig

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mailprofile/mailprofile"
)

// apple answers GET /apple/ADDRESS.mobileconfig and
// GET /apple/profile.mobileconfig?email=ADDRESS with the profile that adds
// the account on the served set.
func (h *Handler) apple(w *request, r *http.Request, st *state) {
	name := r.URL.Path[len("/apple/") : len(r.URL.Path)-len(".mobileconfig")]
	raw := name
	if strings.EqualFold(name, "profile") {
		raw = r.URL.Query().Get("email")
	}
	if raw == "" {
		badRequest(w, "no email address")
		return
	}
	s, addr, ok := h.lookup(w, st, raw)
	if !ok {
		return
	}
	if s.noApple != nil {
		notFound(w)
		return
	}
	data, err := s.appleProfile(addr)
	if err != nil { // New checked that the set can be given: a bug
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setBody(w, hdrApple, len(data))
	w.Header()["Content-Disposition"] = []string{contentDisposition(mailprofile.UnicodeAddress(addr) + ".mobileconfig")}
	w.Write(data)
}

// contentDisposition offers name as the file name (RFC 6266): an ASCII
// fallback in filename, the UTF-8 name in filename* (RFC 8187).
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' || r == '%' || r == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if ascii.String() != name {
		v += "; filename*=UTF-8''" + strings.ReplaceAll(url.PathEscape(name), "+", "%2B")
	}
	return v
}

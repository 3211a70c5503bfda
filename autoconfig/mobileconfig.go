package autoconfig

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
)

// serveMobileconfig answers GET /apple/ADDRESS.mobileconfig and
// GET /apple/profile.mobileconfig?email=ADDRESS with the Apple profile that
// adds the account on the served set.
func (h *Handler) serveMobileconfig(w *recorder, r *http.Request, all *sites) {
	raw := r.URL.Path[len("/apple/") : len(r.URL.Path)-len(".mobileconfig")]
	if strings.EqualFold(raw, "profile") {
		raw = r.URL.Query().Get("email")
	}
	if raw == "" {
		badRequest(w, "no email address")
		return
	}
	s, addr, st, ok := h.personal(w, all, raw, func(s *site) error { return s.files().noApple })
	if !ok {
		return
	}
	signer := h.opts.AppleSigner
	if h.opts.AppleSignerFor != nil {
		signer = h.opts.AppleSignerFor(r)
	}
	body, err := apple.Generate([]*mailprofile.Settings{st}, &apple.Options{Signer: signer, RootCA: h.opts.AppleRootCA})
	if err != nil { // New checked that the set can be given: a bug
		internalError(w)
		return
	}
	local := addr[:strings.LastIndexByte(addr, '@')]
	w.Header().Set("Content-Disposition", contentDisposition(local+"@"+s.site.UnicodeDomain()+".mobileconfig"))
	write(w, apple.ContentType, body)
}

// contentDisposition is a Content-Disposition value offering name as the
// file name (RFC 6266): an ASCII fallback in filename, the UTF-8 name in
// filename* (RFC 8187) when it differs.
func contentDisposition(name string) string {
	var b strings.Builder
	b.WriteString(`attachment; filename="`)
	plain := true
	for _, r := range name {
		if 0x20 <= r && r < utf8.RuneSelf && !strings.ContainsRune(`"\/%;`, r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
			plain = false
		}
	}
	b.WriteByte('"')
	if !plain {
		b.WriteString("; filename*=UTF-8''")
		b.WriteString(strings.ReplaceAll(url.PathEscape(name), "+", "%2B"))
	}
	return b.String()
}

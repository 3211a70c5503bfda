package autoconfig

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// apple answers GET /apple/ADDRESS.mobileconfig and
// GET /apple/profile.mobileconfig?email=ADDRESS with the profile that adds
// the account on the served set.
func (h *Handler) apple(w *request, r *http.Request, st *state) {
	name := r.URL.Path[len("/apple/") : len(r.URL.Path)-len(".mobileconfig")]
	raw := name
	if strings.EqualFold(name, "profile") {
		raw = queryValue(r.URL.RawQuery, "email")
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
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)
	data, err := s.appleProfile((*buf)[:0], addr)
	if err != nil { // New checked that the set can be given: a bug
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	*buf = data
	setBody(w, hdrApple, len(data))
	w.Header()["Content-Disposition"] = []string{s.contentDisposition(addr)}
	w.Write(data)
}

// contentDisposition offers the address, as people read it, as the name of
// its profile file.
func (s *site) contentDisposition(addr string) string {
	var buf [512]byte
	name := append(buf[:0], addr[:strings.LastIndexByte(addr, '@')+1]...)
	name = append(name, s.unicodeDomain...)
	name = append(name, ".mobileconfig"...)
	return string(appendContentDisposition(buf[len(name):len(name)], name))
}

// appendContentDisposition appends a Content-Disposition value offering
// name as the file name (RFC 6266): an ASCII fallback in filename, the
// UTF-8 name in filename* (RFC 8187) when it differs.
func appendContentDisposition(dst, name []byte) []byte {
	dst = append(dst, `attachment; filename="`...)
	plain := true
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRune(name[i:])
		switch {
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' || r == '%' || r == ';':
			dst = append(dst, '_')
			plain = false
		default:
			dst = append(dst, byte(r))
		}
		i += size
	}
	dst = append(dst, '"')
	if !plain {
		dst = append(dst, "; filename*=UTF-8''"...)
		dst = append(dst, strings.ReplaceAll(url.PathEscape(string(name)), "+", "%2B")...)
	}
	return dst
}

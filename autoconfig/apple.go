package autoconfig

import (
	"net/http"
	"net/url"
	"strconv"
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
	hdr := w.Header()
	hdr["Content-Type"] = hdrApple
	// Content-Length and Content-Disposition in one string and one
	// slice: two allocations instead of four.
	var vb [512]byte
	v := strconv.AppendInt(vb[:0], int64(len(data)), 10)
	n := len(v)
	v = s.appendContentDisposition(v, addr)
	both := string(v)
	values := []string{both[:n], both[n:]}
	hdr["Content-Length"] = values[0:1:1]
	hdr["Content-Disposition"] = values[1:2:2]
	w.Write(data)
}

// appendContentDisposition appends the Content-Disposition of addr's
// profile: the address, as people read it, is the file name.
func (s *site) appendContentDisposition(dst []byte, addr string) []byte {
	local := addr[:strings.LastIndexByte(addr, '@')]
	if s.fileSuffix != "" && plainFileName(local) { // as most are: no need to look again
		dst = append(dst, `attachment; filename="`...)
		dst = append(dst, local...)
		dst = append(dst, s.fileSuffix...)
		return append(dst, '"')
	}
	var buf [512]byte
	name := append(buf[:0], local...)
	name = append(name, '@')
	name = append(name, s.unicodeDomain...)
	name = append(name, ".mobileconfig"...)
	return appendContentDisposition(dst, name)
}

// fileSuffix is what follows the local part in the file names of a
// domain's profiles, when it is plain; else "".
func fileSuffix(unicodeDomain string) string {
	if suffix := "@" + unicodeDomain + ".mobileconfig"; plainFileName(suffix) {
		return suffix
	}
	return ""
}

// plainFileName reports whether name goes into a quoted file name as it
// is: appendContentDisposition would change no byte of it.
func plainFileName(name string) bool {
	for _, c := range []byte(name) {
		if !plainFileChar(rune(c)) {
			return false
		}
	}
	return true
}

// plainFileChar reports whether r goes into a quoted file name as it is.
func plainFileChar(r rune) bool {
	return 0x20 <= r && r <= 0x7e && r != '"' && r != '\\' && r != '/' && r != '%' && r != ';'
}

// appendContentDisposition appends a Content-Disposition value offering
// name as the file name (RFC 6266): an ASCII fallback in filename, the
// UTF-8 name in filename* (RFC 8187) when it differs.
func appendContentDisposition(dst, name []byte) []byte {
	dst = append(dst, `attachment; filename="`...)
	plain := true
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRune(name[i:])
		if plainFileChar(r) {
			dst = append(dst, byte(r))
		} else {
			dst = append(dst, '_')
			plain = false
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

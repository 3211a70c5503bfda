package autoconfig

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/mailprofile/mailprofile/outlook"
)

// MaxBodySize is the largest request body read. A real Autodiscover request
// is a few hundred bytes.
const MaxBodySize = outlook.MaxRequestSize

// autodiscover answers POST /autodiscover/autodiscover.xml, and GET on the
// same path as MS-OXDISCO's redirect method: a client that GETs it over
// plain HTTP is sent to the HTTPS URL to POST to.
func (h *Handler) autodiscover(w *request, r *http.Request, st *state) {
	if r.Method != http.MethodPost {
		if !h.https(r) {
			http.Redirect(w, r, "https://"+h.host(r)+"/autodiscover/autodiscover.xml", http.StatusFound)
			return
		}
		w.Header().Set("Allow", http.MethodPost)
		h.poxError(w, http.StatusMethodNotAllowed, outlook.ErrorInvalidRequest)
		return
	}
	// A body of declared length is already cut there by net/http; only
	// one without (chunked) needs a limit on what is read.
	body := r.Body
	switch {
	case r.ContentLength > MaxBodySize:
		h.poxError(w, http.StatusRequestEntityTooLarge, outlook.ErrorInvalidRequest)
		return
	case r.ContentLength < 0:
		body = http.MaxBytesReader(w, r.Body, MaxBodySize)
	}
	req, err := outlook.ParseRequest(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || errors.Is(err, outlook.ErrRequestTooLarge) {
			h.poxError(w, http.StatusRequestEntityTooLarge, outlook.ErrorInvalidRequest)
			return
		}
		h.poxError(w, http.StatusBadRequest, outlook.ErrorInvalidRequest)
		return
	}
	if req.AcceptableResponseSchema != "" && req.AcceptableResponseSchema != outlook.NamespaceOutlookResponse {
		h.poxError(w, http.StatusOK, outlook.ErrorSchemaNotAvailable)
		return
	}
	if req.EMailAddress == "" { // LegacyDN only: an Exchange name, not ours
		h.poxError(w, http.StatusOK, outlook.ErrorAddressNotFound)
		return
	}
	s, addr, ok := h.lookup(w, st, req.EMailAddress)
	if !ok {
		return
	}
	if s.noOutlook != nil {
		notFound(w)
		return
	}
	if p := s.personalFor(addr); p != nil {
		p.outlook.write(w, hdrTextXML)
		return
	}
	buf := bufPool.Get().(*[]byte)
	*buf = s.outlook.execute((*buf)[:0], addr)
	setBody(w, hdrTextXML, len(*buf))
	w.Write(*buf)
	bufPool.Put(buf)
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (h *Handler) poxError(w http.ResponseWriter, status int, code outlook.ErrorCode) {
	body := outlook.ErrorResponse(code, h.opts.Now())
	setBody(w, hdrTextXML, len(body))
	w.WriteHeader(status)
	w.Write(body)
}

// autodiscoverJSON answers Autodiscover v2's
// GET /autodiscover/autodiscover.json?Email=ADDRESS&Protocol=AutodiscoverV1
// (or /autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=…) with the URL
// of the POX endpoint, which is all it can offer for IMAP and POP3.
func (h *Handler) autodiscoverJSON(w *request, r *http.Request, st *state) {
	email := queryValue(r.URL.RawQuery, "Email")
	if rest, ok := cutPrefixFold(r.URL.Path, "/autodiscover/autodiscover.json/v1.0/"); ok && email == "" {
		email = rest
	}
	protocol := queryValue(r.URL.RawQuery, "Protocol")
	if !strings.EqualFold(protocol, "AutodiscoverV1") {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"ErrorCode":    "InvalidProtocol",
			"ErrorMessage": "The given protocol value is invalid. Supported values are 'AutodiscoverV1'.",
		})
		return
	}
	if email == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"ErrorCode":    "InvalidRequest",
			"ErrorMessage": "The Email parameter is missing.",
		})
		return
	}
	if _, _, ok := h.lookup(w, st, email); !ok {
		return
	}
	// The one answer, written by hand: json.Marshal of a map costs more
	// than the rest of the request.
	buf := bufPool.Get().(*[]byte)
	body := append((*buf)[:0], `{"Protocol":"AutodiscoverV1","Url":"https://`...)
	body = appendJSONText(body, h.host(r))
	body = append(body, `/autodiscover/autodiscover.xml"}`...)
	setBody(w, hdrJSON, len(body))
	w.Write(body)
	*buf = body
	bufPool.Put(buf)
}

// appendJSONText appends s as the inside of a JSON string, escaped as
// encoding/json escapes it.
func appendJSONText(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always encodes
			return append(dst, quoted[1:len(quoted)-1]...)
		}
	}
	return append(dst, s...)
}

func writeJSON(w http.ResponseWriter, status int, v map[string]string) {
	body, _ := json.Marshal(v) // a map of strings always encodes
	setBody(w, hdrJSON, len(body))
	w.WriteHeader(status)
	w.Write(body)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

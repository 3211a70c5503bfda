package autoconfig

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/mailprofile/mailprofile/outlook"
)

// MaxBodySize is the largest request body read. A real Autodiscover request
// is a few hundred bytes.
const MaxBodySize = outlook.MaxRequestSize

// servePOX answers POST /autodiscover/autodiscover.xml, and GET on the
// same path as MS-OXDISCO's redirect method: a client that GETs it over
// plain HTTP is sent to the HTTPS URL to POST to.
func (h *Handler) servePOX(w *recorder, r *http.Request, all *sites) {
	if r.Method != http.MethodPost {
		if !h.https(r) {
			host := h.ownHost(r, all)
			if host == "" {
				badRequest(w, "not a host of a served domain")
				return
			}
			http.Redirect(w, r, "https://"+host+"/autodiscover/autodiscover.xml", http.StatusFound)
			return
		}
		w.Header().Set("Allow", http.MethodPost)
		h.poxError(w, http.StatusMethodNotAllowed, outlook.ErrorInvalidRequest)
		return
	}
	req, err := outlook.ParseRequest(http.MaxBytesReader(w, r.Body, MaxBodySize))
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
	_, _, st, ok := h.personal(w, all, req.EMailAddress, func(s *site) error { return s.files().noOutlook })
	if !ok {
		return
	}
	body, err := outlook.Generate(st, nil)
	if err != nil { // New checked that the set can be given: a bug
		internalError(w)
		return
	}
	write(w, outlook.ContentType, body)
}

func (h *Handler) poxError(w http.ResponseWriter, status int, code outlook.ErrorCode) {
	w.Header().Set("Content-Type", outlook.ContentType)
	w.WriteHeader(status)
	w.Write(outlook.ErrorResponse(code, h.opts.Now()))
}

// serveAutodiscoverJSON answers Autodiscover v2's
// GET /autodiscover/autodiscover.json?Email=ADDRESS&Protocol=AutodiscoverV1
// (or /autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=…) with the URL
// of the POX endpoint, which is all it can offer for IMAP and POP3.
func (h *Handler) serveAutodiscoverJSON(w *recorder, r *http.Request, all *sites) {
	q := r.URL.Query()
	email := q.Get("Email")
	if rest, ok := cutPrefixFold(r.URL.Path, "/autodiscover/autodiscover.json/v1.0/"); ok && email == "" {
		email = rest
	}
	if !strings.EqualFold(q.Get("Protocol"), "AutodiscoverV1") {
		writeJSON(w, http.StatusBadRequest, jsonError{"InvalidProtocol", "The given protocol value is invalid. Supported values are 'AutodiscoverV1'."})
		return
	}
	if email == "" {
		writeJSON(w, http.StatusBadRequest, jsonError{"InvalidRequest", "The Email parameter is missing."})
		return
	}
	s, _, ok := h.lookup(w, all, email)
	if !ok {
		return
	}
	host := h.ownHost(r, all)
	if host == "" {
		host = s.site.BaseHost()
	}
	if host == "" {
		badRequest(w, "not a host of a served domain")
		return
	}
	writeJSON(w, http.StatusOK, jsonRedirect{Protocol: "AutodiscoverV1", URL: "https://" + host + "/autodiscover/autodiscover.xml"})
}

// jsonRedirect and jsonError are the answers of Autodiscover v2.
type jsonRedirect struct {
	Protocol string `json:"Protocol"`
	URL      string `json:"Url"`
}

type jsonError struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		internalError(w)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

package autoconfig_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/autoconfig"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/internal/syncbuf"
	"github.com/mailprofile/mailprofile/internal/testpki"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/setup"
	"github.com/mailprofile/mailprofile/thunderbird"
)

func loadSites(t testing.TB) []*mailprofile.Site {
	t.Helper()
	sites, err := mailprofile.LoadAll("testdata/served.yaml")
	require.NoError(t, err)
	return sites
}

// serve starts the handler on a real loopback HTTP server.
func serve(t *testing.T, opts *autoconfig.Options) (*httptest.Server, *autoconfig.Handler) {
	t.Helper()
	h, err := autoconfig.New(loadSites(t), opts)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, h
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, resp.Header, string(body)}
}

func get(t *testing.T, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return do(t, req)
}

func post(t *testing.T, url, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

// expected generates what the packages make for addr on the served set.
func expected(t *testing.T, addr string) (tb, ox, mc []byte) {
	t.Helper()
	var site *mailprofile.Site
	a, err := mailprofile.ParseAddress(addr)
	require.NoError(t, err)
	for _, s := range loadSites(t) {
		if strings.HasSuffix(a, "@"+s.Domain) {
			site = s
		}
	}
	require.NotNil(t, site)
	acct, err := site.Account(a)
	if err != nil || acct.Usernames[site.DefaultSet().Name] == "" {
		acct = &mailprofile.Account{Address: a}
	}
	p, err := site.Settings("", acct)
	require.NoError(t, err)
	tb, err = thunderbird.Generate(p, nil)
	require.NoError(t, err)
	ox, err = outlook.Generate(p, nil)
	require.NoError(t, err)
	mc, err = apple.Generate([]*mailprofile.Settings{p}, nil)
	require.NoError(t, err)
	return tb, ox, mc
}

// domainFile is the Thunderbird file of a served domain, with placeholders.
func domainFile(t *testing.T, domain string) []byte {
	t.Helper()
	for _, s := range loadSites(t) {
		if s.Domain == domain {
			p, err := s.DomainSettings("")
			require.NoError(t, err)
			b, err := thunderbird.Generate(p, nil)
			require.NoError(t, err)
			return b
		}
	}
	t.Fatalf("no site %s", domain)
	return nil
}

func TestThunderbird(t *testing.T) {
	srv, _ := serve(t, nil)
	domainJP := string(domainFile(t, "example.co.jp"))
	domainIDN := string(domainFile(t, "xn--r8jz45g.jp"))
	personal, _, _ := expected(t, "legacy@example.co.jp")
	tests := []struct {
		name   string
		path   string
		host   string
		status int
		body   string
	}{
		{"address as Thunderbird sends it", "/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp", "", 200, domainJP},
		{"well-known path", "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp", "", 200, domainJP},
		{"known address without override gets the domain's file", "/mail/config-v1.1.xml?emailaddress=info%40example.co.jp", "", 200, domainJP},
		{"override on the served set", "/mail/config-v1.1.xml?emailaddress=LEGACY%40example.co.jp", "", 200, string(personal)},
		{"unicode domain in the address", "/mail/config-v1.1.xml?emailaddress=a%40%E4%BE%8B%E3%81%88.jp", "", 200, domainIDN},
		{"no address: autoconfig host", "/mail/config-v1.1.xml", "autoconfig.example.co.jp", 200, domainJP},
		{"no address: bare domain with port", "/.well-known/autoconfig/mail/config-v1.1.xml", "EXAMPLE.co.jp:443", 200, domainJP},
		{"no address: punycode host", "/mail/config-v1.1.xml", "autoconfig.xn--r8jz45g.jp", 200, domainIDN},
		{"path in upper case", "/Mail/Config-v1.1.xml?emailaddress=a%40example.co.jp", "", 200, domainJP},
		{"unknown domain", "/mail/config-v1.1.xml?emailaddress=a%40unknown.example", "", 404, "not found\n"},
		{"unknown host", "/mail/config-v1.1.xml", "autoconfig.unknown.example", 404, "not found\n"},
		{"not an address", "/mail/config-v1.1.xml?emailaddress=nobody", "", 400, "not an email address\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp response
			if tt.host != "" {
				resp = get(t, srv.URL+tt.path, "Host", tt.host)
			} else {
				resp = get(t, srv.URL+tt.path)
			}
			assert.Equal(t, tt.status, resp.status)
			assert.Equal(t, tt.body, resp.body)
			if tt.status == 200 {
				assert.Equal(t, "text/xml; charset=utf-8", resp.header.Get("Content-Type"))
			}
		})
	}
}

const outlookBody = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>%s</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`

func body(addr string) string { return strings.Replace(outlookBody, "%s", addr, 1) }

func TestAutodiscover(t *testing.T) {
	srv, _ := serve(t, &autoconfig.Options{Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }})
	_, yamada, _ := expected(t, "yamada@example.co.jp")
	_, legacy, _ := expected(t, "legacy@example.co.jp")
	_, escaped, _ := expected(t, "o'brien&co@example.co.jp")
	_, idn, _ := expected(t, "user@例え.jp")
	errorBody := func(code outlook.ErrorCode) string {
		return string(outlook.ErrorResponse(code, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	}
	tests := []struct {
		name        string
		path        string
		contentType string
		body        string
		status      int
		want        string
	}{
		{"outlook", "/autodiscover/autodiscover.xml", "text/xml", body("yamada@example.co.jp"), 200, string(yamada)},
		{"path case of Windows Mail", "/AutoDiscover/AutoDiscover.xml", "text/xml; charset=utf-8", body("yamada@example.co.jp"), 200, string(yamada)},
		{"path case of Exchange", "/Autodiscover/Autodiscover.xml", "application/xml", body("yamada@example.co.jp"), 200, string(yamada)},
		{"any content type", "/autodiscover/autodiscover.xml", "application/x-www-form-urlencoded", body("yamada@example.co.jp"), 200, string(yamada)},
		{"no content type", "/AUTODISCOVER/AUTODISCOVER.XML", "", body("yamada@example.co.jp"), 200, string(yamada)},
		{"override", "/autodiscover/autodiscover.xml", "text/xml", body("legacy@example.co.jp"), 200, string(legacy)},
		{"address that needs escaping", "/autodiscover/autodiscover.xml", "text/xml", body("o'brien&amp;co@example.co.jp"), 200, string(escaped)},
		{"unicode domain", "/autodiscover/autodiscover.xml", "text/xml", body("user@例え.jp"), 200, string(idn)},
		{"other schema", "/autodiscover/autodiscover.xml", "text/xml",
			strings.Replace(body("a@example.co.jp"), "outlook/responseschema/2006a", "mobilesync/responseschema/2006", 1), 200, errorBody(601)},
		{"legacyDN only", "/autodiscover/autodiscover.xml", "text/xml",
			`<Autodiscover><Request><LegacyDN>/o=x/cn=y</LegacyDN></Request></Autodiscover>`, 200, errorBody(500)},
		{"malformed", "/autodiscover/autodiscover.xml", "text/xml", "<Autodiscover><Request>", 400, errorBody(600)},
		{"doctype", "/autodiscover/autodiscover.xml", "text/xml",
			`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Autodiscover><Request><EMailAddress>&lol2;@example.co.jp</EMailAddress></Request></Autodiscover>`, 400, errorBody(600)},
		{"oversized", "/autodiscover/autodiscover.xml", "text/xml", body(strings.Repeat("a", 70<<10) + "@example.co.jp"), 413, errorBody(600)},
		{"unknown domain", "/autodiscover/autodiscover.xml", "text/xml", body("a@unknown.example"), 404, "not found\n"},
		{"not an address", "/autodiscover/autodiscover.xml", "text/xml", body("nobody"), 400, "not an email address\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, srv.URL+tt.path, tt.contentType, tt.body)
			assert.Equal(t, tt.status, resp.status)
			assert.Equal(t, tt.want, resp.body)
		})
	}

	t.Run("oversized without a length", func(t *testing.T) {
		// Chunked, so only reading tells the size: the limit must still cut it.
		for _, size := range []int{1 << 10, 70 << 10} {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/autodiscover/autodiscover.xml",
				io.NopCloser(strings.NewReader(body(strings.Repeat("a", size)+"@example.co.jp"))))
			req.Header.Set("Content-Type", "text/xml")
			req.ContentLength = -1 // unknown: sent chunked
			resp := do(t, req)
			if size > autoconfig.MaxBodySize {
				assert.Equal(t, http.StatusRequestEntityTooLarge, resp.status)
				assert.Equal(t, errorBody(600), resp.body)
			} else {
				assert.Equal(t, http.StatusBadRequest, resp.status, "a local part of 1 KiB is no address") // read whole, then refused
			}
		}
	})
	t.Run("GET over plain HTTP redirects to HTTPS", func(t *testing.T) {
		resp := get(t, srv.URL+"/Autodiscover/Autodiscover.xml", "Host", "autodiscover.example.co.jp")
		assert.Equal(t, http.StatusFound, resp.status)
		assert.Equal(t, "https://autodiscover.example.co.jp/autodiscover/autodiscover.xml", resp.header.Get("Location"))
	})
	t.Run("PUT is not allowed", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/autodiscover/autodiscover.xml", nil)
		resp := do(t, req)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.status)
		assert.Equal(t, "POST, GET", resp.header.Get("Allow"))
	})
}

// TestNoEnumeration checks that an address with a mailbox and one without
// get the same answer apart from the address itself.
func TestNoEnumeration(t *testing.T) {
	srv, _ := serve(t, nil)
	for _, pair := range [][2]string{{"info@example.co.jp", "nobody1@example.co.jp"}} {
		known := post(t, srv.URL+"/autodiscover/autodiscover.xml", "text/xml", body(pair[0]))
		unknown := post(t, srv.URL+"/autodiscover/autodiscover.xml", "text/xml", body(pair[1]))
		assert.Equal(t, known.status, unknown.status)
		assert.Equal(t, strings.ReplaceAll(known.body, "info@", "X@"), strings.ReplaceAll(unknown.body, "nobody1@", "X@"))
		assert.NotContains(t, known.body, "受付", "the account's name would tell it exists")

		tbKnown := get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress="+pair[0])
		tbUnknown := get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress="+pair[1])
		assert.Equal(t, tbKnown.body, tbUnknown.body)

		mcKnown := get(t, srv.URL+"/apple/"+pair[0]+".mobileconfig")
		mcUnknown := get(t, srv.URL+"/apple/"+pair[1]+".mobileconfig")
		assert.Equal(t, mcKnown.status, mcUnknown.status)
		assert.NotContains(t, mcKnown.body, "受付")
	}
	// Unknown domains and unknown paths answer alike.
	a := get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress=a@unknown.example")
	b := get(t, srv.URL+"/no/such/path")
	assert.Equal(t, a, response{a.status, a.header, b.body})
	assert.Equal(t, http.StatusNotFound, b.status)
}

func TestAutodiscoverJSON(t *testing.T) {
	srv, _ := serve(t, nil)
	tests := []struct {
		name   string
		path   string
		status int
		want   map[string]string
	}{
		{"v1", "/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1", 200,
			map[string]string{"Protocol": "AutodiscoverV1", "Url": "https://autodiscover.example.co.jp/autodiscover/autodiscover.xml"}},
		{"v1.0 path", "/autodiscover/autodiscover.json/v1.0/yamada@example.co.jp?Protocol=autodiscoverv1", 200,
			map[string]string{"Protocol": "AutodiscoverV1", "Url": "https://autodiscover.example.co.jp/autodiscover/autodiscover.xml"}},
		{"ActiveSync", "/Autodiscover/Autodiscover.json?Email=yamada%40example.co.jp&Protocol=ActiveSync", 400,
			map[string]string{"ErrorCode": "InvalidProtocol", "ErrorMessage": "The given protocol value is invalid. Supported values are 'AutodiscoverV1'."}},
		{"no email", "/autodiscover/autodiscover.json?Protocol=AutodiscoverV1", 400,
			map[string]string{"ErrorCode": "InvalidRequest", "ErrorMessage": "The Email parameter is missing."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, srv.URL+tt.path, "Host", "autodiscover.example.co.jp")
			assert.Equal(t, tt.status, resp.status)
			var got map[string]string
			require.NoError(t, json.Unmarshal([]byte(resp.body), &got))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, "application/json; charset=utf-8", resp.header.Get("Content-Type"))
		})
	}
	assert.Equal(t, 404, get(t, srv.URL+"/autodiscover/autodiscover.json?Email=a%40unknown.example&Protocol=AutodiscoverV1").status)
}

// TestAutodiscoverJSONHost checks the URL made from the Host header: the
// port goes, the name is lower-cased and loses a final dot; a host that is
// not of a served domain is not reflected.
func TestAutodiscoverJSONHost(t *testing.T) {
	srv, _ := serve(t, nil)
	tests := []struct {
		host   string
		status int
		want   string
	}{
		{"autodiscover.example.co.jp", 200, "https://autodiscover.example.co.jp/autodiscover/autodiscover.xml"},
		{"AutoDiscover.Example.CO.JP.:8443", 200, "https://autodiscover.example.co.jp/autodiscover/autodiscover.xml"},
		{"example.co.jp", 200, "https://example.co.jp/autodiscover/autodiscover.xml"},
		{"[2001:db8::1]:8080", 400, ""},
		{"192.0.2.1:80", 400, ""},
		{"evil.example", 400, ""},
	}
	for _, tt := range tests {
		resp := get(t, srv.URL+"/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1", "Host", tt.host)
		require.Equal(t, tt.status, resp.status, tt.host)
		if tt.status != 200 {
			assert.NotContains(t, resp.body, tt.host)
			continue
		}
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(resp.body), &got), tt.host)
		assert.Equal(t, tt.want, got["Url"], tt.host)
	}
}

// TestHostNotReflected sends hosts that are not of a served domain, in Host
// and in X-Forwarded-Host: no answer puts them into a URL; the site's
// base_url is used where there is one, else the answer is 400.
func TestHostNotReflected(t *testing.T) {
	for _, trust := range []bool{false, true} {
		srv, _ := serve(t, &autoconfig.Options{TrustProxy: trust})
		header := []string{"Host", "evil.example"}
		if trust {
			header = []string{"Host", "autoconfig.example.co.jp", "X-Forwarded-Host", "evil.example"}
		}
		for _, path := range []string{
			"/setup/yamada@example.co.jp",
			"/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1",
			"/autodiscover/autodiscover.xml",
		} {
			resp := get(t, srv.URL+path, header...)
			assert.Equal(t, http.StatusBadRequest, resp.status, "%s, trust %v", path, trust)
			assert.NotContains(t, resp.body+resp.header.Get("Location"), "evil")
		}
	}

	// With base_url, its host is used instead.
	site, err := mailprofile.Parse("based.yaml", []byte(`domain: example.org
base_url: https://setup.example-host.jp
servers:
  main:
    incoming: [{protocol: imap, host: imap.example-host.jp}]
    outgoing: [{host: smtp.example-host.jp}]
`))
	require.NoError(t, err)
	h, err := autoconfig.New([]*mailprofile.Site{site}, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	js := get(t, srv.URL+"/autodiscover/autodiscover.json?Email=a%40example.org&Protocol=AutodiscoverV1", "Host", "evil.example")
	assert.Contains(t, js.body, `"Url":"https://setup.example-host.jp/autodiscover/autodiscover.xml"`)
	page := get(t, srv.URL+"/setup/a@example.org", "Host", "evil.example")
	assert.Equal(t, 200, page.status)
	assert.Contains(t, page.body, `href="https://setup.example-host.jp/apple/a@example.org.mobileconfig"`)
	assert.NotContains(t, page.body, "evil")
}

func TestApple(t *testing.T) {
	srv, _ := serve(t, nil)
	_, _, yamada := expected(t, "yamada@example.co.jp")
	_, _, idn := expected(t, "user@例え.jp")
	tests := []struct {
		name        string
		path        string
		status      int
		body        []byte
		disposition string
	}{
		{"path", "/apple/yamada@example.co.jp.mobileconfig", 200, yamada, `attachment; filename="yamada@example.co.jp.mobileconfig"`},
		{"escaped path", "/apple/yamada%40example.co.jp.mobileconfig", 200, yamada, `attachment; filename="yamada@example.co.jp.mobileconfig"`},
		{"query", "/apple/profile.mobileconfig?email=yamada%40example.co.jp", 200, yamada, `attachment; filename="yamada@example.co.jp.mobileconfig"`},
		{"unicode name", "/apple/user@xn--r8jz45g.jp.mobileconfig", 200, idn,
			`attachment; filename="user@__.jp.mobileconfig"; filename*=UTF-8''user@%E4%BE%8B%E3%81%88.jp.mobileconfig`},
		{"unknown domain", "/apple/a@unknown.example.mobileconfig", 404, []byte("not found\n"), ""},
		{"not an address", "/apple/nobody.mobileconfig", 400, []byte("not an email address\n"), ""},
		{"no address", "/apple/profile.mobileconfig", 400, []byte("no email address\n"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, srv.URL+tt.path)
			assert.Equal(t, tt.status, resp.status)
			assert.Equal(t, string(tt.body), resp.body)
			assert.Equal(t, tt.disposition, resp.header.Get("Content-Disposition"))
			if tt.status == 200 {
				assert.Equal(t, "application/x-apple-aspen-config", resp.header.Get("Content-Type"))
				assert.NotContains(t, resp.body, "never-served")
			}
		})
	}
	legacy := get(t, srv.URL+"/apple/legacy@example.co.jp.mobileconfig")
	assert.Contains(t, legacy.body, "legacy-login&amp;co", "an override is served")
	assert.NotContains(t, legacy.body, "never-served", "passwords are never served")
}

func TestHealthAndMethods(t *testing.T) {
	srv, _ := serve(t, nil)
	resp := get(t, srv.URL+"/healthz")
	assert.Equal(t, response{200, resp.header, "ok\n"}, resp)
	r := post(t, srv.URL+"/mail/config-v1.1.xml", "text/plain", "x")
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "GET", r.header.Get("Allow"))
	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/mail/config-v1.1.xml?emailaddress=a%40example.co.jp", nil)
	head := do(t, req)
	assert.Equal(t, 200, head.status)
	assert.Empty(t, head.body)
}

func TestTrustProxy(t *testing.T) {
	domainJP := string(domainFile(t, "example.co.jp"))
	for _, trust := range []bool{false, true} {
		srv, _ := serve(t, &autoconfig.Options{TrustProxy: trust})
		resp := get(t, srv.URL+"/mail/config-v1.1.xml", "Host", "internal.lan", "X-Forwarded-Host", "autoconfig.example.co.jp")
		if trust {
			assert.Equal(t, domainJP, resp.body)
		} else {
			assert.Equal(t, 404, resp.status, "X-Forwarded-Host is ignored unless trusted")
		}
		js := get(t, srv.URL+"/autodiscover/autodiscover.json?Email=a%40example.co.jp&Protocol=AutodiscoverV1",
			"Host", "internal.lan:8080", "X-Forwarded-Host", "autodiscover.example.co.jp")
		if trust {
			assert.Contains(t, js.body, "https://autodiscover.example.co.jp/autodiscover/autodiscover.xml")
		} else {
			assert.Equal(t, 400, js.status, "internal.lan is not a host of a served domain")
		}
		gx := get(t, srv.URL+"/autodiscover/autodiscover.xml", "Host", "autodiscover.example.co.jp", "X-Forwarded-Proto", "https")
		if trust {
			assert.Equal(t, http.StatusMethodNotAllowed, gx.status, "GET over HTTPS is not the redirect method")
		} else {
			assert.Equal(t, http.StatusFound, gx.status)
		}
	}
}

// TestLogging asks every route with an address in its path or query, and
// the same with an address in an unknown path: no line shows the address
// unless asked for, nor a password, an Authorization header or a body.
func TestLogging(t *testing.T) {
	const who = "secret.person"
	routes := []string{
		"/apple/" + who + "@example.co.jp.mobileconfig",
		"/apple/profile.mobileconfig?email=" + who + "%40example.co.jp",
		"/setup/" + who + "@example.co.jp",
		"/setup?email=" + who + "%40example.co.jp",
		"/mail/config-v1.1.xml?emailaddress=" + who + "%40example.co.jp",
		"/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=" + who + "%40example.co.jp",
		"/autodiscover/autodiscover.json?Email=" + who + "%40example.co.jp&Protocol=AutodiscoverV1",
		"/Autodiscover/Autodiscover.json/v1.0/" + who + "@example.co.jp?Protocol=AutodiscoverV1",
		"/no/such/" + who + "@example.co.jp/path",
		"/setup/" + who + "-without-an-at",
	}
	for _, full := range []bool{false, true} {
		var buf syncbuf.Buffer
		log := slog.New(slog.NewTextHandler(&buf, nil))
		srv, _ := serve(t, &autoconfig.Options{Logger: log, LogAddresses: full})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/autodiscover/autodiscover.xml", strings.NewReader(body(who+"@example.co.jp")))
		req.SetBasicAuth(who+"@example.co.jp", "hunter2")
		do(t, req)
		for _, r := range routes {
			get(t, srv.URL+r)
		}
		// Each line is written before its answer ends.
		out := buf.String()
		assert.Equal(t, 1+len(routes), strings.Count(out, "msg=request"))
		assert.Contains(t, out, "method=POST path=/autodiscover/autodiscover.xml status=200")
		assert.Contains(t, out, "domain=example.co.jp")
		assert.Contains(t, out, "duration=")
		assert.NotContains(t, out, "hunter2")
		assert.NotContains(t, out, "Basic ")
		assert.NotContains(t, out, "<EMailAddress>")
		if full {
			assert.Contains(t, out, "address="+who+"@example.co.jp")
		} else {
			assert.NotContains(t, out, who, "addresses are logged only when asked for")
			for _, path := range []string{"/apple/…", "/setup/…", "/Autodiscover/Autodiscover.json/…", "/no/such/…/path"} {
				assert.Contains(t, out, "path="+path)
			}
		}
	}
}

func TestSetsAndErrors(t *testing.T) {
	sites := loadSites(t)
	_, err := autoconfig.New(sites, &autoconfig.Options{Set: "new"})
	assert.ErrorIs(t, err, mailprofile.ErrUnknownSet, "例え.jp has no set new")

	h, err := autoconfig.New(sites[:1], &autoconfig.Options{Set: "old"})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp := get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress=a%40example.co.jp")
	assert.Contains(t, resp.body, "<hostname>203.0.113.10</hostname>", "the old set when asked for")
	assert.ElementsMatch(t, []string{"example.co.jp"}, h.Domains())

	// A set that Outlook and Apple cannot express still serves Thunderbird.
	oauth, err := mailprofile.Load("../testdata/oauth2.yaml")
	require.NoError(t, err)
	assert.ErrorIs(t, h.SetSites([]*mailprofile.Site{oauth}), mailprofile.ErrUnknownSet, "Set old applies to every site")
	assert.Contains(t, get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress=a%40example.co.jp").body, "203.0.113.10", "a refused swap keeps the old sites")
	h, err = autoconfig.New(sites[:1], nil)
	require.NoError(t, err)
	srv = httptest.NewServer(h)
	defer srv.Close()
	require.NoError(t, h.SetSites([]*mailprofile.Site{oauth}))
	assert.Equal(t, 200, get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress=a%40example.com").status)
	assert.Equal(t, 404, post(t, srv.URL+"/autodiscover/autodiscover.xml", "text/xml", body("a@example.com")).status)
	assert.Equal(t, 404, get(t, srv.URL+"/apple/a@example.com.mobileconfig").status)
	assert.Equal(t, 404, get(t, srv.URL+"/mail/config-v1.1.xml?emailaddress=a%40example.co.jp").status, "the old site is gone")
}

func TestSetupPages(t *testing.T) {
	srv, _ := serve(t, nil)
	tests := []struct {
		name, path, acceptLanguage string
		status                     int
		lang                       string
		contains                   []string
		lacks                      []string
	}{
		{"ask, Japanese by default", "/", "", 200, "ja", []string{`<form method="get" action="/setup">`, "メールアドレス"}, nil},
		{"ask in English", "/", "en-US,en;q=0.9", 200, "en", []string{"Your email address"}, nil},
		{"page by path", "/setup/yamada@example.co.jp", "ja", 200, "ja",
			[]string{"yamada@example.co.jp のメール設定", "sv1234.example-host.jp", `href="http://autoconfig.example.co.jp/apple/` /* the request's own address */}, []string{"山田"}},
		{"page by query", "/setup?email=yamada%40example.co.jp&lang=en", "ja", 200, "en", []string{"Mail settings for yamada@example.co.jp"}, nil},
		{"lang beats Accept-Language", "/setup/a@example.co.jp?lang=ja", "en", 200, "ja", []string{"a@example.co.jp のメール設定"}, nil},
		{"quality order", "/setup/a@example.co.jp", "fr;q=1, en;q=0.8, ja;q=0.5", 200, "en", []string{"Mail settings for"}, nil},
		{"someone with no mailbox gets the same page", "/setup/nobody@example.co.jp", "en", 200, "en", []string{"nobody@example.co.jp", "sv1234.example-host.jp"}, nil},
		{"an override is shown", "/setup/legacy@example.co.jp", "en", 200, "en", []string{"legacy-login&amp;co", "For Legacy Login"}, []string{"never-served"}},
		{"unknown domain", "/setup/a@unknown.example", "en", 404, "", []string{"not found"}, nil},
		{"not an address", "/setup/nobody", "en", 400, "", []string{"“nobody” is not an email address. Check it and enter it again.", `value="nobody"`}, nil},
		{"not an address, in Japanese", "/setup?email=yamada%40example", "ja", 400, "", []string{"「yamada@example」はメールアドレスではありません", `<html lang="ja">`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, srv.URL+tt.path, "Accept-Language", tt.acceptLanguage, "Host", "autoconfig.example.co.jp")
			assert.Equal(t, tt.status, resp.status)
			for _, s := range tt.contains {
				assert.Contains(t, resp.body, s)
			}
			for _, s := range tt.lacks {
				assert.NotContains(t, resp.body, s)
			}
			if tt.status == 200 {
				assert.Equal(t, "text/html; charset=utf-8", resp.header.Get("Content-Type"))
				assert.Equal(t, tt.lang, resp.header.Get("Content-Language"))
				assert.Contains(t, resp.body, `<html lang="`+tt.lang+`">`)
				assert.Equal(t, "Accept-Language", resp.header.Get("Vary"))
			}
		})
	}
	r := get(t, srv.URL+"/setup")
	assert.Equal(t, http.StatusSeeOther, r.status, "/setup without an address leads back to the question")
	assert.Equal(t, "/", r.header.Get("Location"))

	h, err := autoconfig.New(loadSites(t), &autoconfig.Options{DefaultLang: "en"})
	require.NoError(t, err)
	s2 := httptest.NewServer(h)
	defer s2.Close()
	assert.Contains(t, get(t, s2.URL+"/").body, `<html lang="en">`)
}

// TestSetupPageSameAsSetup: a served page is setup.Page's, byte for byte,
// whichever page was made before it: pages are made in buffers that are
// used again, so a long page followed by a short one must leave nothing.
func TestSetupPageSameAsSetup(t *testing.T) {
	srv, _ := serve(t, nil)
	site := loadSites(t)[0]
	want := func(addr, lang string) string {
		acct, err := site.Account(addr)
		if err != nil || acct.UsernameOn("new") == "" {
			acct = &mailprofile.Account{Address: addr} // as anybody with the address is answered
		}
		other := map[string]string{"ja": "en", "en": "ja"}[lang]
		var buf bytes.Buffer
		require.NoError(t, setup.Page(&buf, site, acct, &setup.Options{
			Lang: lang, Set: "new", BaseURL: "http://autoconfig.example.co.jp",
			SwitchURL: "/setup/" + addr + "?lang=" + other,
		}))
		return buf.String()
	}
	var sizes []int
	for _, page := range []struct{ addr, lang string }{
		{"legacy@example.co.jp", "ja"}, {"yamada@example.co.jp", "en"}, {"a@example.co.jp", "ja"},
		{"legacy@example.co.jp", "en"}, {"yamada@example.co.jp", "en"}, {"legacy@example.co.jp", "ja"},
	} {
		resp := get(t, srv.URL+"/setup/"+page.addr+"?lang="+page.lang, "Host", "autoconfig.example.co.jp")
		require.Equal(t, http.StatusOK, resp.status)
		assert.Equal(t, want(page.addr, page.lang), resp.body, "%s in %s", page.addr, page.lang)
		assert.Equal(t, strconv.Itoa(len(resp.body)), resp.header.Get("Content-Length"))
		sizes = append(sizes, len(resp.body))
	}
	assert.Greater(t, sizes[0], sizes[1], "a shorter page follows a longer one")
}

func TestSignedProfiles(t *testing.T) {
	dir := t.TempDir()
	root := testpki.NewRoot(t, "test root")
	cert, key := root.Issue(t, testpki.Spec{CommonName: "setup.example-host.jp"})
	signer, err := apple.NewSigner(testpki.CertPEM(cert), testpki.KeyPEM(t, key), nil, time.Now())
	require.NoError(t, err)
	rootFile := testpki.Write(t, dir, "root.pem", testpki.CertPEM(root.Cert))
	openssl := spectest.Tool(t, "openssl", "openssl")

	plain, _ := serve(t, nil)
	signed, _ := serve(t, &autoconfig.Options{AppleSigner: signer})
	for _, addr := range []string{"yamada@example.co.jp", "legacy@example.co.jp"} { // anybody, and an override
		want := get(t, plain.URL+"/apple/"+addr+".mobileconfig").body
		resp := get(t, signed.URL+"/apple/"+addr+".mobileconfig")
		assert.Equal(t, "application/x-apple-aspen-config", resp.header.Get("Content-Type"))
		in := testpki.Write(t, dir, "p.der", []byte(resp.body))
		out := filepath.Join(dir, "content")
		msg, err := exec.Command(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", in,
			"-CAfile", rootFile, "-purpose", "any", "-out", out).CombinedOutput()
		require.NoError(t, err, "%s", msg)
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), addr)
	}
}

package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/testpki"
)

// scrape reads /metrics as Prometheus would, with its own parser.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return families
}

// value is the value of the series of family with exactly these labels, or
// -1 when there is none.
func value(families map[string]*dto.MetricFamily, family string, labels map[string]string) float64 {
	f := families[family]
	if f == nil {
		return -1
	}
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		if len(got) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			match = match && got[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		}
	}
	return -1
}

// TestServeMetrics counts requests by endpoint and status, answers by the
// client's family, and reloads by result, with no domain in any label;
// --metrics-domains adds the domain and each certificate's expiry.
func TestServeMetrics(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "one.yaml"), []byte(desc("one.test")), 0o644))
	p := start(t, "-c", dir, "--metrics-addr", "127.0.0.1:0")
	metricsAddr := p.waitFor(t, regexp.MustCompile(`msg="listening for metrics" addr=(\S+)`))[1]

	ask := func(path, ua string) int {
		req, err := http.NewRequest("GET", "http://"+p.addr+path, nil)
		require.NoError(t, err)
		req.Header.Set("User-Agent", ua)
		req.Host = "autodiscover.one.test"
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 200, ask("/mail/config-v1.1.xml?emailaddress=a%40one.test", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0"))
	assert.Equal(t, 200, ask("/autodiscover/autodiscover.json?Email=a%40one.test&Protocol=AutodiscoverV1", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)"))
	assert.Equal(t, 200, ask("/apple/a@one.test.mobileconfig", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"))
	assert.Equal(t, 404, ask("/nothing-here", "curl/8.5.0"))

	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, "msg=reloaded", 1)
	require.NoError(t, os.Remove(filepath.Join(dir, "one.yaml")))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, `msg="reload refused; still serving the previous descriptions"`, 1)

	m := scrape(t, metricsAddr)
	assert.Equal(t, 1.0, value(m, "mailprofile_requests_total", map[string]string{"endpoint": "thunderbird", "code": "200"}))
	assert.Equal(t, 1.0, value(m, "mailprofile_requests_total", map[string]string{"endpoint": "autodiscover-json", "code": "200"}))
	assert.Equal(t, 1.0, value(m, "mailprofile_requests_total", map[string]string{"endpoint": "apple", "code": "200"}))
	assert.Equal(t, 1.0, value(m, "mailprofile_requests_total", map[string]string{"endpoint": "other", "code": "404"}))
	for _, client := range []string{"thunderbird", "outlook", "apple"} {
		assert.Equal(t, 1.0, value(m, "mailprofile_answers_total", map[string]string{"client": client}), client)
	}
	assert.Equal(t, -1.0, value(m, "mailprofile_answers_total", map[string]string{"client": "other"}), "a 404 is no answer")
	assert.Equal(t, 1.0, value(m, "mailprofile_reloads_total", map[string]string{"result": "ok"}))
	assert.Equal(t, 1.0, value(m, "mailprofile_reloads_total", map[string]string{"result": "failed"}))
	assert.NotNil(t, m["process_resident_memory_bytes"])
	for name, f := range m {
		for _, series := range f.Metric {
			for _, l := range series.Label {
				assert.NotContains(t, l.GetValue(), "one.test", "%s: no domain without --metrics-domains", name)
			}
		}
	}
}

// TestServeMetricsDomains labels by domain and gives each certificate's
// expiry, when asked to.
func TestServeMetricsDomains(t *testing.T) {
	ca := testpki.NewRoot(t, "metrics test CA")
	notAfter := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Second)
	cert, key := ca.Issue(t, testpki.Spec{CommonName: "autoconfig.one.test", DNSNames: []string{"autoconfig.one.test"}, NotAfter: notAfter})
	dir := t.TempDir()
	certFile := testpki.Write(t, dir, "one.crt", testpki.CertPEM(cert))
	keyFile := testpki.Write(t, dir, "one.key", testpki.KeyPEM(t, key))
	p := start(t, "-c", write(t, "one.yaml", desc("one.test")), "--tls-cert", certFile, "--tls-key", keyFile,
		"--metrics-addr", "127.0.0.1:0", "--metrics-domains")
	metricsAddr := p.waitFor(t, regexp.MustCompile(`msg="listening for metrics" addr=(\S+)`))[1]

	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "autoconfig.one.test"}}}
	resp, err := client.Get("https://" + p.addr + "/mail/config-v1.1.xml?emailaddress=a%40one.test")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)

	// A client may send any name; the certificate given to it is the same
	// one, and no series is made for the name it made up.
	conn, err := tls.Dial("tcp", p.addr, &tls.Config{ServerName: "made-up.invalid", InsecureSkipVerify: true})
	require.NoError(t, err)
	conn.Close()

	m := scrape(t, metricsAddr)
	assert.Equal(t, -1.0, value(m, "mailprofile_certificate_expiry_timestamp_seconds", map[string]string{"name": "made-up.invalid"}))
	assert.Len(t, m["mailprofile_certificate_expiry_timestamp_seconds"].GetMetric(), 1, "one series a name of the certificate")
	assert.Equal(t, 1.0, value(m, "mailprofile_requests_total", map[string]string{"endpoint": "thunderbird", "code": "200", "domain": "one.test"}))
	assert.Equal(t, float64(notAfter.Unix()), value(m, "mailprofile_certificate_expiry_timestamp_seconds", map[string]string{"name": "autoconfig.one.test"}))
	assert.Equal(t, float64(notAfter.Unix()), value(m, "mailprofile_certificate_expiry_soonest_timestamp_seconds", map[string]string{}))
	assert.False(t, strings.Contains(p.logText(), "level=ERROR"), p.logText())
}

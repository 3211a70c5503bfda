package main

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mailprofile/mailprofile/autoconfig"
)

// metrics are what serve --metrics-addr exposes in the Prometheus text
// format. Labels take few values: no address, and no domain or certificate
// name unless --metrics-domains asks for them.
type metrics struct {
	reg     *prometheus.Registry
	domains bool

	requests *prometheus.CounterVec // endpoint, code (, domain)
	answers  *prometheus.CounterVec // client
	reloads  *prometheus.CounterVec // result
	expiry   *prometheus.GaugeVec   // name, with domains only

	mu      sync.Mutex
	expires map[string]time.Time // by a name a certificate covers
}

func newMetrics(domains bool) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), domains: domains, expires: map[string]time.Time{}}
	labels := []string{"endpoint", "code"}
	if domains {
		labels = append(labels, "domain")
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mailprofile_requests_total", Help: "Requests answered, by endpoint and HTTP status.",
	}, labels)
	m.answers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mailprofile_answers_total", Help: "Successful answers, by the family of the client that asked (from its User-Agent): thunderbird, outlook, apple, other.",
	}, []string{"client"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mailprofile_reloads_total", Help: "Reloads of the descriptions (SIGHUP), by result: ok, or failed (the previous descriptions kept serving).",
	}, []string{"result"})
	m.reg.MustRegister(m.requests, m.answers, m.reloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if domains {
		m.expiry = prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mailprofile_certificate_expiry_timestamp_seconds", Help: "When each serving certificate expires, by each name it covers, in Unix seconds.",
		}, []string{"name"})
		m.reg.MustRegister(m.expiry)
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mailprofile_certificate_expiry_soonest_timestamp_seconds", Help: "When the first of the serving certificates seen so far expires, in Unix seconds (0 before any).",
	}, m.soonest))
	return m
}

// observe counts one answered request (autoconfig.Options.Observe).
func (m *metrics) observe(r *http.Request, a autoconfig.Answered) {
	labels := []string{a.Endpoint, strconv.Itoa(a.Status)}
	if m.domains {
		labels = append(labels, a.Domain)
	}
	m.requests.WithLabelValues(labels...).Inc()
	if a.Status < 400 && a.Endpoint != "healthz" {
		m.answers.WithLabelValues(clientFamily(r.UserAgent())).Inc()
	}
}

// reloaded counts a reload.
func (m *metrics) reloaded(ok bool) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	m.reloads.WithLabelValues(result).Inc()
}

// certificate notes the expiry of a certificate given out, under each
// name it covers: its own names, not the one the client sent, which may be
// anything (a client that sends a made-up name gets the default
// certificate), so there are only as many as the certificates have.
func (m *metrics) certificate(leaf *x509.Certificate) {
	var names []string
	for _, n := range leaf.DNSNames {
		names = append(names, strings.ToLower(n))
	}
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && leaf.Subject.CommonName != "" {
		names = []string{strings.ToLower(leaf.Subject.CommonName)}
	}
	m.mu.Lock()
	for _, name := range names {
		m.expires[name] = leaf.NotAfter
	}
	m.mu.Unlock()
	if m.domains {
		for _, name := range names {
			m.expiry.WithLabelValues(name).Set(float64(leaf.NotAfter.Unix()))
		}
	}
}

// watch wraps a GetCertificate so that each certificate given out is
// noted.
func (m *metrics) watch(get func(*tls.ClientHelloInfo) (*tls.Certificate, error)) func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		c, err := get(hello)
		if err == nil && c != nil {
			leaf := c.Leaf
			if leaf == nil && len(c.Certificate) > 0 {
				leaf, _ = x509.ParseCertificate(c.Certificate[0])
			}
			if leaf != nil {
				m.certificate(leaf)
			}
		}
		return c, err
	}
}

func (m *metrics) soonest() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var first time.Time
	for _, t := range m.expires {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	if first.IsZero() {
		return 0
	}
	return float64(first.Unix())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// clientFamily tells the mail client apart by its User-Agent.
func clientFamily(ua string) string {
	switch {
	case strings.Contains(ua, "Thunderbird") || strings.Contains(ua, "K-9 Mail"):
		return "thunderbird"
	case strings.Contains(ua, "Outlook") || strings.Contains(ua, "Microsoft Office") || strings.Contains(ua, "MSOffice"):
		return "outlook"
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad") || strings.Contains(ua, "Macintosh") ||
		strings.Contains(ua, "CFNetwork") || strings.Contains(ua, "Darwin"):
		return "apple"
	}
	return "other"
}

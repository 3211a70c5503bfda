package main

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
)

// certStore holds the serving certificates of --tls-cert/--tls-key and
// --tls-dir. A handshake gets the certificate whose names cover the name
// the client asked for (SNI), else the first one. load reads the files
// again; a set that fails to load leaves the current one in place.
type certStore struct {
	pairs [][2]string // certificate and key files, in the order given
	dir   string      // NAME.crt with NAME.key
	set   atomic.Pointer[certSet]
}

type certSet struct {
	first  *tls.Certificate
	byName map[string]*tls.Certificate // lower-case names, "*.example.jp" for wildcards
}

func (s *certStore) load() error {
	pairs := s.pairs
	if s.dir != "" {
		entries, err := os.ReadDir(s.dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".crt")
			if !ok || e.IsDir() {
				continue
			}
			pairs = append(pairs, [2]string{filepath.Join(s.dir, e.Name()), filepath.Join(s.dir, name+".key")})
		}
		if len(pairs) == 0 {
			return fmt.Errorf("%s holds no NAME.crt with its NAME.key", s.dir)
		}
	}
	set := &certSet{byName: map[string]*tls.Certificate{}}
	for _, p := range pairs {
		c, err := tls.LoadX509KeyPair(p[0], p[1])
		if err != nil {
			return fmt.Errorf("%s with %s: %w", p[0], p[1], err)
		}
		if set.first == nil {
			set.first = &c
		}
		for _, n := range c.Leaf.DNSNames {
			n = strings.ToLower(n)
			if set.byName[n] == nil {
				set.byName[n] = &c
			}
		}
		for _, ip := range c.Leaf.IPAddresses {
			if set.byName[ip.String()] == nil {
				set.byName[ip.String()] = &c
			}
		}
	}
	s.set.Store(set)
	return nil
}

// getCertificate chooses the certificate for a handshake.
func (s *certStore) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	set := s.set.Load()
	name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if name == "" && hello.Conn != nil { // no SNI: a client that asked by IP address
		if host, _, err := net.SplitHostPort(hello.Conn.LocalAddr().String()); err == nil {
			name = host
		}
	}
	if c := set.byName[name]; c != nil {
		return c, nil
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		if c := set.byName["*"+name[i:]]; c != nil {
			return c, nil
		}
	}
	return set.first, nil
}

// acmeNames are the names serve may get certificates for: the service
// hosts of every site (autoconfig., autodiscover., base_url, discovery.host).
func acmeNames(sites []*mailprofile.Site) map[string]bool {
	names := map[string]bool{}
	for _, s := range sites {
		for _, h := range s.ServiceHosts() {
			names[h] = true
		}
	}
	return names
}

// newACME is the certificate manager of --acme: certificates from the
// ACME directory for exactly the names in allowed, kept in cache.
func newACME(email, cache, directory string, allowed *atomic.Pointer[map[string]bool], log *slog.Logger) *autocert.Manager {
	m := &autocert.Manager{
		Prompt: autocert.AcceptTOS,
		Email:  email,
		Cache:  autocert.DirCache(cache),
		HostPolicy: func(_ context.Context, host string) error {
			// HTTP-01 asks with the request's Host, which may carry a port.
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			if (*allowed.Load())[strings.ToLower(host)] {
				return nil
			}
			log.Warn("certificate refused", "name", host, "why", "not a name this server serves")
			return fmt.Errorf("%q is not a name this server serves", host)
		},
	}
	if directory != "" {
		m.Client = &acme.Client{DirectoryURL: directory}
	}
	return m
}

// plainHTTP answers on the plain-HTTP port: Thunderbird's autoconfig
// lookups, which it makes over HTTP too, and a redirect to HTTPS for
// everything else. httpsPort is the port of the HTTPS address ("443"
// gives URLs without one).
func plainHTTP(h http.Handler, httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/mail/config-v1.1.xml" || r.URL.Path == "/.well-known/autoconfig/mail/config-v1.1.xml" {
			h.ServeHTTP(w, r)
			return
		}
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if httpsPort != "443" {
			host = net.JoinHostPort(host, httpsPort)
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
}

// tlsSigners signs Apple profiles with the certificate that serves the
// request's host (--sign-with-tls), so that a renewed certificate signs
// from its first use. Signers are made once per certificate.
type tlsSigners struct {
	get func(*tls.ClientHelloInfo) (*tls.Certificate, error)
	log *slog.Logger

	mu      sync.Mutex
	signers map[*tls.Certificate]*apple.Signer
}

func (t *tlsSigners) signerFor(r *http.Request) *apple.Signer {
	name := r.Host
	if r.TLS != nil && r.TLS.ServerName != "" {
		name = r.TLS.ServerName
	}
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	// The ClientHello of a client that takes ECDSA over TLS 1.3, as every
	// client that reaches us over TLS does: the certificate it was given.
	cert, err := t.get(&tls.ClientHelloInfo{
		ServerName:        name,
		SupportedVersions: []uint16{tls.VersionTLS13},
		SignatureSchemes:  []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256, tls.PSSWithSHA256},
		SupportedCurves:   []tls.CurveID{tls.CurveP256},
		CipherSuites:      []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
	})
	if err != nil || cert == nil {
		t.log.Warn("profile served unsigned: no certificate for the host", "host", name, "err", err)
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.signers[cert]; s != nil {
		return s
	}
	s, err := signerOf(cert)
	if err != nil {
		t.log.Warn("profile served unsigned", "host", name, "err", err)
		return nil
	}
	if len(t.signers) > 64 { // renewed certificates: forget the old ones
		clear(t.signers)
	}
	t.signers[cert] = s
	return s
}

// signerOf makes a profile signer of a serving certificate and its key.
func signerOf(c *tls.Certificate) (*apple.Signer, error) {
	key, ok := c.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, errors.New("the certificate's key cannot sign")
	}
	certs := make([]*x509.Certificate, len(c.Certificate))
	for i, der := range c.Certificate {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		certs[i] = cert
	}
	return apple.SignerOf(certs, key, time.Now())
}

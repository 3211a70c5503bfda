package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/dovecottest"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

// acmeCA is a private Let's Encrypt test server (pebble) on loopback, with
// its challenge test server answering every name with 127.0.0.1, so that
// pebble really connects to serve to validate each challenge.
type acmeCA struct {
	directory string         // the ACME directory URL
	caFile    string         // trusts pebble's own HTTPS listener (SSL_CERT_FILE for serve)
	roots     *x509.CertPool // pebble's issuing root, for clients
}

// startACME starts pebble, validating TLS-ALPN-01 at tlsPort and HTTP-01
// at httpPort of 127.0.0.1.
func startACME(t *testing.T, tlsPort, httpPort int) *acmeCA {
	t.Helper()
	pebble := spectest.Tool(t, "pebble", "pebble")
	challtest := spectest.Tool(t, "pebble-challtestsrv", "pebble")
	dir := t.TempDir()
	ca := testpki.NewRoot(t, "pebble listener CA")
	cert, key := ca.Issue(t, testpki.Spec{CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	a := &acmeCA{caFile: testpki.Write(t, dir, "ca.pem", testpki.CertPEM(ca.Cert))}
	testpki.Write(t, dir, "cert.pem", testpki.CertPEM(cert))
	testpki.Write(t, dir, "key.pem", testpki.KeyPEM(t, key))

	dnsPort, apiPort, mgmtPort, challMgmt := dovecottest.FreePort(t), dovecottest.FreePort(t), dovecottest.FreePort(t), dovecottest.FreePort(t)
	run := func(name string, cmd *exec.Cmd) {
		cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
		log, err := os.Create(filepath.Join(dir, name+".log"))
		require.NoError(t, err)
		cmd.Stdout, cmd.Stderr = log, log
		require.NoError(t, cmd.Start())
		t.Cleanup(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
			log.Close()
			if t.Failed() {
				out, _ := os.ReadFile(log.Name())
				t.Logf("%s log:\n%s", name, out)
			}
		})
	}
	run("challtestsrv", exec.Command(challtest, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
		"-dns01", fmt.Sprintf("127.0.0.1:%d", dnsPort), "-http01", "", "-https01", "", "-tlsalpn01", "",
		"-management", fmt.Sprintf("127.0.0.1:%d", challMgmt)))
	conf, err := json.Marshal(map[string]any{"pebble": map[string]any{
		"listenAddress":           fmt.Sprintf("127.0.0.1:%d", apiPort),
		"managementListenAddress": fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate":             filepath.Join(dir, "cert.pem"),
		"privateKey":              filepath.Join(dir, "key.pem"),
		"httpPort":                httpPort,
		"tlsPort":                 tlsPort,
	}})
	require.NoError(t, err)
	confFile := testpki.Write(t, dir, "pebble.json", conf)
	run("pebble", exec.Command(pebble, "-config", confFile, "-dnsserver", fmt.Sprintf("127.0.0.1:%d", dnsPort)))
	a.directory = fmt.Sprintf("https://127.0.0.1:%d/dir", apiPort)

	// Pebble makes its issuing root at start: fetch it when it answers.
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/roots/0", mgmtPort))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				a.roots = x509.NewCertPool()
				require.True(t, a.roots.AppendCertsFromPEM(body), "%s", body)
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "pebble did not start: %v", err)
		time.Sleep(50 * time.Millisecond)
	}
	return a
}

// startACMEServe starts serve with --acme against a, at port (and
// httpPort for --http-addr when not zero).
func startACMEServe(t *testing.T, a *acmeCA, port, httpPort int, args ...string) *process {
	t.Helper()
	args = append([]string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--acme", "ops@example.test",
		"--acme-directory", a.directory}, args...)
	if httpPort != 0 {
		args = append(args, "--http-addr", fmt.Sprintf("127.0.0.1:%d", httpPort))
	}
	cmd := exec.Command(build(t), args...)
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+a.caFile) // serve trusts pebble's API
	return startCommand(t, cmd)
}

// handshake connects to addr asking for name and returns the certificate
// chain it was given, verified against roots.
func handshake(addr, name string, roots *x509.CertPool) ([]*x509.Certificate, error) {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 30 * time.Second}, "tcp", addr, &tls.Config{ServerName: name, RootCAs: roots})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates, nil
}

// signedProfile fetches an Apple profile and reads its signature.
func signedProfile(t *testing.T, client *http.Client, url string) *pkcs7.PKCS7 {
	t.Helper()
	resp, err := client.Get(url)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, "%s", body)
	p7, err := pkcs7.Parse(body)
	require.NoError(t, err)
	return p7
}

// TestServeACME gets certificates from a real ACME server by TLS-ALPN-01:
// for two domains' names, verified by a client against the ACME server's
// root; refuses a name it does not serve before any order; gets one for a
// domain added by SIGHUP on its first use; and signs Apple profiles with
// the certificate of the host they are fetched from (--sign-with-tls).
func TestServeACME(t *testing.T) {
	port := dovecottest.FreePort(t)
	a := startACME(t, port, dovecottest.FreePort(t))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "one.yaml"), []byte(desc("one.test")), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "two.yaml"), []byte(desc("two.test")), 0o644))
	p := startACMEServe(t, a, port, 0, "-c", dir, "--acme-cache", filepath.Join(t.TempDir(), "acme"), "--sign-with-tls")
	assert.Contains(t, p.logText(), "tls=acme")

	for _, name := range []string{"autoconfig.one.test", "autodiscover.two.test"} {
		chain, err := handshake(p.addr, name, a.roots)
		require.NoError(t, err, name)
		assert.Equal(t, []string{name}, chain[0].DNSNames)
	}

	_, err := handshake(p.addr, "autoconfig.three.test", a.roots)
	require.Error(t, err, "a name of no domain served gets no certificate")
	p.waitFor(t, regexp.MustCompile(`msg="certificate refused" name=autoconfig.three.test`))

	// Added by SIGHUP: its certificate comes with its first handshake.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "three.yaml"), []byte(desc("three.test")), 0o644))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitFor(t, regexp.MustCompile(`msg=reloaded domains=3`))
	chain, err := handshake(p.addr, "autoconfig.three.test", a.roots)
	require.NoError(t, err)
	assert.Equal(t, []string{"autoconfig.three.test"}, chain[0].DNSNames)

	// The profile is signed with the certificate of the host it came from,
	// which verifies up to the ACME server's root.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: a.roots},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, p.addr)
		},
	}}
	p7 := signedProfile(t, client, "https://autoconfig.one.test:"+strconv.Itoa(port)+"/apple/a@one.test.mobileconfig")
	served, err := handshake(p.addr, "autoconfig.one.test", a.roots)
	require.NoError(t, err)
	assert.True(t, p7.GetOnlySigner().Equal(served[0]), "signed by the serving certificate")
	assert.NoError(t, p7.VerifyWithChain(a.roots))
}

// TestServeACMERenewsAndHTTP01: a certificate in the cache that is due for
// renewal is served at first and replaced by a new one from the ACME
// server; with TLS-ALPN-01 unreachable, HTTP-01 on --http-addr gets the
// certificate, and that port answers Thunderbird's plain-HTTP lookups and
// redirects everything else to HTTPS.
func TestServeACMERenewsAndHTTP01(t *testing.T) {
	port, httpPort := dovecottest.FreePort(t), dovecottest.FreePort(t)
	a := startACME(t, dovecottest.FreePort(t), httpPort) // nothing at its TLS-ALPN-01 port
	cache := t.TempDir()

	// A certificate with ten days left, as the last run of serve left it:
	// autocert renews thirty days ahead.
	old := testpki.NewRoot(t, "an earlier CA")
	cert, key := old.Issue(t, testpki.Spec{CommonName: "autoconfig.one.test", DNSNames: []string{"autoconfig.one.test"},
		NotBefore: time.Now().Add(-80 * 24 * time.Hour), NotAfter: time.Now().Add(10 * 24 * time.Hour)})
	testpki.Write(t, cache, "autoconfig.one.test", append(testpki.KeyPEM(t, key), testpki.CertPEM(cert)...))
	olds := x509.NewCertPool()
	olds.AddCert(old.Cert)

	p := startACMEServe(t, a, port, httpPort, "-c", write(t, "one.yaml", desc("one.test")), "--acme-cache", cache)
	first, err := handshake(p.addr, "autoconfig.one.test", olds)
	require.NoError(t, err, "the cached certificate is served while it is renewed")
	assert.Equal(t, cert.SerialNumber, first[0].SerialNumber)
	deadline := time.Now().Add(60 * time.Second)
	for {
		chain, err := handshake(p.addr, "autoconfig.one.test", a.roots)
		if err == nil {
			assert.NotEqual(t, cert.SerialNumber, chain[0].SerialNumber)
			break
		}
		require.True(t, time.Now().Before(deadline), "never renewed: %v", err)
		time.Sleep(100 * time.Millisecond)
	}

	// A name without a certificate yet: HTTP-01 it is.
	chain, err := handshake(p.addr, "autodiscover.one.test", a.roots)
	require.NoError(t, err)
	assert.Equal(t, []string{"autodiscover.one.test"}, chain[0].DNSNames)

	noRedirect := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	plain := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	get := func(path string) *http.Response {
		req, err := http.NewRequest("GET", plain+path, nil)
		require.NoError(t, err)
		req.Host = "autoconfig.one.test"
		resp, err := noRedirect.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	assert.Equal(t, 200, get("/mail/config-v1.1.xml?emailaddress=a%40one.test").StatusCode, "Thunderbird asks over plain HTTP too")
	resp := get("/setup/a@one.test?x=1")
	assert.Equal(t, http.StatusPermanentRedirect, resp.StatusCode)
	assert.Equal(t, fmt.Sprintf("https://autoconfig.one.test:%d/setup/a@one.test?x=1", port), resp.Header.Get("Location"))
}

// TestServeCertificatesByName chooses among several certificates by the
// name the client asks for (wildcards too), from repeated --tls-cert or
// from --tls-dir, and reads them again on SIGHUP without dropping a
// connection; a bad file on reload keeps the certificates in place.
func TestServeCertificatesByName(t *testing.T) {
	ca := testpki.NewRoot(t, "serve test CA")
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	dir := t.TempDir()
	issue := func(name string, names ...string) *x509.Certificate {
		cert, key := ca.Issue(t, testpki.Spec{CommonName: names[0], DNSNames: names})
		testpki.Write(t, dir, name+".crt", testpki.CertPEM(cert))
		testpki.Write(t, dir, name+".key", testpki.KeyPEM(t, key))
		return cert
	}
	one := issue("one", "autoconfig.one.test", "autodiscover.one.test")
	two := issue("two", "*.two.test")
	site := write(t, "sites.yaml", desc("one.test")+"---\n"+desc("two.test"))

	for _, args := range [][]string{
		{"--tls-dir", dir},
		{"--tls-cert", filepath.Join(dir, "one.crt"), "--tls-key", filepath.Join(dir, "one.key"),
			"--tls-cert", filepath.Join(dir, "two.crt"), "--tls-key", filepath.Join(dir, "two.key")},
	} {
		p := start(t, append([]string{"-c", site}, args...)...)
		for name, want := range map[string]*x509.Certificate{"autoconfig.one.test": one, "autodiscover.two.test": two, "autoconfig.two.test": two} {
			chain, err := handshake(p.addr, name, roots)
			require.NoError(t, err, name)
			assert.Equal(t, want.SerialNumber, chain[0].SerialNumber, name)
		}
	}

	p := start(t, "-c", site, "--tls-dir", dir)
	reused := false
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "autoconfig.one.test"},
	}}
	get := func() {
		req, err := http.NewRequest("GET", "https://"+p.addr+"/mail/config-v1.1.xml?emailaddress=a%40one.test", nil)
		require.NoError(t, err)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}))
		resp, err := client.Do(req)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
	}
	get()

	renewed := issue("one", "autoconfig.one.test", "autodiscover.one.test")
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, "msg=\"certificates reloaded\"", 1)
	get()
	assert.True(t, reused, "the open connection goes on")
	chain, err := handshake(p.addr, "autoconfig.one.test", roots)
	require.NoError(t, err)
	assert.Equal(t, renewed.SerialNumber, chain[0].SerialNumber, "a new connection gets the new certificate")

	testpki.Write(t, dir, "one.crt", []byte("not a certificate"))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, "msg=\"certificates not reloaded; still serving the previous ones\"", 1)
	chain, err = handshake(p.addr, "autoconfig.one.test", roots)
	require.NoError(t, err)
	assert.Equal(t, renewed.SerialNumber, chain[0].SerialNumber)
}

// TestServeCertificateUsage: combinations that cannot work are usage
// errors, before anything listens.
func TestServeCertificateUsage(t *testing.T) {
	site := write(t, "site.yaml", desc("one.test"))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", "a.pem", "--tls-key", "a.key", "--tls-cert", "b.pem"}, "--tls-cert and --tls-key go together: one key for each certificate"},
		{[]string{"--acme", "ops@example.test", "--acme-cache", "c", "--tls-dir", "d"}, "--acme gets the certificates itself: leave out --tls-cert and --tls-dir"},
		{[]string{"--acme-cache", "c"}, "--acme-cache and --acme-directory go with --acme EMAIL"},
		{[]string{"--http-addr", ":80"}, "--http-addr is for a server with HTTPS (--tls-cert, --tls-dir or --acme)"},
		{[]string{"--sign-with-tls"}, "--sign-with-tls needs HTTPS (--tls-cert, --tls-dir or --acme)"},
		{[]string{"--tls-dir", "d", "--sign-with-tls", "--sign-cert", "c", "--sign-key", "k"}, "--sign-with-tls and --sign-cert: choose one way to sign"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, append([]string{"serve", "-c", site, "--addr", "127.0.0.1:0"}, tt.args...)...)
		assert.Equal(t, exitUsage, code, tt.args)
		assert.Contains(t, stderr, tt.want)
	}
	t.Setenv("STATE_DIRECTORY", "")
	code, _, stderr := runCLI(t, "serve", "-c", site, "--acme", "ops@example.test")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--acme needs --acme-cache DIR (or systemd's StateDirectory=)")
}

// TestServeReloadsSigner: SIGHUP reads --sign-cert and --sign-key again,
// so a renewed signing certificate signs from then on.
func TestServeReloadsSigner(t *testing.T) {
	ca := testpki.NewRoot(t, "signing test CA")
	dir := t.TempDir()
	issue := func() *x509.Certificate {
		cert, key := ca.Issue(t, testpki.Spec{CommonName: "setup.example.test", DNSNames: []string{"setup.example.test"}})
		testpki.Write(t, dir, "sign.crt", testpki.CertPEM(cert))
		testpki.Write(t, dir, "sign.key", testpki.KeyPEM(t, key))
		return cert
	}
	signer := func(p *process) *x509.Certificate {
		return signedProfile(t, http.DefaultClient, "http://"+p.addr+"/apple/a@one.test.mobileconfig").GetOnlySigner()
	}
	first := issue()
	p := start(t, "-c", write(t, "one.yaml", desc("one.test")), "--sign-cert", filepath.Join(dir, "sign.crt"), "--sign-key", filepath.Join(dir, "sign.key"))
	assert.True(t, signer(p).Equal(first))
	second := issue()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, `msg="signing certificate reloaded"`, 1)
	assert.True(t, signer(p).Equal(second))
}

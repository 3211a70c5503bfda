// Package deploy_test checks the files of deploy/ with the programs that
// read them: systemd-analyze verifies the unit, and a real nginx runs the
// nginx example in front of mailprofile serve.
package deploy_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/internal/syncbuf"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

// mailprofile builds the command into a test folder.
func mailprofile(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mailprofile")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/mailprofile").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// TestSystemdUnit: systemd-analyze verifies the unit and says nothing
// about it (an unknown or misspelt key would be said).
func TestSystemdUnit(t *testing.T) {
	analyze := spectest.Tool(t, "systemd-analyze", "systemd")
	unit, err := os.ReadFile("mailprofile.service")
	require.NoError(t, err)
	// verify checks that the program exists: the one just built.
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/mailprofile", mailprofile(t))
	file := filepath.Join(t.TempDir(), "mailprofile.service")
	require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
	out, err := exec.Command(analyze, "verify", "--man=no", file).CombinedOutput()
	assert.NoError(t, err, "%s", out)
	assert.Empty(t, strings.TrimSpace(string(out)))
	for _, want := range []string{"DynamicUser=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "ProtectSystem=strict", "StateDirectory=mailprofile", "ExecReload=/bin/kill -HUP $MAINPID"} {
		assert.Contains(t, text, want)
	}
}

// freePort is a loopback port nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// waitListening waits until addr takes connections, or the process ends.
func waitListening(t *testing.T, addr string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a hang guard, not a measure of speed
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the program ended before listening on %s: %v", addr, err)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

// start runs cmd until the test ends.
func start(t *testing.T, cmd *exec.Cmd) <-chan error {
	t.Helper()
	var log syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.WaitDelay = 5 * time.Second // a child that keeps the output open does not hold the test
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s said:\n%s", filepath.Base(cmd.Path), log.String())
		}
	})
	return done
}

// proxied is serve --trust-proxy on loopback, waiting for a proxy in front
// of it: the ports, and a certificate of ca for every name of the examples.
type proxied struct {
	dir, servePort, httpsPort, httpPort string
	ca                                  *testpki.CA
	certFile, keyFile                   string
}

func behindProxy(t *testing.T) *proxied {
	t.Helper()
	p := &proxied{dir: t.TempDir(), servePort: freePort(t), httpsPort: freePort(t), httpPort: freePort(t)}
	serve := exec.Command(mailprofile(t), "serve", "-c", "../examples/migration.yaml", "--addr", "127.0.0.1:"+p.servePort, "--trust-proxy")
	waitListening(t, "127.0.0.1:"+p.servePort, start(t, serve))
	p.ca = testpki.NewRoot(t, "proxy test root")
	cert, key := p.ca.Issue(t, testpki.Spec{CommonName: "autoconfig.example.co.jp", DNSNames: []string{"autoconfig.example.co.jp", "autodiscover.example.co.jp", "setup.example-host.jp"}})
	p.certFile = testpki.Write(t, p.dir, "fullchain.pem", testpki.CertPEM(cert))
	p.keyFile = testpki.Write(t, p.dir, "privkey.pem", testpki.KeyPEM(t, key))
	return p
}

// TestNginxInFront runs deploy/nginx.conf, as it is but for its ports and
// certificate, with a real nginx in front of serve --trust-proxy.
func TestNginxInFront(t *testing.T) {
	nginx := spectest.Tool(t, "nginx", "nginx")
	p := behindProxy(t)

	example, err := os.ReadFile("nginx.conf")
	require.NoError(t, err)
	site := strings.NewReplacer(
		"listen 443 ssl;", "listen 127.0.0.1:"+p.httpsPort+" ssl;",
		"listen [::]:443 ssl;", "",
		"listen 80;", "listen 127.0.0.1:"+p.httpPort+";",
		"listen [::]:80;", "",
		"/etc/ssl/mailprofile/fullchain.pem", p.certFile,
		"/etc/ssl/mailprofile/privkey.pem", p.keyFile,
		"127.0.0.1:8080", "127.0.0.1:"+p.servePort,
	).Replace(string(example))
	require.NoError(t, os.WriteFile(filepath.Join(p.dir, "site.conf"), []byte(site), 0o644))
	main := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/site.conf;
}
`, p.dir)
	require.NoError(t, os.WriteFile(filepath.Join(p.dir, "nginx.conf"), []byte(main), 0o644))
	waitListening(t, "127.0.0.1:"+p.httpsPort, start(t, exec.Command(nginx, "-p", p.dir, "-c", filepath.Join(p.dir, "nginx.conf"))))

	checkProxy(t, p, 301)
}

// checkProxy checks a proxy example in front of serve: it listens at
// p.httpsPort (for :443) and p.httpPort (for :80) with a certificate of
// p.ca for every name of the example, and redirects plain HTTP with
// redirectCode.
func checkProxy(t *testing.T, p *proxied, redirectCode int) {
	t.Helper()
	ca, httpsPort, httpPort := p.ca, p.httpsPort, p.httpPort
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				port := httpPort // every name of the example is this nginx
				if strings.HasSuffix(addr, ":443") {
					port = httpsPort
				}
				return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(url string) (int, string, http.Header) {
		t.Helper()
		resp, err := client.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body), resp.Header
	}

	status, body, _ := get("https://autoconfig.example.co.jp/mail/config-v1.1.xml?emailaddress=info%40example.co.jp")
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "<hostname>sv1234.example-host.jp</hostname>")

	// serve sees the name and the scheme people used, through the proxy.
	status, body, _ = get("https://autodiscover.example.co.jp/autodiscover/autodiscover.json?Email=info%40example.co.jp&Protocol=AutodiscoverV1")
	assert.Equal(t, 200, status)
	assert.Contains(t, body, `"Url":"https://autodiscover.example.co.jp/autodiscover/autodiscover.xml"`)

	status, _, _ = get("https://setup.example-host.jp/readyz")
	assert.Equal(t, 404, status, "/readyz is not for the internet")

	// Plain HTTP: Thunderbird's lookup is answered, the rest goes to HTTPS.
	status, body, _ = get("http://autoconfig.example.co.jp/mail/config-v1.1.xml?emailaddress=info%40example.co.jp")
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "sv1234.example-host.jp")
	status, _, header := get("http://setup.example-host.jp/setup/info@example.co.jp")
	assert.Equal(t, redirectCode, status)
	assert.Equal(t, "https://setup.example-host.jp/setup/info@example.co.jp", header.Get("Location"))
}

// TestCaddyInFront runs deploy/Caddyfile with a real Caddy in front of
// serve --trust-proxy: the same checks as for nginx. The test gives Caddy
// its certificate and ports (the example lets Caddy get certificates
// itself, on 443 and 80).
func TestCaddyInFront(t *testing.T) {
	caddy := spectest.Tool(t, "caddy", "caddy")
	p := behindProxy(t)

	example, err := os.ReadFile("Caddyfile")
	require.NoError(t, err)
	site := strings.NewReplacer(
		"\trequest_body {", fmt.Sprintf("\ttls %s %s\n\trequest_body {", p.certFile, p.keyFile),
		"127.0.0.1:8080", "127.0.0.1:"+p.servePort,
	).Replace(string(example))
	global := fmt.Sprintf("{\n\tadmin off\n\thttp_port %s\n\thttps_port %s\n\tdefault_bind 127.0.0.1\n\tstorage file_system %s\n\tskip_install_trust\n}\n", p.httpPort, p.httpsPort, filepath.Join(p.dir, "storage"))
	config := filepath.Join(p.dir, "Caddyfile")
	require.NoError(t, os.WriteFile(config, []byte(global+site), 0o644))
	cmd := exec.Command(caddy, "run", "--config", config, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+p.dir, "XDG_DATA_HOME="+p.dir, "XDG_CONFIG_HOME="+p.dir)
	waitListening(t, "127.0.0.1:"+p.httpsPort, start(t, cmd))
	checkProxy(t, p, 308)
}

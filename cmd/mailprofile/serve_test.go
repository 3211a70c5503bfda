package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// build compiles the command once for the tests that run it as a process.
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailprofile-test")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "mailprofile")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	require.NoError(t, buildErr)
	return binary
}

// process is a running `mailprofile serve`.
type process struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  strings.Builder
	seen chan struct{} // a new log line arrived
	done chan error
}

func start(t *testing.T, args ...string) *process {
	t.Helper()
	return startCommand(t, exec.Command(build(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...))
}

// startWithFileLimit starts serve with a limit of open files that it
// cannot raise.
func startWithFileLimit(t *testing.T, files int, args ...string) *process {
	t.Helper()
	sh := fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, files) // both the soft and the hard limit
	return startCommand(t, exec.Command("sh", append([]string{"-c", sh, build(t), "serve", "--addr", "127.0.0.1:0"}, args...)...))
}

func startCommand(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{cmd: cmd, seen: make(chan struct{}, 1), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.seen <- struct{}{}:
			default:
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", p.logText())
		}
	})
	m := p.waitFor(t, regexp.MustCompile(`msg=listening addr=(\S+)`))
	p.addr = m[1]
	return p
}

func (p *process) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// waitFor waits until the log matches re, and returns the match.
func (p *process) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if m := re.FindStringSubmatch(p.logText()); m != nil {
			return m
		}
		select {
		case <-p.seen:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("the server never logged %s", re)
		}
	}
}

// waitForCount waits until the log holds text n times.
func (p *process) waitForCount(t *testing.T, text string, n int) {
	t.Helper()
	p.waitFor(t, regexp.MustCompile(strings.Repeat(`(?s:.*?)`+regexp.QuoteMeta(text), n)))
}

func (p *process) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + p.addr + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const tbPath = "/mail/config-v1.1.xml?emailaddress=a%40example.co.jp"

func TestServeReloadAndStop(t *testing.T) {
	dir := t.TempDir()
	desc := filepath.Join(dir, "site.yaml")
	original, err := os.ReadFile("../../examples/migration.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(desc, original, 0o644))
	p := start(t, "-c", desc)

	status, body := p.get(t, tbPath)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "sv1234.example-host.jp")

	// Requests go on without pause through every reload below.
	var (
		stop     atomic.Bool
		failures atomic.Int64
		total    atomic.Int64
		wg       sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				resp, err := http.Get("http://" + p.addr + tbPath)
				total.Add(1)
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failures.Add(1)
				}
			}
		})
	}

	// An invalid description is left out and its last good version keeps
	// serving; so is one that describes no domain at all.
	for i, bad := range []string{"domain: example.co.jp\nservers: {}\n", "# everything commented out\n"} {
		require.NoError(t, os.WriteFile(desc, []byte(bad), 0o644))
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
		p.waitForCount(t, "msg=\"description left out\" file="+desc+" kept_last_good=true", i+1)
		_, body = p.get(t, tbPath)
		assert.Contains(t, body, "sv1234.example-host.jp")
	}

	// A valid one replaces it.
	moved := strings.ReplaceAll(string(original), "sv1234.example-host.jp", "sv5678.example-host.jp")
	require.NoError(t, os.WriteFile(desc, []byte(moved), 0o644))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, "msg=reloaded domains=1 ", 3) // the two above kept the last good version
	_, body = p.get(t, tbPath)
	assert.Contains(t, body, "sv5678.example-host.jp")

	for range 5 {
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	assert.Zero(t, failures.Load(), "of %d requests", total.Load())

	// SIGTERM drains and exits 0.
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop on SIGTERM")
	}
	assert.Contains(t, p.logText(), "shutting down")
	assert.NotContains(t, p.logText(), "a@example.co.jp", "addresses are not logged by default")
}

// TestServeManyIdleConnections opens more connections that send nothing
// than the process may have files: serve keeps a reserve, so that it can
// still read its descriptions on SIGHUP, and new clients wait instead of
// failing.
func TestServeManyIdleConnections(t *testing.T) {
	dir := t.TempDir()
	desc := filepath.Join(dir, "site.yaml")
	original, err := os.ReadFile("../../examples/migration.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(desc, original, 0o644))
	p := startWithFileLimit(t, 160, "-c", desc)
	assert.Contains(t, p.logText(), "max_conns=96")

	var idle []net.Conn
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	for range 250 { // the listen queue holds what is not accepted
		c, err := net.Dial("tcp", p.addr)
		require.NoError(t, err)
		idle = append(idle, c)
	}
	// Every connection above the limit waits to be accepted.
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitFor(t, regexp.MustCompile(`msg=reloaded domains=1`))
	assert.NotContains(t, p.logText(), "too many open files")

	// When the idle clients go, a normal one is answered.
	for _, c := range idle {
		c.Close()
	}
	idle = nil
	status, body := p.get(t, tbPath)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "sv1234.example-host.jp")
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	pool := writeCert(t, certFile, keyFile)
	p := start(t, "-c", "../../examples/migration.yaml", "--tls-cert", certFile, "--tls-key", keyFile)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "autoconfig.example.co.jp"}}}
	resp, err := client.Get("https://" + p.addr + tbPath)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(b), "<clientConfig")
	assert.Contains(t, p.logText(), "tls=files")
}

func TestServeUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "serve", "-c", "x.yaml", "--tls-cert", "c.pem")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--tls-cert and --tls-key go together")
	code, _, stderr = runCLI(t, "serve")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-c FILE is required")
	code, _, stderr = runCLI(t, "serve", "-c", "../../examples/migration.yaml", "--set", "newer", "--addr", "127.0.0.1:0")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `no server set "newer" (the sets are old, new)`)
}

// writeCert makes a self-signed certificate for autoconfig.example.co.jp
// and returns a pool that trusts it.
func writeCert(t *testing.T, certFile, keyFile string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "autoconfig.example.co.jp"},
		DNSNames:     []string{"autoconfig.example.co.jp"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// TestServeFolderIsolation: in a folder of descriptions, a broken file is
// left out and the others are served; a file that breaks later keeps its
// last good version; a domain described twice is an error of the later
// file naming the first; /readyz says which files are left out.
func TestServeFolderIsolation(t *testing.T) {
	dir := t.TempDir()
	put := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	broken := strings.Replace(desc("example.net"), "a@example.net", "broken", 1)
	put("a.yaml", desc("example.co.jp"))
	put("b.YAML", broken)
	put("c.yml", desc("example.org"))
	put("notes.txt", "not a description")
	p := start(t, "-c", dir)
	// The start log says how long reading took and what the heap holds,
	// for sizing GOMEMLIMIT (deploy/mailprofile.service).
	p.waitFor(t, regexp.MustCompile(`msg=listening .*domains=2 names=example.co.jp,example.org max_conns=\d+ read_in=\d[.\dµm]*s heap_live_mb=\d+\n`))
	assert.Contains(t, p.logText(), `msg="description left out" file=`+filepath.Join(dir, "b.YAML")+` kept_last_good=false`)

	tb := func(domain string) int {
		status, _ := p.get(t, "/mail/config-v1.1.xml?emailaddress=a%40"+domain)
		return status
	}
	assert.Equal(t, 200, tb("example.co.jp"))
	assert.Equal(t, 200, tb("example.org"))
	assert.Equal(t, 404, tb("example.net"), "the broken file's domain is not served")
	status, body := p.get(t, "/readyz")
	assert.Equal(t, 503, status)
	assert.Contains(t, body, filepath.Join(dir, "b.YAML")+": left out since ")
	assert.Contains(t, body, `accounts[0].address: "broken" is not an email address`)

	// b mended, a broken: a keeps its last good version.
	put("b.YAML", desc("example.net"))
	put("a.yaml", "domain: example.co.jp\nservers: {}\n")
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitFor(t, regexp.MustCompile(`msg=reloaded domains=3 .* heap_live_mb=\d+\n`))
	assert.Contains(t, p.logText(), `msg="description left out" file=`+filepath.Join(dir, "a.yaml")+` kept_last_good=true`)
	for _, d := range []string{"example.co.jp", "example.net", "example.org"} {
		assert.Equal(t, 200, tb(d), d)
	}
	_, body = p.get(t, "/readyz")
	assert.Contains(t, body, filepath.Join(dir, "a.yaml")+": left out since ")
	assert.NotContains(t, body, "b.YAML")

	// A domain described twice: the later file is left out, naming the first.
	put("a.yaml", desc("example.co.jp"))
	put("d.yaml", desc("example.org"))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitForCount(t, "msg=reloaded domains=3 ", 2)
	status, body = p.get(t, "/readyz")
	assert.Equal(t, 503, status)
	assert.Contains(t, body, filepath.Join(dir, "d.yaml")+":1: domain: example.org is also described at "+filepath.Join(dir, "c.yml")+":1")

	put("d.yaml", desc("example.com"))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	p.waitFor(t, regexp.MustCompile(`msg=reloaded domains=4 `))
	status, body = p.get(t, "/readyz")
	assert.Equal(t, 200, status)
	assert.Equal(t, "ready: every description is served\n", body)
}

// TestReadyzOnlyForThisMachine: /readyz names files and errors, so only a
// request from loopback gets it.
func TestReadyzOnlyForThisMachine(t *testing.T) {
	cat := newCatalog(write(t, "site.yaml", desc("example.co.jp")))
	for addr, want := range map[string]int{"203.0.113.5:40000": 404, "[2001:db8::1]:40000": 404, "127.0.0.1:40000": 200, "[::1]:40000": 200} {
		r := httptest.NewRequest("GET", "/readyz", nil)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		cat.ServeHTTP(w, r)
		assert.Equal(t, want, w.Code, addr)
	}
}

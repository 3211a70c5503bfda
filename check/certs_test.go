package check_test

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

// dovecot is a private Dovecot on loopback ports with a certificate of the
// test's choosing: IMAP, POP3 and submission, each with STARTTLS and with
// TLS from the first byte (or without TLS at all). The account
// alice@example.com has the password "secret".
type dovecot struct {
	ports   map[string]int // imap, imaps, pop3, pop3s, submission, submissions
	dir     string
	bin     string
	withTLS bool
	cmd     *exec.Cmd
	exited  chan struct{}
}

// startDovecot starts one; call wait before using it. cert and key are
// PEM, or nil for a server without TLS.
func startDovecot(t *testing.T, certPEM, keyPEM []byte) *dovecot {
	t.Helper()
	bin := spectest.Tool(t, "dovecot", "dovecot-imapd dovecot-pop3d dovecot-submissiond")
	dir, err := os.MkdirTemp("", "mpdc") // short: Dovecot's sockets live under it
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // Dovecot's auth process, not root, reads the passwd file
	for _, sub := range []string{"run", "state", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(dir, "home"), 0o777)
	d := &dovecot{dir: dir, bin: bin, withTLS: certPEM != nil}
	if d.withTLS {
		testpki.Write(t, dir, "cert.pem", certPEM)
		testpki.Write(t, dir, "key.pem", keyPEM)
	}
	os.Chmod(testpki.Write(t, dir, "passwd", []byte("alice@example.com:{PLAIN}secret\n")), 0o644)
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Logf("dovecot log:\n%s", log)
		}
		os.RemoveAll(dir)
	})
	d.launch(t)
	return d
}

// launch picks free ports, writes the configuration and starts Dovecot.
func (d *dovecot) launch(t *testing.T) {
	t.Helper()
	d.ports = map[string]int{}
	for _, name := range []string{"imap", "imaps", "pop3", "pop3s", "submission", "submissions"} {
		d.ports[name] = freePort(t)
	}
	ssl := "no"
	if d.withTLS {
		ssl = "yes"
	}
	listener := func(name string, tls bool) string {
		if tls && !d.withTLS {
			return ""
		}
		s := fmt.Sprintf("  inet_listener %s {\n    port = %d\n", name, d.ports[name])
		if tls {
			s += "    ssl = yes\n"
		}
		return s + "  }\n"
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/log
protocols = imap pop3 submission
listen = 127.0.0.1
ssl = %[2]s
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=%[1]s/home/%%u
}
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
submission_relay_host = 127.0.0.1
submission_relay_port = 9
`, d.dir, ssl)
	if d.withTLS {
		conf += fmt.Sprintf("ssl_cert = <%[1]s/cert.pem\nssl_key = <%[1]s/key.pem\n", d.dir)
	}
	conf += "service imap-login {\n" + listener("imap", false) + listener("imaps", true) + "}\n"
	conf += "service pop3-login {\n" + listener("pop3", false) + listener("pop3s", true) + "}\n"
	conf += "service submission-login {\n" + listener("submission", false) + listener("submissions", true) + "}\n"
	confFile := testpki.Write(t, d.dir, "dovecot.conf", []byte(conf))
	os.Chmod(confFile, 0o644)
	os.Remove(filepath.Join(d.dir, "log"))
	d.cmd = exec.Command(d.bin, "-F", "-c", confFile)
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan struct{})
	go func() { d.cmd.Wait(); close(d.exited) }()
}

func (d *dovecot) stop() {
	if d.cmd == nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
	}
}

// wait waits until d's auth process answers: an IMAP greeting without
// "Waiting for authentication". When another test took one of the ports
// between freePort and Dovecot's listen, it starts Dovecot again.
func (d *dovecot) wait(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for tries := 0; time.Now().Before(deadline); {
		select {
		case <-d.exited:
			log, _ := os.ReadFile(filepath.Join(d.dir, "log"))
			if tries < 5 && strings.Contains(string(log), "Address already in use") {
				tries++
				d.launch(t)
				continue
			}
			t.Fatalf("dovecot stopped:\n%s", log)
		default:
		}
		if conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", d.ports["imap"]), time.Second); err == nil {
			conn.SetDeadline(time.Now().Add(time.Second))
			buf := make([]byte, 200)
			n, _ := conn.Read(buf)
			conn.Close()
			if n > 0 && strings.HasPrefix(string(buf[:n]), "* OK") && !strings.Contains(string(buf[:n]), "Waiting") {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("dovecot did not start")
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// certSpec describes a server certificate: from the test CA, or
// self-signed.
type certSpec struct {
	spec       testpki.Spec
	selfSigned bool
}

func issue(t *testing.T, ca *testpki.CA, s certSpec) ([]byte, []byte) {
	t.Helper()
	if s.selfSigned {
		own := testpki.NewRoot(t, s.spec.CommonName)
		cert, key := own.Issue(t, s.spec)
		return testpki.CertPEM(cert, own.Cert), testpki.KeyPEM(t, key)
	}
	cert, key := ca.Issue(t, s.spec)
	return testpki.CertPEM(cert), testpki.KeyPEM(t, key)
}

func pool(ca *testpki.CA) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

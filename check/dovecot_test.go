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
// TLS from the first byte (or without TLS at all).
type dovecot struct {
	ports map[string]int // imap, imaps, pop3, pop3s, submission, submissions
	dir   string
	cmd   *exec.Cmd
}

// startDovecot starts one (call wait before using it); cert and key are PEM, or nil for a server
// without TLS. The account alice@example.com has the password "secret".
func startDovecot(t *testing.T, certPEM, keyPEM []byte) *dovecot {
	t.Helper()
	bin := spectest.Tool(t, "dovecot", "dovecot-imapd dovecot-pop3d dovecot-submissiond")
	dir, err := os.MkdirTemp("", "mpdc") // short: Dovecot's sockets live under it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755) // Dovecot's auth process, not root, reads the passwd file
	for _, d := range []string{"run", "state", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(dir, "home"), 0o777)
	d := &dovecot{dir: dir, ports: map[string]int{}}
	for _, name := range []string{"imap", "imaps", "pop3", "pop3s", "submission", "submissions"} {
		d.ports[name] = freePort(t)
	}
	ssl := "no"
	if certPEM != nil {
		ssl = "yes"
		testpki.Write(t, dir, "cert.pem", certPEM)
		testpki.Write(t, dir, "key.pem", keyPEM)
	}
	os.Chmod(testpki.Write(t, dir, "passwd", []byte("alice@example.com:{PLAIN}secret\n")), 0o644)
	listener := func(name string, tls bool) string {
		s := fmt.Sprintf("  inet_listener %s {\n    port = %d\n", name, d.ports[name])
		if tls && certPEM != nil {
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
`, dir, ssl)
	if certPEM != nil {
		conf += fmt.Sprintf("ssl_cert = <%[1]s/cert.pem\nssl_key = <%[1]s/key.pem\n", dir)
	}
	conf += "service imap-login {\n" + listener("imap", false)
	if certPEM != nil {
		conf += listener("imaps", true)
	}
	conf += "}\nservice pop3-login {\n" + listener("pop3", false)
	if certPEM != nil {
		conf += listener("pop3s", true)
	}
	conf += "}\nservice submission-login {\n" + listener("submission", false)
	if certPEM != nil {
		conf += listener("submissions", true)
	}
	conf += "}\n"
	confFile := testpki.Write(t, dir, "dovecot.conf", []byte(conf))
	os.Chmod(confFile, 0o644)
	d.cmd = exec.Command(bin, "-F", "-c", confFile)
	d.cmd.Stdout, d.cmd.Stderr = os.Stderr, os.Stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { d.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			d.cmd.Process.Kill()
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Logf("dovecot log:\n%s", log)
		}
	})
	return d
}

// wait waits until d's auth process answers: an IMAP greeting without
// "Waiting for authentication".
func (d *dovecot) wait(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", d.ports["imap"]), time.Second); err == nil {
			conn.SetDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 200)
			n, _ := conn.Read(buf)
			conn.Close()
			if n > 0 && !strings.Contains(string(buf[:n]), "Waiting") {
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

// pkiFor makes a certificate from the test CA (or self-signed) for the
// Dovecot instances.
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

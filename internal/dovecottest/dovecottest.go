// Package dovecottest starts private Dovecot servers on loopback ports for
// tests: IMAP, POP3 and submission, with or without TLS, with accounts and
// mailboxes of the test's choosing.
package dovecottest

import (
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

// Server is a private Dovecot on loopback ports with a certificate of the
// test's choosing: IMAP, POP3 and submission, each with STARTTLS and with
// TLS from the first byte (or without TLS at all).
type Server struct {
	Ports   map[string]int // imap, imaps, pop3, pop3s, submission, submissions
	dir     string
	bin     string
	withTLS bool
	cmd     *exec.Cmd
	exited  chan struct{}

	delivered int // messages put in place, for unique file names
}

// Users are the accounts of Start when it is given none: alice@example.com
// with the password "secret".
var Users = map[string]string{"alice@example.com": "secret"}

// Start starts one; call Wait before using it. cert and key are PEM, or
// nil for a server without TLS. users are the accounts and their
// passwords; nil means Users.
func Start(t *testing.T, certPEM, keyPEM []byte, users map[string]string) *Server {
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
	d := &Server{dir: dir, bin: bin, withTLS: certPEM != nil}
	if d.withTLS {
		testpki.Write(t, dir, "cert.pem", certPEM)
		testpki.Write(t, dir, "key.pem", keyPEM)
	}
	if users == nil {
		users = Users
	}
	var passwd strings.Builder
	for user, pw := range users {
		fmt.Fprintf(&passwd, "%s:{PLAIN}%s\n", user, pw)
	}
	os.Chmod(testpki.Write(t, dir, "passwd", []byte(passwd.String())), 0o644)
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
func (d *Server) launch(t *testing.T) {
	t.Helper()
	d.Ports = map[string]int{}
	for _, name := range []string{"imap", "imaps", "pop3", "pop3s", "submission", "submissions"} {
		d.Ports[name] = FreePort(t)
	}
	ssl := "no"
	if d.withTLS {
		ssl = "yes"
	}
	listener := func(name string, tls bool) string {
		if tls && !d.withTLS {
			return ""
		}
		s := fmt.Sprintf("  inet_listener %s {\n    port = %d\n", name, d.Ports[name])
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
# Tests log in wrongly on purpose: no growing delay for the address after it.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
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

func (d *Server) stop() {
	if d.cmd == nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
		<-d.exited
	}
}

// Wait waits until d's auth process answers: an IMAP greeting without
// "Waiting for authentication". When another test took one of the ports
// between freePort and Dovecot's listen, it starts Dovecot again.
func (d *Server) Wait(t *testing.T) {
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
		if conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", d.Ports["imap"]), time.Second); err == nil {
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

// FreePort is a TCP port on 127.0.0.1 that nothing listens on, for now.
func FreePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// mailUID is the user the mail processes run as (userdb above).
const mailUID = 65534

// Deliver puts msg in user's INBOX as if it had arrived at when: a file in
// Maildir/cur without flags, whose modification time is when (Dovecot's
// arrival date, INTERNALDATE, of a maildir message).
func (d *Server) Deliver(t *testing.T, user, msg string, when time.Time) {
	t.Helper()
	maildir := filepath.Join(d.dir, "home", user, "Maildir")
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		p := filepath.Join(maildir, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.delivered++
	name := filepath.Join(maildir, "cur", fmt.Sprintf("%d.M%dP1.test:2,", when.Unix(), d.delivered))
	if err := os.WriteFile(name, []byte(strings.ReplaceAll(msg, "\n", "\r\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(name, when, when); err != nil {
		t.Fatal(err)
	}
	filepath.Walk(filepath.Join(d.dir, "home", user), func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			err = os.Lchown(p, mailUID, mailUID)
		}
		return err
	})
}

// Messages are the message files of user's INBOX, by their names (which
// carry the flags) under cur/ or new/, with their contents: what a test
// compares to show that a client changed nothing.
func (d *Server) Messages(t *testing.T, user string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, sub := range []string{"cur", "new"} {
		dir := filepath.Join(d.dir, "home", user, "Maildir", sub)
		entries, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[sub+"/"+e.Name()] = string(data)
		}
	}
	return out
}

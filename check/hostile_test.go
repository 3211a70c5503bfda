package check_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/check"
)

// hostile listens on loopback and serves every connection with serve, a
// server that misbehaves.
func hostile(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				serve(conn)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// runBounded runs a check of one plain-text IMAP server at port with the
// given deadline, and fails the test if it does not end: the guard is far
// beyond the deadline, so that no machine is too slow for it.
func runBounded(t *testing.T, port int, deadline time.Duration) []check.Result {
	t.Helper()
	s := &mailprofile.Site{Domain: "example.com", AllowInsecure: true, Sets: []*mailprofile.ServerSet{{Name: "new",
		Incoming: []mailprofile.Server{{Protocol: mailprofile.ProtocolIMAP, Host: "127.0.0.1", Port: port, Security: mailprofile.SecurityNone}},
		Outgoing: []mailprofile.Server{{Protocol: mailprofile.ProtocolSMTP, Host: "127.0.0.1", Port: port, Security: mailprofile.SecurityNone, Auth: mailprofile.AuthNone}},
	}}}
	require.NoError(t, s.Validate())
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	done := make(chan []check.Result, 1)
	go func() { done <- check.Run(ctx, s, &check.Options{Timeout: time.Hour}) }()
	select {
	case results := <-done:
		return results
	case <-time.After(2 * time.Minute):
		t.Fatal("the check went on past its deadline")
		return nil
	}
}

// TestServerThatKeepsTalking: a server that sends line after line, or one
// endless line, cannot hold the check past its deadline, nor fill memory.
func TestServerThatKeepsTalking(t *testing.T) {
	endless := hostile(t, func(c net.Conn) {
		w := bufio.NewWriter(c)
		w.WriteString("* OK ready\r\n")
		for {
			if _, err := w.WriteString("* 1 EXISTS\r\n"); err != nil {
				return
			}
		}
	})
	results := runBounded(t, endless, 500*time.Millisecond)
	require.NotEmpty(t, results)

	longLine := hostile(t, func(c net.Conn) {
		chunk := []byte(strings.Repeat("x", 4096))
		c.Write([]byte("* OK "))
		for {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	})
	results = runBounded(t, longLine, time.Minute)
	greeting := results[0]
	for _, r := range results {
		if r.Check == "greeting" {
			greeting = r
		}
	}
	assert.Equal(t, check.Fail, greeting.Status)
	assert.Contains(t, greeting.Reason, "a line longer than 8192 bytes")
}

// TestServerTextEscaped: what a server says is shown with its control
// characters escaped, so that it cannot drive the terminal.
func TestServerTextEscaped(t *testing.T) {
	port := hostile(t, func(c net.Conn) {
		c.Write([]byte("* OK ready\r\n"))
		c.SetReadDeadline(time.Now().Add(time.Minute))
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, _, _ := strings.Cut(line, " ")
			c.Write([]byte(tag + " NO \x1b[2J\x1b]0;pwned\x07 hello \xff\r\n"))
		}
	})
	results := runBounded(t, port, time.Minute)
	var auth check.Result
	for _, r := range results {
		if r.Check == "auth" {
			auth = r
		}
	}
	assert.Equal(t, check.Fail, auth.Status)
	assert.NotContains(t, auth.Reason, "\x1b")
	assert.NotContains(t, auth.Reason, "\x07")
	assert.Contains(t, auth.Reason, `NO \x1b[2J\x1b]0;pwned\a hello \xff`)
}

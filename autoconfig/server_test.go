package autoconfig_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/autoconfig"
)

// listen serves h through NewServer on a loopback port, as serve does.
func listen(t *testing.T, h http.Handler, opts *autoconfig.ServerOptions) string {
	t.Helper()
	return listenWith(t, h, opts, nil)
}

// listenWith is listen with a hook that sees the server before it serves.
func listenWith(t *testing.T, h http.Handler, opts *autoconfig.ServerOptions, hook func(*http.Server)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := autoconfig.NewServer(ln.Addr().String(), h, opts)
	if hook != nil {
		hook(srv)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestSlowClient(t *testing.T) {
	h, err := autoconfig.New(loadSites(t), nil)
	require.NoError(t, err)
	addr := listen(t, h, &autoconfig.ServerOptions{ReadHeaderTimeout: 200 * time.Millisecond})

	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	// Half a request line, then nothing: the server must give up and
	// close the connection (the client's own deadline only keeps a broken
	// server from hanging the test).
	_, err = conn.Write([]byte("GET /mail/config-v1.1.xml?emailaddress=a%40example.co.jp HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	_, err = io.ReadAll(conn)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server kept the slow connection open")
}

// TestClientThatDoesNotRead sends requests one after another without
// reading an answer: once the answers fill the connection, the write
// timeout must close it.
func TestClientThatDoesNotRead(t *testing.T) {
	h, err := autoconfig.New(loadSites(t), nil)
	require.NoError(t, err)
	closed := make(chan struct{})
	addr := listenWith(t, h, &autoconfig.ServerOptions{WriteTimeout: 300 * time.Millisecond}, func(srv *http.Server) {
		srv.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateClosed {
				close(closed)
			}
		}
	})
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	request := []byte("GET /apple/yamada@example.co.jp.mobileconfig HTTP/1.1\r\nHost: x\r\n\r\n")
	go func() {
		for conn.SetWriteDeadline(time.Now().Add(time.Minute)); ; {
			if _, err := conn.Write(request); err != nil {
				return
			}
		}
	}()
	select {
	case <-closed:
	case <-time.After(time.Minute): // a hang guard, not a measure of speed
		t.Fatal("the server still writes to a client that reads nothing")
	}
}

func TestOversizedHeaders(t *testing.T) {
	h, err := autoconfig.New(loadSites(t), nil)
	require.NoError(t, err)
	addr := listen(t, h, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/healthz", nil)
	req.Header.Set("X-Padding", strings.Repeat("a", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}

// TestReloadUnderLoad swaps the sites again and again while clients ask
// without pause: no request may fail or see a half-made state. The clients
// go on until the swaps are done and have each made requests during them,
// however fast or slow the machine.
func TestReloadUnderLoad(t *testing.T) {
	sites := loadSites(t)
	// The other description moves the new server: every answer must be
	// wholly one or wholly the other.
	moved, err := mailprofile.LoadAll("testdata/served.yaml")
	require.NoError(t, err)
	set := moved[0].Set("new")
	set.Incoming[0].Host, set.Outgoing[0].Host = "sv5678.example-host.jp", "sv5678.example-host.jp"
	h, err := autoconfig.New(sites, nil)
	require.NoError(t, err)
	addr := listen(t, h, nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

	const clients, swaps = 8, 200
	var (
		done     atomic.Bool
		failures atomic.Int64
		wg       sync.WaitGroup
		firstErr atomic.Value
		started  sync.WaitGroup
	)
	requests := make([]atomic.Int64, clients)
	started.Add(clients)
	for i := range clients {
		wg.Go(func() {
			for n := 0; !done.Load(); n++ {
				var resp *http.Response
				var err error
				if i%2 == 0 {
					resp, err = client.Get("http://" + addr + "/mail/config-v1.1.xml?emailaddress=a%40example.co.jp")
				} else {
					resp, err = client.Post("http://"+addr+"/autodiscover/autodiscover.xml", "text/xml", strings.NewReader(body("a@example.co.jp")))
				}
				if requests[i].Add(1) == 1 {
					started.Done()
				}
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				one, other := strings.Count(string(b), "sv1234."), strings.Count(string(b), "sv5678.")
				if resp.StatusCode != 200 || one+other != 2 || one != 0 && other != 0 {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, resp.Status+": "+string(b))
				}
			}
		})
	}
	started.Wait() // every client is asking
	for i := range swaps {
		next := sites
		if i%2 == 1 {
			next = moved
		}
		require.NoError(t, h.SetSites(next))
		runtime.Gosched()
	}
	// Every client asks once more after the last swap.
	after := make([]int64, clients)
	for i := range requests {
		after[i] = requests[i].Load()
	}
	for i := range requests {
		for requests[i].Load() <= after[i] {
			runtime.Gosched()
		}
	}
	done.Store(true)
	wg.Wait()
	total := int64(0)
	for i := range requests {
		total += requests[i].Load()
	}
	t.Logf("%d requests during %d swaps", total, swaps)
	assert.Zero(t, failures.Load(), "first failure: %v", firstErr.Load())
}

func TestServerDefaults(t *testing.T) {
	srv := autoconfig.NewServer(":0", http.NotFoundHandler(), nil)
	assert.Equal(t, 10*time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, srv.ReadTimeout)
	assert.Equal(t, 30*time.Second, srv.WriteTimeout)
	assert.Equal(t, 120*time.Second, srv.IdleTimeout)
	assert.Equal(t, 16<<10, srv.MaxHeaderBytes)
}

// TestGarbage sends bytes that are not HTTP: a 400, never a panic.
func TestGarbage(t *testing.T) {
	h, err := autoconfig.New(loadSites(t), nil)
	require.NoError(t, err)
	addr := listen(t, h, nil)
	for _, raw := range []string{
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n",
		"POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
		"POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		conn.SetDeadline(time.Now().Add(3 * time.Second))
		conn.Write([]byte(raw))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		assert.Regexp(t, `^HTTP/1\.1 4\d\d `, line, "%q", raw)
	}
}

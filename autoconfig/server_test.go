package autoconfig_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
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

// listen serves h through NewServer and CoarseDeadlines on a loopback
// port, as serve does.
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
	go srv.Serve(autoconfig.CoarseDeadlines(ln))
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
	// Half a request line, then nothing: the server must give up.
	_, err = conn.Write([]byte("GET /mail/config-v1.1.xml?emailaddress=a%40example.co.jp HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(conn)
	elapsed := time.Since(start)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server kept the slow connection open")
	assert.Less(t, elapsed, 2*time.Second)
	assert.GreaterOrEqual(t, elapsed, 150*time.Millisecond)
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
		for conn.SetWriteDeadline(time.Now().Add(10 * time.Second)); ; {
			if _, err := conn.Write(request); err != nil {
				return
			}
		}
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
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
// without pause: no request may fail or see a half-made state.
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

	var (
		done     atomic.Bool
		requests atomic.Int64
		failures atomic.Int64
		wg       sync.WaitGroup
		firstErr atomic.Value
	)
	for i := range 8 {
		wg.Go(func() {
			for n := 0; !done.Load() && n < 20000; n++ {
				var resp *http.Response
				var err error
				if i%2 == 0 {
					resp, err = client.Get("http://" + addr + "/mail/config-v1.1.xml?emailaddress=a%40example.co.jp")
				} else {
					resp, err = client.Post("http://"+addr+"/autodiscover/autodiscover.xml", "text/xml", strings.NewReader(body("a@example.co.jp")))
				}
				requests.Add(1)
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
	deadline := time.Now().Add(1500 * time.Millisecond)
	swaps := 0
	for time.Now().Before(deadline) {
		next := sites
		if swaps%2 == 1 {
			next = moved
		}
		require.NoError(t, h.SetSites(next))
		swaps++
		time.Sleep(time.Millisecond)
	}
	done.Store(true)
	wg.Wait()
	t.Logf("%d requests during %d swaps", requests.Load(), swaps)
	assert.Greater(t, requests.Load(), int64(100))
	assert.Greater(t, swaps, 50)
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

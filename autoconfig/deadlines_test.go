package autoconfig

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pair returns both ends of a loopback TCP connection, the server's end
// from CoarseDeadlines.
func pair(t *testing.T) (server net.Conn, client net.Conn, l *coarseListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l = CoarseDeadlines(ln).(*coarseListener)
	t.Cleanup(func() { l.Close() })
	client, err = net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { client.Close() })
	server, err = l.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { server.Close() })
	return server, client, l
}

// readFor reads one byte from c and says how long it took and whether it
// timed out.
func readFor(c net.Conn) (time.Duration, error) {
	start := time.Now()
	_, err := c.Read(make([]byte, 1))
	return time.Since(start), err
}

func TestCoarseDeadlines(t *testing.T) {
	const d = 300 * time.Millisecond
	late := DeadlineGranularity + 150*time.Millisecond // the watchdog's lag, and the test machine's

	t.Run("a read deadline fires, late by at most the granularity", func(t *testing.T) {
		server, _, _ := pair(t)
		require.NoError(t, server.SetReadDeadline(time.Now().Add(d)))
		took, err := readFor(server)
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		var ne net.Error
		assert.True(t, errors.As(err, &ne) && ne.Timeout())
		assert.GreaterOrEqual(t, took, d-10*time.Millisecond)
		assert.Less(t, took, d+late)
	})

	t.Run("a past deadline fires at once, and zero lifts it", func(t *testing.T) {
		server, client, _ := pair(t)
		require.NoError(t, server.SetReadDeadline(time.Unix(1, 0)))
		took, err := readFor(server)
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		assert.Less(t, took, 50*time.Millisecond)
		require.NoError(t, server.SetReadDeadline(time.Time{}))
		_, err = client.Write([]byte("x"))
		require.NoError(t, err)
		_, err = readFor(server)
		assert.NoError(t, err)
	})

	t.Run("zero before the deadline cancels it", func(t *testing.T) {
		server, client, _ := pair(t)
		require.NoError(t, server.SetReadDeadline(time.Now().Add(50*time.Millisecond)))
		require.NoError(t, server.SetReadDeadline(time.Time{}))
		time.AfterFunc(3*DeadlineGranularity, func() { client.Write([]byte("x")) })
		took, err := readFor(server)
		assert.NoError(t, err)
		assert.GreaterOrEqual(t, took, 3*DeadlineGranularity-10*time.Millisecond)
	})

	t.Run("a later deadline replaces an earlier one", func(t *testing.T) {
		server, _, _ := pair(t)
		require.NoError(t, server.SetReadDeadline(time.Now().Add(50*time.Millisecond)))
		require.NoError(t, server.SetReadDeadline(time.Now().Add(2*d)))
		took, err := readFor(server)
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		assert.GreaterOrEqual(t, took, 2*d-10*time.Millisecond)
	})

	t.Run("a deadline that fired is lifted by a later one", func(t *testing.T) {
		server, client, _ := pair(t)
		require.NoError(t, server.SetReadDeadline(time.Now().Add(10*time.Millisecond)))
		_, err := readFor(server)
		require.ErrorIs(t, err, os.ErrDeadlineExceeded)
		require.NoError(t, server.SetReadDeadline(time.Now().Add(time.Minute)))
		client.Write([]byte("x"))
		_, err = readFor(server)
		assert.NoError(t, err)
	})

	t.Run("a write deadline fires on a peer that does not read", func(t *testing.T) {
		server, _, _ := pair(t)
		require.NoError(t, server.SetWriteDeadline(time.Now().Add(d)))
		start := time.Now()
		chunk := make([]byte, 1<<20)
		var err error
		for err == nil && time.Since(start) < 10*time.Second {
			_, err = server.Write(chunk)
		}
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		assert.Less(t, time.Since(start), d+late)
	})

	t.Run("SetDeadline sets both", func(t *testing.T) {
		server, _, _ := pair(t)
		require.NoError(t, server.SetDeadline(time.Unix(1, 0)))
		_, err := readFor(server)
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		_, err = server.Write([]byte("x"))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	})

	t.Run("the watchdog stops with the last connection", func(t *testing.T) {
		server, client, l := pair(t)
		l.mu.Lock()
		assert.True(t, l.watching)
		l.mu.Unlock()
		server.Close()
		client.Close()
		assert.Eventually(t, func() bool {
			l.mu.Lock()
			defer l.mu.Unlock()
			return !l.watching && len(l.conns) == 0
		}, 5*DeadlineGranularity, 10*time.Millisecond)
	})
}

// BenchmarkDeadlines is what net/http does to a kept-alive connection's
// deadlines per request, with the server's timeouts: on the connection
// itself, and through CoarseDeadlines.
func BenchmarkDeadlines(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	coarse := CoarseDeadlines(ln)
	defer coarse.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(b, err)
	defer client.Close()
	c, err := coarse.Accept()
	require.NoError(b, err)
	defer c.Close()
	for _, bc := range []struct {
		name string
		conn net.Conn
	}{{"net.Conn", c.(*coarseConn).Conn}, {"CoarseDeadlines", c}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				now := time.Now()
				bc.conn.SetWriteDeadline(now.Add(30 * time.Second)) // readRequest
				bc.conn.SetReadDeadline(now.Add(30 * time.Second))  // whole request
				bc.conn.SetReadDeadline(time.Unix(1, 0))            // abortPendingRead
				bc.conn.SetReadDeadline(time.Time{})
				bc.conn.SetWriteDeadline(time.Time{})                     // request done
				bc.conn.SetReadDeadline(time.Now().Add(2 * time.Minute))  // idle
				bc.conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // header
			}
		})
	}
}

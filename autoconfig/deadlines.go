package autoconfig

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DeadlineGranularity is how late, at most, a deadline of a connection
// from CoarseDeadlines fires.
const DeadlineGranularity = 250 * time.Millisecond

// CoarseDeadlines wraps ln so that the read and write deadlines of its
// connections are kept by one watchdog, which looks at every connection
// each DeadlineGranularity, instead of by a runtime timer per change.
//
// net/http moves a connection's deadlines up to seven times per request
// when the server has its timeouts (see NewServer); each move of a timer
// costs more than answering a Thunderbird lookup. Through CoarseDeadlines
// a move is a store under the connection's own lock. The price is that a
// deadline fires up to DeadlineGranularity late, which is nothing beside
// timeouts of seconds. A deadline already past when it is set (net/http's
// way to wake a blocked read) takes effect at once, as with net.Conn.
//
// Serve the http.Server of NewServer with it:
//
//	srv.Serve(autoconfig.CoarseDeadlines(ln))
func CoarseDeadlines(ln net.Listener) net.Listener {
	l := &coarseListener{Listener: ln, conns: make(map[*coarseConn]struct{})}
	l.now.Store(time.Now().UnixNano())
	return l
}

type coarseListener struct {
	net.Listener

	// now is the watchdog's clock: the time of its last look, which a
	// deadline set is compared with to tell whether it is already past.
	now atomic.Int64

	mu       sync.Mutex
	conns    map[*coarseConn]struct{}
	watching bool // the watchdog runs
}

func (l *coarseListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &coarseConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[cc] = struct{}{}
	if !l.watching {
		l.watching = true
		go l.watch()
	}
	l.mu.Unlock()
	return cc, nil
}

// watch fires the deadlines that have passed, every DeadlineGranularity,
// for as long as there are connections.
func (l *coarseListener) watch() {
	t := time.NewTicker(DeadlineGranularity)
	defer t.Stop()
	var conns []*coarseConn
	for now := range t.C {
		l.now.Store(now.UnixNano())
		l.mu.Lock()
		if len(l.conns) == 0 {
			l.watching = false // the next Accept starts another
			l.mu.Unlock()
			return
		}
		conns = conns[:0]
		for c := range l.conns {
			conns = append(conns, c)
		}
		l.mu.Unlock()
		for _, c := range conns {
			c.fire(now.UnixNano())
		}
		clear(conns) // keep no closed connection alive
	}
}

func (l *coarseListener) forget(c *coarseConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// coarseConn is a connection whose deadlines the watchdog keeps.
type coarseConn struct {
	net.Conn
	l *coarseListener

	mu          sync.Mutex
	read, write deadline
}

// deadline is one direction's deadline as the user set it.
type deadline struct {
	at      int64 // Unix nanoseconds; 0 for none
	expired bool  // the connection's own deadline is set in the past
}

// set records t as the deadline, setting the connection's own deadline
// only when it must change: to the past, or back from it.
func (d *deadline) set(t time.Time, now int64, apply func(time.Time) error) error {
	switch {
	case t.IsZero():
		d.at = 0
	case t.UnixNano() <= now:
		d.at, d.expired = t.UnixNano(), true
		return apply(t)
	default:
		d.at = t.UnixNano()
	}
	if d.expired {
		d.expired = false
		return apply(time.Time{})
	}
	return nil
}

// fire sets the connection's own deadline in the past when the user's has
// passed, which wakes what waits on it with os.ErrDeadlineExceeded.
func (d *deadline) fire(now int64, apply func(time.Time) error) {
	if d.at != 0 && !d.expired && d.at <= now {
		d.expired = true
		apply(time.Unix(0, d.at))
	}
}

func (c *coarseConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read.set(t, c.l.now.Load(), c.Conn.SetReadDeadline)
}

func (c *coarseConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.write.set(t, c.l.now.Load(), c.Conn.SetWriteDeadline)
}

func (c *coarseConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.l.now.Load()
	rerr := c.read.set(t, now, c.Conn.SetReadDeadline)
	if err := c.write.set(t, now, c.Conn.SetWriteDeadline); err != nil {
		return err
	}
	return rerr
}

func (c *coarseConn) fire(now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.read.fire(now, c.Conn.SetReadDeadline)
	c.write.fire(now, c.Conn.SetWriteDeadline)
}

func (c *coarseConn) Close() error {
	c.l.forget(c)
	return c.Conn.Close()
}

// CloseWrite shuts down the writing side, as net/http does before closing
// a connection whose request it did not read to the end.
func (c *coarseConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

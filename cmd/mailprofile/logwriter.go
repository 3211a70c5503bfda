package main

import (
	"io"
	"runtime"
	"sync"
	"time"
)

// logWriter collects log lines in memory and writes them out in batches,
// every interval or when a batch is full, so that a busy server makes one
// write system call per batch instead of one per request. Close writes
// what is left.
//
// The lines are collected in stripes, each with its own lock and buffer,
// and a request takes the stripe its processor used last (through a
// sync.Pool): with one shared buffer, every line would move the buffer's
// memory and its lock between the processors' caches, which costs more
// than making the line. The price is order: the lines of one stripe keep
// theirs, but batches of different stripes may interleave out of time
// order, by at most interval (the lines carry their time), as the
// per-worker buffers of nginx's access_log do.
type logWriter struct {
	out   io.Writer
	outMu sync.Mutex // one batch at a time to out

	pool sync.Pool // *stripe, the fast way to one

	mu      sync.Mutex // guards stripes and next
	stripes []*stripe  // all of them, for the flusher
	next    int        // round robin once there are maxStripes
	max     int

	stop chan struct{}
	done chan struct{}
}

// stripe is one buffer of lines.
type stripe struct {
	mu  sync.Mutex
	buf *[]byte
}

// stripeFull is the size at which a stripe's lines are written at once.
const stripeFull = 16 << 10

// batches holds the buffers of batches written out, for the stripes to
// take the next one from.
var batches = sync.Pool{New: func() any { b := make([]byte, 0, stripeFull+1024); return &b }}

func newBatch() *[]byte {
	b := batches.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

func newLogWriter(w io.Writer, interval time.Duration) *logWriter {
	l := &logWriter{out: w, max: 4 * runtime.GOMAXPROCS(0), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				l.flush()
			case <-l.stop:
				l.flush()
				return
			}
		}
	}()
	return l
}

// Write adds p, which should be whole lines, to a stripe.
func (l *logWriter) Write(p []byte) (int, error) {
	s, _ := l.pool.Get().(*stripe)
	if s == nil {
		s = l.stripe()
	}
	s.mu.Lock()
	*s.buf = append(*s.buf, p...)
	var full *[]byte
	if len(*s.buf) >= stripeFull {
		full, s.buf = s.buf, newBatch()
	}
	s.mu.Unlock()
	l.pool.Put(s)
	if full != nil {
		return len(p), l.write(full)
	}
	return len(p), nil
}

// stripe makes a stripe when the pool has none to give, or shares an old
// one once there are enough: the pool drops what it holds at garbage
// collections, and the stripes must not grow without end.
func (l *logWriter) stripe() *stripe {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.stripes) < l.max {
		s := &stripe{buf: newBatch()}
		l.stripes = append(l.stripes, s)
		return s
	}
	l.next = (l.next + 1) % len(l.stripes)
	return l.stripes[l.next]
}

// write writes a batch out and keeps its buffer for another.
func (l *logWriter) write(batch *[]byte) error {
	l.outMu.Lock()
	_, err := l.out.Write(*batch)
	l.outMu.Unlock()
	batches.Put(batch)
	return err
}

// flush writes out what every stripe holds.
func (l *logWriter) flush() {
	l.mu.Lock()
	stripes := append([]*stripe(nil), l.stripes...)
	l.mu.Unlock()
	for _, s := range stripes {
		var batch *[]byte
		s.mu.Lock()
		if len(*s.buf) > 0 {
			batch, s.buf = s.buf, newBatch()
		}
		s.mu.Unlock()
		if batch != nil {
			l.write(batch)
		}
	}
}

// Close writes out the lines collected and stops the flushing.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	return nil
}

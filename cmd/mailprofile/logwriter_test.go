package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/syncbuf"
)

// TestLogWriterKeepsEveryLine writes lines from many goroutines, with
// garbage collections between them (which empty the pool of stripes):
// after Close every line is there once and whole, and the stripes stayed
// within their bound. (Order is kept only within a stripe.)
func TestLogWriterKeepsEveryLine(t *testing.T) {
	var out syncbuf.Buffer
	l := newLogWriter(&out, 5*time.Millisecond)
	const writers, lines = 16, 3000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(l, "writer=%d line=%d pad=%s\n", w, i, strings.Repeat("x", i%200))
				if i%500 == 0 {
					runtime.GC()
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, l.Close())

	seen := make(map[[2]int]bool)
	for line := range strings.Lines(out.String()) {
		var w, i int
		var pad string
		_, err := fmt.Sscanf(line, "writer=%d line=%d pad=%s\n", &w, &i, &pad)
		if i%200 == 0 {
			_, err = fmt.Sscanf(line, "writer=%d line=%d pad=\n", &w, &i)
			pad = ""
		}
		require.NoError(t, err, "a broken line: %q", line)
		require.Equal(t, strings.Repeat("x", i%200), pad, "a broken line: %q", line)
		require.False(t, seen[[2]int{w, i}], "twice: %q", line)
		seen[[2]int{w, i}] = true
	}
	assert.Len(t, seen, writers*lines)
	assert.LessOrEqual(t, len(l.stripes), l.max)
}

// TestLogWriterFlushesOnTime checks that a line is written within the
// interval, without Close.
func TestLogWriterFlushesOnTime(t *testing.T) {
	var out syncbuf.Buffer
	l := newLogWriter(&out, 20*time.Millisecond)
	defer l.Close()
	_, err := l.Write([]byte("one line\n"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return out.String() == "one line\n" }, 2*time.Second, 5*time.Millisecond)
}

// TestLogWriterWritesFullStripes checks that a stripe that fills is
// written at once, not at the next tick.
func TestLogWriterWritesFullStripes(t *testing.T) {
	var out syncbuf.Buffer
	l := newLogWriter(&out, time.Hour)
	defer l.Close()
	l.max = 1 // one stripe, even when the pool drops it (as it may with -race)
	line := strings.Repeat("y", 99) + "\n"
	for range stripeFull/len(line) + 1 {
		l.Write([]byte(line))
	}
	assert.GreaterOrEqual(t, len(out.String()), stripeFull)
	assert.Zero(t, len(out.String())%len(line), "only whole lines")
}

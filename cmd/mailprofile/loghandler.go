package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// logHandler writes records as logfmt lines, like slog.TextHandler
// ("time=… level=INFO msg=request method=GET …"), at a fraction of the cost:
// serve writes one per request. It knows the kinds of values slog has and
// falls back to their text for the rest.
type logHandler struct {
	mu     *sync.Mutex // nil when w is a logWriter, which has locks of its own
	w      io.Writer
	level  slog.Leveler
	prefix []byte // attrs from WithAttrs, formatted
	group  string // "a.b." from WithGroup
	clock  *clock
}

func newLogHandler(w io.Writer, level slog.Leveler) *logHandler {
	h := &logHandler{w: w, level: level, clock: new(clock)}
	if _, ok := w.(*logWriter); !ok {
		h.mu = new(sync.Mutex)
	}
	return h
}

// clock formats times as slog.TextHandler does, keeping the formatted
// second so that a busy server formats it once a second, not once a line.
type clock struct {
	last atomic.Pointer[second]
}

type second struct {
	unix   int64
	loc    *time.Location // with the second, it decides the offset
	prefix []byte         // "2006-01-02T15:04:05"
	suffix []byte         // "Z07:00"
}

func (c *clock) append(buf []byte, t time.Time) []byte {
	s := c.last.Load()
	if s == nil || s.unix != t.Unix() || s.loc != t.Location() {
		s = &second{
			unix: t.Unix(), loc: t.Location(),
			prefix: t.AppendFormat(nil, "2006-01-02T15:04:05"),
			suffix: t.AppendFormat(nil, "Z07:00"),
		}
		c.last.Store(s)
	}
	buf = append(buf, s.prefix...)
	ms := t.Nanosecond() / 1e6
	buf = append(buf, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(buf, s.suffix...)
}

var logBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	bp := logBufs.Get().(*[]byte)
	buf := (*bp)[:0]
	if !r.Time.IsZero() {
		buf = append(buf, "time="...)
		buf = h.clock.append(buf, r.Time)
		buf = append(buf, ' ')
	}
	buf = append(buf, "level="...)
	buf = append(buf, r.Level.String()...)
	buf = append(buf, " msg="...)
	buf = appendLogString(buf, r.Message)
	buf = append(buf, h.prefix...)
	r.Attrs(func(a slog.Attr) bool {
		buf = appendAttr(buf, h.group, a)
		return true
	})
	buf = append(buf, '\n')
	if h.mu != nil {
		h.mu.Lock()
	}
	_, err := h.w.Write(buf)
	if h.mu != nil {
		h.mu.Unlock()
	}
	*bp = buf
	logBufs.Put(bp)
	return err
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.prefix = append([]byte(nil), h.prefix...)
	for _, a := range attrs {
		h2.prefix = appendAttr(h2.prefix, h.group, a)
	}
	return &h2
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

func appendAttr(buf []byte, group string, a slog.Attr) []byte {
	v := a.Value.Resolve()
	if a.Key == "" && v.Equal(slog.Value{}) {
		return buf // slog's rule: an empty Attr is left out
	}
	if v.Kind() == slog.KindGroup {
		g := group
		if a.Key != "" {
			g += a.Key + "."
		}
		for _, ga := range v.Group() {
			buf = appendAttr(buf, g, ga)
		}
		return buf
	}
	buf = append(buf, ' ')
	if group == "" {
		buf = appendLogString(buf, a.Key)
	} else {
		buf = appendLogString(buf, group+a.Key)
	}
	buf = append(buf, '=')
	switch v.Kind() {
	case slog.KindString:
		return appendLogString(buf, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(buf, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(buf, v.Uint64(), 10)
	case slog.KindBool:
		return strconv.AppendBool(buf, v.Bool())
	case slog.KindDuration:
		return appendDuration(buf, v.Duration())
	case slog.KindTime:
		return v.Time().AppendFormat(buf, time.RFC3339Nano)
	}
	return appendLogString(buf, v.String())
}

// appendLogString writes s bare when it needs no quotes, else quoted, as
// slog.TextHandler does.
func appendLogString(buf []byte, s string) []byte {
	if s == "" {
		return append(buf, `""`...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' || c == 0x7f {
				return strconv.AppendQuote(buf, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			return strconv.AppendQuote(buf, s)
		}
		i += size
	}
	return append(buf, s...)
}

// appendDuration writes d as time.Duration.String does, without the
// allocation, for the durations a request takes; longer ones go through
// String.
func appendDuration(buf []byte, d time.Duration) []byte {
	var unit string
	var div int64
	switch {
	case d <= 0 || d >= time.Second:
		return append(buf, d.String()...)
	case d < time.Microsecond:
		return append(strconv.AppendInt(buf, int64(d), 10), "ns"...)
	case d < time.Millisecond:
		unit, div = "µs", 1e3
	default:
		unit, div = "ms", 1e6
	}
	n := int64(d)
	buf = strconv.AppendInt(buf, n/div, 10)
	if frac := n % div; frac != 0 {
		var tmp [20]byte
		digits := strconv.AppendInt(tmp[:0], frac+div, 10)[1:] // zero-padded
		for digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
		buf = append(append(buf, '.'), digits...)
	}
	return append(buf, unit...)
}

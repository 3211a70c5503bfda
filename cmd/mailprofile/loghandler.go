package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// logHandler writes records as logfmt lines, like slog.TextHandler
// ("time=… level=INFO msg=request method=GET …"), at a fraction of the cost:
// serve writes one per request. It knows the kinds of values slog has and
// falls back to their text for the rest.
type logHandler struct {
	mu     *sync.Mutex
	w      io.Writer
	level  slog.Leveler
	prefix []byte // attrs from WithAttrs, formatted
	group  string // "a.b." from WithGroup
}

func newLogHandler(w io.Writer, level slog.Leveler) *logHandler {
	return &logHandler{mu: new(sync.Mutex), w: w, level: level}
}

var logBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	bp := logBufs.Get().(*[]byte)
	buf := (*bp)[:0]
	if !r.Time.IsZero() {
		buf = append(buf, "time="...)
		buf = r.Time.AppendFormat(buf, "2006-01-02T15:04:05.000Z07:00")
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
	h.mu.Lock()
	_, err := h.w.Write(buf)
	h.mu.Unlock()
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
	if a.Equal(slog.Attr{}) {
		return buf
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
	buf = appendLogString(buf, group+a.Key)
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
		return append(buf, v.Duration().String()...)
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

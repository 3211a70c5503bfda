package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestLogHandlerLikeTextHandler checks that the fast handler writes what
// slog.TextHandler writes, apart from the time's form.
func TestLogHandlerLikeTextHandler(t *testing.T) {
	var fast, std bytes.Buffer
	loggers := []*slog.Logger{
		slog.New(newLogHandler(&fast, slog.LevelInfo)),
		slog.New(slog.NewTextHandler(&std, nil)),
	}
	for _, l := range loggers {
		l.Info("request", "method", "GET", "path", "/apple/…", "status", 200, "duration", 18667*time.Nanosecond,
			"domain", "example.co.jp", "quoted", `a "b" c=d`, "empty", "", "ok", true, "n", uint64(7))
		l.With("component", "reload").WithGroup("g").Error("reload refused; still serving", "err", errors.New("site.yaml:3: bad\nthing"))
		l.Debug("not shown")
		l.Warn("grouped", slog.Group("req", "id", 1, "who", "x y"))
	}
	timeRE := regexp.MustCompile(`time=\S+ `)
	assert.Equal(t, timeRE.ReplaceAllString(std.String(), ""), timeRE.ReplaceAllString(fast.String(), ""))
	assert.Regexp(t, `^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}`, fast.String())
	assert.False(t, newLogHandler(&fast, slog.LevelWarn).Enabled(context.Background(), slog.LevelInfo))
}

func TestAppendDuration(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 999, time.Microsecond, 18667 * time.Nanosecond, 1500 * time.Microsecond,
		999999 * time.Nanosecond, time.Millisecond + 1, 123456789, time.Second, 90 * time.Second, -5} {
		assert.Equal(t, d.String(), string(appendDuration(nil, d)), int64(d))
	}
}

func TestClockLikeTextHandler(t *testing.T) {
	c := new(clock)
	for _, tm := range []time.Time{
		time.Date(2026, 11, 27, 14, 5, 3, 243_000_000, time.UTC),
		time.Date(2026, 11, 27, 14, 5, 3, 7_999_999, time.UTC),
		time.Date(2026, 11, 27, 23, 59, 59, 999_999_999, time.FixedZone("JST", 9*3600)),
	} {
		assert.Equal(t, tm.Format("2006-01-02T15:04:05.000Z07:00"), string(c.append(nil, tm)))
	}
}

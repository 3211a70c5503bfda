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

package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// BenchmarkAccessLogLine is the cost of one access log line as serve writes
// it: a record through the logfmt handler into the batching writer.
func BenchmarkAccessLogLine(b *testing.B) {
	out := newLogWriter(io.Discard, 100*time.Millisecond)
	defer out.Close()
	h := newLogHandler(out, slog.LevelInfo)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			start := time.Now()
			end := time.Now()
			rec := slog.NewRecord(end, slog.LevelInfo, "request", 0)
			rec.AddAttrs(
				slog.String("method", "GET"),
				slog.String("path", "/mail/config-v1.1.xml"),
				slog.Int("status", 200),
				slog.Duration("duration", end.Sub(start)),
				slog.String("domain", "example.co.jp"),
			)
			h.Handle(ctx, rec)
		}
	})
}

package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mailprofile/mailprofile"
)

// catalog is what serve serves from a file or folder of descriptions:
// every good file's domains, and for a file that has gone bad the domains
// of its last good version, so one broken description never takes the
// others down, nor its own domains.
type catalog struct {
	config string

	loading sync.Mutex         // one load at a time
	loader  mailprofile.Loader // reads again only the files that changed

	mu      sync.Mutex                     // guards what /readyz reads, not the slow reading
	good    map[string][]*mailprofile.Site // by file: its last good sites
	failing map[string]failure             // by file
}

type failure struct {
	err   error
	since time.Time
}

func newCatalog(config string) *catalog {
	return &catalog{config: config, good: map[string][]*mailprofile.Site{}, failing: map[string]failure{}}
}

// load reads the descriptions again and returns the sites to serve, in
// file order. Each file that fails is logged with its errors, and keeps
// its last good version when it had one. The error is for the path
// itself (a folder gone or emptied): then nothing changes.
func (c *catalog) load(log *slog.Logger, now time.Time) ([]*mailprofile.Site, error) {
	c.loading.Lock()
	defer c.loading.Unlock()
	sites, failed, err := c.loader.Load(c.config)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	good := map[string][]*mailprofile.Site{}
	for _, s := range sites {
		good[s.Source.File] = append(good[s.Source.File], s)
	}
	failing := map[string]failure{}
	for _, f := range failed {
		since := now
		if was, ok := c.failing[f.File]; ok {
			since = was.since
		}
		failing[f.File] = failure{f.Err, since}
		last, kept := c.good[f.File]
		if kept {
			good[f.File] = last
		}
		log.Error("description left out", "file", f.File, "kept_last_good", kept, "err", f.Err)
	}
	c.good, c.failing = good, failing

	// The sites in file order; a last good version gives way to a good
	// file that now describes the same domain.
	var files []string
	for f := range good {
		files = append(files, f)
	}
	sort.Strings(files)
	var out []*mailprofile.Site
	seen := map[string]bool{}
	for _, s := range sites {
		seen[s.Domain] = true
	}
	for _, f := range files {
		for _, s := range good[f] {
			if _, bad := failing[f]; bad && seen[s.Domain] {
				continue
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// domainNames lists up to limit domains for a log line.
func domainNames(sites []*mailprofile.Site, limit int) string {
	var names []string
	for i, s := range sites {
		if i == limit {
			names = append(names, fmt.Sprintf("… %d more", len(sites)-limit))
			break
		}
		names = append(names, s.Domain)
	}
	return strings.Join(names, ",")
}

// ServeHTTP answers /readyz, for operators on this machine only: 200 when
// every description is in use, else 503 and the files left out, since
// when, and why.
func (c *catalog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		http.NotFound(w, r)
		return
	}
	c.mu.Lock()
	var files []string
	for f := range c.failing {
		files = append(files, f)
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		fail := c.failing[f]
		fmt.Fprintf(&b, "%s: left out since %s:\n  %s\n", f, fail.since.UTC().Format(time.RFC3339),
			strings.ReplaceAll(fail.err.Error(), "\n", "\n  "))
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if len(files) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, b.String())
		return
	}
	fmt.Fprintln(w, "ready: every description is served")
}

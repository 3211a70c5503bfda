// Package check connects to every server of a description and reports what
// a mail client will meet there, before people do: whether the name
// resolves and the port answers, whether TLS (implicit or STARTTLS) works as
// described, whether the certificate chains to a trusted root, covers the
// host name or IP address the description uses, and is not about to
// expire, whether the server offers the authentication the description
// promises, and, when given a password, whether the login works.
//
// IMAP, POP3 and SMTP submission are spoken directly (RFC 9051, RFC 1939 with
// RFC 2449 and RFC 2595, RFC 5321 with RFC 3207 and RFC 4954). Checks run
// concurrently, each step under a timeout, all under the caller's context.
package check

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mailprofile/mailprofile"
)

// Status is the outcome of one check.
type Status string

// Outcomes.
const (
	OK   Status = "OK"
	Warn Status = "WARN"
	Fail Status = "FAIL"
)

// Result is one check of one server.
type Result struct {
	Set    string `json:"set"`
	Server string `json:"server"` // e.g. "IMAP sv1234.example-host.jp:993"
	Check  string `json:"check"`  // resolve, connect, tls, greeting, starttls, certificate, name, expiry, auth, login
	Status Status `json:"status"`
	Reason string `json:"reason"`
	Advice string `json:"advice,omitempty"` // what to do, when not OK
}

// Options are the choices of Run. A nil *Options is the zero value.
type Options struct {
	// Sets limits the check to these sets; nil means every set.
	Sets []string

	// Roots are the trusted root certificates. Nil means the system's.
	Roots *x509.CertPool

	// Timeout bounds each step (connecting, each exchange). Zero means
	// 10 seconds.
	Timeout time.Duration

	// Login, if set, logs in with this account's password.
	Login *Login

	// Now is the clock for certificate expiry. Nil means time.Now.
	Now func() time.Time

	// Resolver resolves host names. Nil means net.DefaultResolver.
	Resolver *net.Resolver
}

// Login is an account to log in with: its address (the user name comes
// from the description) and password.
type Login struct {
	Address  string
	Password mailprofile.Secret
}

// ExpiryWarnDays is how close to expiry a server certificate gets a WARN.
const ExpiryWarnDays = 14

// Run checks every server of the chosen sets concurrently and returns the
// results in the order of the description.
func Run(ctx context.Context, site *mailprofile.Site, opts *Options) []Result {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	type job struct {
		order int
		set   *mailprofile.ServerSet
		srv   mailprofile.Server
	}
	var jobs []job
	for _, set := range site.Sets {
		if o.Sets != nil && !slices.Contains(o.Sets, set.Name) {
			continue
		}
		for _, srv := range append(append([]mailprofile.Server{}, set.Incoming...), set.Outgoing...) {
			jobs = append(jobs, job{len(jobs), set, srv})
		}
	}
	results := make([][]Result, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			c := &checker{opts: &o, site: site, set: j.set, srv: j.srv}
			c.run(ctx)
			results[j.order] = c.results
		})
	}
	wg.Wait()
	var all []Result
	for _, r := range results {
		all = append(all, r...)
	}
	return all
}

// Failed reports whether any result is a FAIL.
func Failed(results []Result) bool {
	for _, r := range results {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

// WriteTable writes the results as a table for people: one line per check,
// and the advice under each that is not OK.
func WriteTable(w io.Writer, results []Result) error {
	width := 0
	for _, r := range results {
		width = max(width, len(r.Server)+len(r.Set)+3)
	}
	var b strings.Builder
	for _, r := range results {
		where := r.Server + " (" + r.Set + ")"
		fmt.Fprintf(&b, "%-4s  %-*s  %-11s  %s\n", r.Status, width, where, r.Check, r.Reason)
		if r.Advice != "" {
			fmt.Fprintf(&b, "      %*s  %-11s  → %s\n", width, "", "", r.Advice)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the results as a JSON array.
func WriteJSON(w io.Writer, results []Result) error {
	if results == nil {
		results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

// Summary counts the results by status, e.g. "12 OK, 1 WARN, 0 FAIL".
func Summary(results []Result) string {
	n := map[Status]int{}
	for _, r := range results {
		n[r.Status]++
	}
	return strconv.Itoa(n[OK]) + " OK, " + strconv.Itoa(n[Warn]) + " WARN, " + strconv.Itoa(n[Fail]) + " FAIL"
}

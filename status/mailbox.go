package status

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	imapclient "github.com/emersion/go-imap/client"
	pop3 "github.com/knadh/go-pop3"

	"github.com/mailprofile/mailprofile"
)

// MailboxStatus is what was found in one old mailbox.
type MailboxStatus string

// The states of an old mailbox.
const (
	MailboxQuiet      MailboxStatus = "quiet"       // nothing arrived within the quiet time
	MailboxReceived   MailboxStatus = "received"    // mail arrived within the quiet time
	MailboxNotChecked MailboxStatus = "not checked" // no password, or a way to log in status does not use
	MailboxFailed     MailboxStatus = "failed"      // the server could not be reached or refused the login
)

// Mailbox is one account's mailbox on the old set's incoming server.
type Mailbox struct {
	Address string        `json:"address"`
	Server  string        `json:"server"` // e.g. "IMAP sv1.example-host.jp:993"
	Status  MailboxStatus `json:"status"`

	// Messages is how many messages the mailbox (IMAP: INBOX) holds, and
	// Arrived how many of them arrived at or after Report.MailSince.
	Messages int `json:"messages"`
	Arrived  int `json:"arrived"`

	// Newest is when the newest message arrived: its INTERNALDATE (IMAP),
	// or the date its server added in its first Received line, else its
	// Date (POP3).
	Newest time.Time `json:"newest,omitzero"`

	// Last tells the newest message apart between runs: the UIDVALIDITY
	// and UIDNEXT of INBOX (IMAP), or the UIDL of the last message (POP3).
	Last string `json:"last,omitempty"`

	Reason string `json:"reason,omitempty"` // why not checked, or what failed
}

// maxTop is how many of the newest POP3 messages are looked at.
const maxTop = 200

// mailJob is one mailbox to look into.
type mailJob struct {
	address  string
	server   mailprofile.Server
	password mailprofile.Secret
}

// mailJobs are the old set's mailboxes to look into: every account on
// the set, or those of opts.Accounts, which must all be accounts of it.
func mailJobs(site *mailprofile.Site, from *mailprofile.ServerSet, opts *Options) ([]mailJob, error) {
	want := map[string]bool{}
	for _, a := range opts.Accounts {
		addr, err := mailprofile.ParseAddress(a)
		if err != nil {
			return nil, fmt.Errorf("account %q: %v", a, err)
		}
		want[strings.ToLower(addr)] = false
	}
	var jobs []mailJob
	filter := len(want) > 0
	err := site.EachAccount(func(a *mailprofile.Account) error {
		key := strings.ToLower(a.Address)
		if _, ok := want[key]; filter && !ok {
			return nil
		}
		want[key] = true
		if !a.HasSet(from.Name) {
			return nil
		}
		st, err := site.Settings(from.Name, a)
		if err != nil {
			return err
		}
		pw, ok := opts.Passwords[key]
		if !ok {
			pw = st.Password()
		}
		jobs = append(jobs, mailJob{address: a.Address, server: st.Incoming[0], password: pw})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range slices.Sorted(maps.Keys(want)) {
		if !want[a] {
			return nil, fmt.Errorf("%s is not an account of the description", a)
		}
	}
	return jobs, nil
}

// checkMailboxes looks into each mailbox of jobs, at most opts.Parallel at
// a time. Mail that arrived at or after since is counted; mail within the
// quiet time before now makes a mailbox "received".
func checkMailboxes(ctx context.Context, jobs []mailJob, opts *Options, since, now time.Time) []Mailbox {
	out := make([]Mailbox, len(jobs))
	limit := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			select {
			case limit <- struct{}{}:
				defer func() { <-limit }()
			case <-ctx.Done():
			}
			mb := look(ctx, j, opts, since)
			if mb.Status == "" {
				mb.Status = MailboxQuiet
				if !mb.Newest.IsZero() && now.Sub(mb.Newest) < opts.Quiet {
					mb.Status = MailboxReceived
				}
			}
			out[i] = mb
		})
	}
	wg.Wait()
	return out
}

// look logs in to one mailbox, read only.
func look(ctx context.Context, j mailJob, opts *Options, since time.Time) Mailbox {
	srv := j.server
	mb := Mailbox{Address: j.address, Server: fmt.Sprintf("%s %s", strings.ToUpper(string(srv.Protocol)), net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)))}
	switch {
	case j.password.IsZero():
		mb.Status, mb.Reason = MailboxNotChecked, "no password for it"
		return mb
	case srv.Auth != mailprofile.AuthPasswordCleartext:
		mb.Status, mb.Reason = MailboxNotChecked, fmt.Sprintf("it logs in with %s; status logs in with a plain password only", srv.Auth)
		return mb
	case ctx.Err() != nil:
		mb.Status, mb.Reason = MailboxFailed, "the run's time was up before it was checked"
		return mb
	}
	cfg := &tls.Config{ServerName: srv.Host, RootCAs: opts.Roots, InsecureSkipVerify: opts.InsecureTLS}
	var err error
	if srv.Protocol == mailprofile.ProtocolIMAP {
		err = lookIMAP(ctx, j, cfg, opts.Timeout, since, &mb)
	} else {
		err = lookPOP3(ctx, j, cfg, opts.Timeout, since, &mb)
	}
	if err != nil {
		mb.Status, mb.Reason = MailboxFailed, redact(err.Error(), j.password)
	}
	return mb
}

// redact keeps a password out of a message, in case a server echoes it.
func redact(s string, pw mailprofile.Secret) string {
	if p := pw.Reveal(); p != "" {
		s = strings.ReplaceAll(s, p, "[redacted]")
	}
	return s
}

// dial connects to srv, with TLS from the first byte when its security
// says so, within the step timeout; the connection is closed when ctx
// ends.
func dial(ctx context.Context, srv mailprofile.Server, cfg *tls.Config, timeout time.Duration) (net.Conn, func(), error) {
	d := &net.Dialer{Timeout: timeout}
	addr := net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	done := func() { stop(); conn.Close() }
	if srv.Security == mailprofile.SecurityTLS {
		tc := tls.Client(conn, cfg)
		hctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			done()
			return nil, nil, fmt.Errorf("TLS: %w", err)
		}
		return tc, done, nil
	}
	return conn, done, nil
}

func lookIMAP(ctx context.Context, j mailJob, cfg *tls.Config, timeout time.Duration, since time.Time, mb *Mailbox) error {
	conn, done, err := dial(ctx, j.server, cfg, timeout)
	if err != nil {
		return err
	}
	defer done()
	conn.SetDeadline(time.Now().Add(timeout)) // the greeting
	c, err := imapclient.New(conn)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	conn.SetDeadline(time.Time{})
	c.Timeout = timeout // each command from here
	defer c.Logout()
	if j.server.Security == mailprofile.SecurityStartTLS {
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if err := c.Login(j.server.Username, j.password.Reveal()); err != nil {
		return fmt.Errorf("login as %s: %w", j.server.Username, err)
	}
	box, err := c.Select("INBOX", true) // EXAMINE: nothing in it changes
	if err != nil {
		return fmt.Errorf("EXAMINE INBOX: %w", err)
	}
	mb.Messages = int(box.Messages)
	mb.Last = fmt.Sprintf("%d/%d", box.UidValidity, box.UidNext)
	if box.Messages == 0 {
		return nil
	}
	// SEARCH SINCE compares days; the dates fetched compare moments.
	var seq []uint32
	if !since.IsZero() {
		crit := imap.NewSearchCriteria()
		crit.Since = since.AddDate(0, 0, -1)
		if seq, err = c.Search(crit); err != nil {
			return fmt.Errorf("SEARCH SINCE: %w", err)
		}
	}
	set := new(imap.SeqSet)
	set.AddNum(seq...)
	set.AddNum(box.Messages) // the last message, for the newest arrival (a set holds it once)
	ch := make(chan *imap.Message, 16)
	fetched := make(chan error, 1)
	go func() { fetched <- c.Fetch(set, []imap.FetchItem{imap.FetchInternalDate}, ch) }()
	for msg := range ch {
		t := msg.InternalDate
		if t.After(mb.Newest) {
			mb.Newest = t
		}
		if !since.IsZero() && !t.Before(since) {
			mb.Arrived++
		}
	}
	if err := <-fetched; err != nil {
		return fmt.Errorf("FETCH INTERNALDATE: %w", err)
	}
	return nil
}

func lookPOP3(ctx context.Context, j mailJob, cfg *tls.Config, timeout time.Duration, since time.Time, mb *Mailbox) error {
	var conn net.Conn
	d := &pop3Dialer{ctx: ctx, server: j.server, cfg: cfg, timeout: timeout}
	c, err := pop3.New(pop3.Opt{Host: j.server.Host, Port: j.server.Port, Dialer: d}).NewConn()
	if d.done != nil {
		defer d.done()
	}
	if err != nil {
		return err
	}
	conn = d.conn
	step := func() { conn.SetDeadline(time.Now().Add(timeout)) }
	step()
	defer func() { step(); c.Quit() }() // QUIT without DELE: nothing is removed
	if err := c.User(j.server.Username); err != nil {
		return fmt.Errorf("login as %s: %w", j.server.Username, err)
	}
	step()
	if err := c.Pass(j.password.Reveal()); err != nil {
		return fmt.Errorf("login as %s: %w", j.server.Username, err)
	}
	step()
	count, _, err := c.Stat()
	if err != nil {
		return fmt.Errorf("STAT: %w", err)
	}
	mb.Messages = count
	if count == 0 {
		return nil
	}
	step()
	if ids, err := c.Uidl(count); err == nil && len(ids) == 1 {
		mb.Last = ids[0].UID
	}
	// The newest messages are last: look back until one arrived before
	// the switch, or maxTop of them.
	for n := count; n >= 1 && n > count-maxTop; n-- {
		step()
		e, err := c.Top(n, 0)
		if err != nil && e == nil {
			return fmt.Errorf("TOP %d 0: %w", n, err)
		}
		t := arrival(e.Header.Get("Received"), e.Header.Get("Date"))
		if t.After(mb.Newest) {
			mb.Newest = t
		}
		if since.IsZero() || t.IsZero() {
			continue
		}
		if t.Before(since) {
			break
		}
		mb.Arrived++
	}
	return nil
}

// arrival is the date a Received line ends with (after its last ";"), else
// the Date; zero when neither can be read.
func arrival(received, date string) time.Time {
	if i := strings.LastIndexByte(received, ';'); i >= 0 {
		if t, err := mail.ParseDate(strings.TrimSpace(received[i+1:])); err == nil {
			return t
		}
	}
	t, _ := mail.ParseDate(date)
	return t
}

// pop3Dialer connects for the POP3 client: with TLS from the first byte,
// or with STLS (RFC 2595) after the greeting, which it then hands to the
// client as if it had just arrived. It keeps the connection so that each
// step can be given its deadline.
type pop3Dialer struct {
	ctx     context.Context
	server  mailprofile.Server
	cfg     *tls.Config
	timeout time.Duration

	conn net.Conn
	done func()
}

func (d *pop3Dialer) Dial(_, _ string) (net.Conn, error) {
	conn, done, err := dial(d.ctx, d.server, d.cfg, d.timeout)
	if err != nil {
		return nil, err
	}
	d.conn, d.done = conn, done
	conn.SetDeadline(time.Now().Add(d.timeout))
	if d.server.Security != mailprofile.SecurityStartTLS {
		return conn, nil
	}
	r := bufio.NewReader(conn)
	greeting, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(greeting, "+OK") {
		return nil, fmt.Errorf("greeting: %q %v", clip(greeting), err)
	}
	if _, err := io.WriteString(conn, "STLS\r\n"); err != nil {
		return nil, fmt.Errorf("STLS: %w", err)
	}
	reply, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(reply, "+OK") {
		return nil, fmt.Errorf("STLS: %q %v", clip(reply), err)
	}
	if r.Buffered() > 0 {
		return nil, errors.New("STLS: the server sent more than its answer before TLS")
	}
	tc := tls.Client(conn, d.cfg)
	hctx, cancel := context.WithTimeout(d.ctx, d.timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		return nil, fmt.Errorf("TLS after STLS: %w", err)
	}
	d.conn = tc
	return &replayed{Conn: tc, r: io.MultiReader(strings.NewReader(greeting), tc)}, nil
}

// replayed is a connection whose first bytes read are ones read before.
type replayed struct {
	net.Conn
	r io.Reader
}

func (c *replayed) Read(p []byte) (int, error) { return c.r.Read(p) }

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// Package status answers the question at the end of a move: may the old
// server go? It asks DNS, at each of the domain's authoritative servers,
// at the system resolver and at resolvers of the caller's choosing, where
// the domain's mail and discovery names point, and tells each answer apart
// as the old set's, the new set's or another's; it works out until when a
// cache may still hold an old answer; and it logs in to the old set's
// mailboxes, read only, to see whether mail still arrives there. The
// verdict says "ready" only when all of it agrees, and otherwise what is
// still in the way and what to do.
//
// Nothing is changed anywhere: DNS is only asked, IMAP mailboxes are
// opened with EXAMINE and only the arrival dates of messages are fetched,
// POP3 sessions use STAT, UIDL and TOP and never DELE.
package status

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile"
)

// DefaultQuiet is how long the old mailboxes must have received nothing.
const DefaultQuiet = 72 * time.Hour

// Options are the choices of Run. A nil *Options is the zero value.
type Options struct {
	// Resolvers are more resolvers to ask, as ADDR or ADDR:PORT, such as
	// the ones of the customer's office or of a large provider.
	Resolvers []string

	// ResolvConf is the file that names the system resolver. The zero
	// value means /etc/resolv.conf.
	ResolvConf string

	// Passwords are the passwords on the old set by address, for accounts
	// whose description has none for it. An account with no password in
	// either place is listed as not checked.
	Passwords map[string]mailprofile.Secret

	// Accounts limits the mailbox check to these addresses; nil means
	// every account on the old set.
	Accounts []string

	// Parallel is how many mailboxes are checked at once. Zero means 4.
	Parallel int

	// Timeout bounds each step: a DNS question, connecting, each command
	// of a mail session. Zero means 15 seconds. The whole run is bounded by
	// the context.
	Timeout time.Duration

	// Quiet is how long the old mailboxes must have received nothing
	// before the old server may go. Zero means DefaultQuiet.
	Quiet time.Duration

	// Roots are the trusted root certificates for the mail servers. Nil
	// means the system's.
	Roots *x509.CertPool

	// InsecureTLS logs in to the old server without checking its
	// certificate, for an old server reached by an IP address its
	// certificate does not name. The report says so.
	InsecureTLS bool

	// Previous is the state of the last run, to say what changed and to
	// remember what it saw of the old answers. Nil means none.
	Previous *State

	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// Report is what one run found.
type Report struct {
	Domain string    `json:"domain"`
	From   string    `json:"from"` // the set being left
	To     string    `json:"to"`   // the set being moved to
	Time   time.Time `json:"time"`

	// Switch is when DNS was switched: from the description, or, without
	// a switch_date, the first run that found every authoritative server
	// answering new. SwitchNote says where it came from and whether it is
	// a guess.
	Switch     time.Time `json:"switch,omitzero"`
	SwitchNote string    `json:"switch_note"`

	// DNS is every answer, by question and then server.
	DNS []Answer `json:"dns"`

	// CacheUntil is the time until which a resolver may still hand out an
	// old answer; CacheNote says how it was worked out, and whether it is
	// a guess.
	CacheUntil time.Time `json:"cache_until,omitzero"`
	CacheNote  string    `json:"cache_note"`

	// Mailboxes are the old set's mailboxes, and MailSince the moment from
	// which their arrivals are counted: the switch, the start of its day
	// when the description gives no time, or zero when it is not known.
	Mailboxes []Mailbox `json:"mailboxes"`
	MailSince time.Time `json:"mail_since,omitzero"`

	// Ready is the verdict: the old server may go. Otherwise Blockers say
	// what is in the way; Notes are what is worth knowing either way.
	Ready    bool      `json:"ready"`
	Blockers []Blocker `json:"blockers"`
	Notes    []string  `json:"notes"`

	// Changes are the differences from the previous run, for people;
	// empty without a previous state.
	Changes []string `json:"changes"`

	// PreviousTime is when the previous run was, if there was one.
	PreviousTime time.Time `json:"previous_time,omitzero"`

	state  *State
	zoneOf *time.Location // the switch's zone, for showing times
}

// Blocker is one thing that keeps the old server needed.
type Blocker struct {
	What string `json:"what"`
	Do   string `json:"do"`
}

// Run finds out whether the old server of site's migration may go. The
// error is for a description status cannot work with (no migration); what
// cannot be reached is reported in the Report.
func Run(ctx context.Context, site *mailprofile.Site, opts *Options) (*Report, error) {
	opts = opts.withDefaults()
	m := site.Migration
	if m == nil {
		return nil, errors.New("the description has no migration: there is no old server to check")
	}
	from, err := site.LookupSet(m.From)
	if err != nil {
		return nil, err
	}
	to, err := site.LookupSet(m.To)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	r := &Report{Domain: site.Domain, From: from.Name, To: to.Name, Time: now()}
	if m.SwitchHasTime {
		r.zoneOf = m.SwitchDate.Location()
	}
	prev := opts.Previous
	if prev != nil && prev.Domain != site.Domain {
		prev = nil // another domain's state says nothing of this one
	}
	if prev != nil {
		r.PreviousTime = prev.Time
	}
	jobs, err := mailJobs(site, from, opts)
	if err != nil {
		return nil, err
	}
	resolvers, err := resolverSources(opts)
	if err != nil {
		return nil, err
	}

	d := &dnsRun{site: site, from: from, to: to, resolvers: resolvers, ask: newAsker(opts.Timeout)}
	r.MailSince = mailSince(m, prev)
	mailboxes := make(chan []Mailbox, 1)
	go func() { mailboxes <- checkMailboxes(ctx, jobs, opts, r.MailSince, r.Time) }()
	d.run(ctx, r)
	r.Mailboxes = <-mailboxes

	r.switchTime(site, prev)
	r.caches(prev)
	r.verdict(opts.Quiet)
	r.state = r.newState(prev)
	r.Changes = changes(prev, r.state)
	return r, nil
}

// withDefaults is a copy of opts (which may be nil) with every zero that
// means a default filled in.
func (opts *Options) withDefaults() *Options {
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Quiet <= 0 {
		o.Quiet = DefaultQuiet
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	return &o
}

// State is what the next run remembers of this one.
func (r *Report) State() *State { return r.state }

// resolverSources are the system resolver and the resolvers of opts.
func resolverSources(opts *Options) ([]source, error) {
	var out []source
	for _, s := range opts.Resolvers {
		addr, err := resolverAddr(s)
		if err != nil {
			return nil, err
		}
		out = append(out, source{kind: "resolver", addr: addr})
	}
	file := opts.ResolvConf
	if file == "" {
		file = "/etc/resolv.conf"
	}
	system, err := systemResolvers(file)
	if err != nil {
		if opts.ResolvConf != "" || len(out) == 0 {
			return nil, err
		}
		return out, nil // a machine without one, with resolvers given
	}
	return append(system, out...), nil
}

// mailSince is when arrivals at the old server start to count: the switch
// as early as it can have been.
func mailSince(m *mailprofile.Migration, prev *State) time.Time {
	switch {
	case !m.SwitchDate.IsZero():
		return m.SwitchDate
	case prev != nil:
		return prev.AllNewSince
	}
	return time.Time{}
}

// switchTime fills in Switch: the description's moment, the end of its
// day, or the first run that found the switch done.
func (r *Report) switchTime(site *mailprofile.Site, prev *State) {
	m := site.Migration
	switch {
	case m.SwitchHasTime:
		r.Switch = m.SwitchDate
		r.SwitchNote = "from the description"
	case !m.SwitchDate.IsZero():
		r.Switch = m.SwitchDate.AddDate(0, 0, 1)
		r.SwitchNote = "a guess: the description gives the day without a time, so the end of that day (UTC) is assumed; write migration.switch_date as 2026-12-05T18:00+09:00 to say when"
	case prev != nil && !prev.AllNewSince.IsZero():
		r.Switch = prev.AllNewSince
		r.SwitchNote = "a guess: the first run that found every authoritative server answering new (there is no migration.switch_date)"
	case r.authoritativeAllNew():
		r.Switch = r.Time
		r.SwitchNote = "a guess: this run is the first to find every authoritative server answering new (there is no migration.switch_date); keep the --state file so later runs remember it"
	default:
		r.SwitchNote = "unknown: there is no migration.switch_date, and the authoritative servers do not all answer new yet"
	}
}

// authoritativeAllNew reports whether every authoritative server answered
// new for the domain's MX.
func (r *Report) authoritativeAllNew() bool {
	n := 0
	for _, a := range r.DNS {
		if a.Type == "MX" && a.Name == r.Domain+"." && a.Source.Kind == "authoritative" {
			if a.Class != ClassNew {
				return false
			}
			n++
		}
	}
	return n > 0
}

// caches works out CacheUntil: the switch plus the longest TTL an old
// answer was given with, and for a resolver that still holds an old
// answer, the time its copy runs out.
func (r *Report) caches(prev *State) {
	oldTTL, known := r.oldTTL(prev)
	if r.Switch.IsZero() {
		r.CacheNote = "unknown until the time of the switch is known"
		return
	}
	r.CacheUntil = r.Switch.Add(time.Duration(oldTTL) * time.Second)
	if known {
		r.CacheNote = fmt.Sprintf("the switch plus the longest time to live of an old answer (%d s)", oldTTL)
	} else {
		r.CacheNote = fmt.Sprintf("a guess: no old answer was seen, so the longest time to live the authoritative servers give now (%d s) is assumed to be the old one", oldTTL)
	}
	for _, a := range r.DNS {
		if a.Source.Kind != "authoritative" && (a.Class == ClassOld || a.Class == ClassMixed) {
			if until := r.Time.Add(time.Duration(a.TTL) * time.Second); until.After(r.CacheUntil) {
				r.CacheUntil = until
				r.CacheNote = fmt.Sprintf("%s still holds an old answer for %s %s, for another %d s", a.Source.Server, a.Name, a.Type, a.TTL)
			}
		}
	}
	if strings.HasPrefix(r.SwitchNote, "a guess") {
		r.CacheNote += "; the time of the switch is a guess too"
	}
}

// oldTTL is the longest TTL of an old answer at an authoritative server,
// seen now or remembered; without one, the longest TTL of the answers now.
func (r *Report) oldTTL(prev *State) (int, bool) {
	ttl, known := 0, false
	if prev != nil && prev.OldTTL > 0 {
		ttl, known = prev.OldTTL, true
	}
	for _, a := range r.DNS {
		if a.Source.Kind == "authoritative" && (a.Class == ClassOld || a.Class == ClassMixed) {
			ttl, known = max(ttl, a.TTL), true
		}
	}
	if known {
		return ttl, true
	}
	for _, a := range r.DNS {
		if a.Source.Kind == "authoritative" && len(a.Values) > 0 && a.mail {
			ttl = max(ttl, a.TTL)
		}
	}
	return ttl, false
}

// verdict decides Ready and lists what is in the way; quiet is how long
// the old mailboxes must have received nothing.
func (r *Report) verdict(quiet time.Duration) {
	block := func(what, do string) {
		r.Blockers = append(r.Blockers, Blocker{What: what, Do: do})
	}
	if !r.Switch.IsZero() && r.Time.Before(r.Switch) {
		block(fmt.Sprintf("the switch is planned for %s and has not come yet", r.at(r.Switch)),
			"switch the MX record then (mailprofile plan lists the steps), and run status again afterwards")
	}
	for _, a := range r.DNS {
		if !a.blocks() {
			continue
		}
		q := a.Name + " " + a.Type
		switch a.Class {
		case ClassError:
			if r.answeredElsewhere(a) {
				r.Notes = append(r.Notes, fmt.Sprintf("%s gave no answer for %s (%s), but the same name server answered at another of its addresses (an IPv6 address from a machine without IPv6, say).", a.Source.Server, q, a.Error))
				continue
			}
			block(fmt.Sprintf("%s: no answer for %s (%s)", a.Source.Server, q, a.Error),
				"make sure the server answers, or remove it from the domain's NS records if it no longer serves the zone")
		case ClassOld, ClassMixed:
			do := "wait until its copy of the old answer runs out, then run status again"
			if a.Source.Kind == "authoritative" {
				do = "change the record on this name server to the new server's (every NS of the domain must serve the same zone)"
			}
			block(fmt.Sprintf("%s answers %s for %s: %s", a.Source.Server, a.Class, q, strings.Join(a.Values, ", ")), do)
		default:
			block(fmt.Sprintf("%s answers %s for %s: %s", a.Source.Server, a.Class, q, orNone(a.Values)),
				fmt.Sprintf("point the MX record at the new set's receiving hosts, or list the hosts it names under servers.%s.receives if they are the new set's", r.To))
		}
	}
	if !r.hasAuthoritative() {
		block("the domain's authoritative name servers could not be found", "check that the domain has NS records and that the resolvers answer")
	}
	switch {
	case r.CacheUntil.IsZero():
		block("the time of the switch is not known, so nor is how long caches may hold the old MX",
			"give migration.switch_date in the description (with a time: 2026-12-05T18:00+09:00), or run status daily with --state")
	case r.Time.Before(r.CacheUntil):
		block(fmt.Sprintf("resolvers may still hold an old answer until %s", r.at(r.CacheUntil)),
			"run status again after that time")
	}
	checked := 0
	for _, mb := range r.Mailboxes {
		switch mb.Status {
		case MailboxFailed:
			block(fmt.Sprintf("%s could not be checked: %s", mb.Address, mb.Reason),
				fmt.Sprintf("fix the password (--passwords, password.%s in the CSV) or the server's settings; or remove the password to leave the mailbox unchecked", r.From))
		case MailboxReceived:
			checked++
			block(fmt.Sprintf("%s received mail on the old server at %s", mb.Address, r.at(mb.Newest)),
				fmt.Sprintf("wait until it has been quiet for %s (after %s), then run status again; meanwhile the person keeps the old account",
					hours(quiet), r.at(mb.Newest.Add(quiet))))
		case MailboxQuiet:
			checked++
		}
	}
	if checked == 0 {
		r.Notes = append(r.Notes, "No mailbox on the old server was checked: give passwords (password."+r.From+" in the accounts CSV, --passwords FILE or MAILPROFILE_PASSWORD) to look into them.")
	}
	r.Ready = len(r.Blockers) == 0
}

// answeredElsewhere reports whether the name server that gave a no answer
// answered the same question at another of its addresses.
func (r *Report) answeredElsewhere(a Answer) bool {
	return a.Source.NS != "" && slices.ContainsFunc(r.DNS, func(b Answer) bool {
		return b.Source.NS == a.Source.NS && b.Name == a.Name && b.Type == a.Type && b.Class != ClassError
	})
}

func (r *Report) hasAuthoritative() bool {
	return slices.ContainsFunc(r.DNS, func(a Answer) bool { return a.Source.Kind == "authoritative" })
}

// hours shows a duration of whole hours as "72 hours".
func hours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return d.String()
}

func orNone(v []string) string {
	if len(v) == 0 {
		return "no records"
	}
	return strings.Join(v, ", ")
}

// timeLayout is how times are shown to people.
const timeLayout = "2006-01-02 15:04 -07:00"

// at shows t to people, in the zone of the switch when the description
// gives one, else in UTC.
func (r *Report) at(t time.Time) string {
	return t.In(r.zone()).Format(timeLayout)
}

func (r *Report) zone() *time.Location {
	if r.zoneOf != nil {
		return r.zoneOf
	}
	return time.UTC
}

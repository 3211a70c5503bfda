// Package setup writes what people read to add the new account: a page per
// person, in Japanese or English, with an "Install profile" button and a QR
// code for iPhone, iPad and Mac, the steps for Thunderbird and Outlook, a
// table of every value for any other program, how to keep the current
// account working during the move, and how to remove it afterwards.
//
// Every value comes from the same mailprofile.Profile the generators use,
// so a page never disagrees with the files. Pages are self-contained HTML
// (styles inline, QR code as SVG), fit a phone screen and print on one A4
// page. Package autoconfig serves them; mailprofile sheet writes them.
package setup

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile"
)

//go:embed templates
var files embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"printf": fmt.Sprintf,
	"args": func(m *messages, set *setView) map[string]any {
		return map[string]any{"M": m, "Set": set}
	},
}).ParseFS(files, "templates/*.html", "templates/*.css"))

// Options are the choices of Page, Index and Ask. A nil *Options is the
// zero value.
type Options struct {
	// Lang is "ja" or "en". The zero value means the site's Language.
	Lang string

	// BaseURL is where mailprofile serve is reached, for links and the QR
	// code. The zero value means the site's BaseURL; with neither, the
	// page has no links, only values.
	BaseURL string

	// Set is the server set to add. The zero value means the site's
	// DefaultSet: during a migration, the set being moved to.
	Set string

	// SwitchURL is the same page in the other language, for the language
	// switch. The zero value shows no switch.
	SwitchURL string
}

func (o *Options) lang(site *mailprofile.Site) string {
	if o.Lang == "ja" || o.Lang == "en" {
		return o.Lang
	}
	if site != nil && site.Language != "" {
		return site.Language
	}
	return languages[0]
}

// ContentType is the media type of the pages.
const ContentType = "text/html; charset=utf-8"

// Page writes the setup page of account a.
func Page(w io.Writer, site *mailprofile.Site, a *mailprofile.Account, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	v, err := newView(site, a, opts)
	if err != nil {
		return err
	}
	return templates.ExecuteTemplate(w, "page.html", v)
}

// IndexEntry is one person on the index of sheets.
type IndexEntry struct {
	Address string // the address
	Name    string
	Href    string // the sheet's file name or URL
}

// Index writes the list of everyone's sheets, for printing them all.
func Index(w io.Writer, site *mailprofile.Site, entries []IndexEntry, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	m := messagesFor(opts.lang(site))
	return templates.ExecuteTemplate(w, "index.html", map[string]any{
		"M": m, "Lang": m.Lang, "Org": site.DisplayName(), "Entries": entries, "SwitchURL": opts.SwitchURL,
	})
}

// Ask writes the page that asks for an address and sends it to action
// (as the parameter email, with GET).
func Ask(w io.Writer, action string, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	m := messagesFor(opts.lang(nil))
	return templates.ExecuteTemplate(w, "ask.html", map[string]any{
		"M": m, "Lang": m.Lang, "Action": action, "SwitchURL": opts.SwitchURL,
	})
}

// view is what page.html shows.
type view struct {
	M         *messages
	Lang      string
	SwitchURL string
	Org       string
	Address   string // Unicode form, for people
	Greeting  string
	Domain    string

	Moving     bool
	New, Old   *setView
	OverlapEnd string

	ProfileURL     string
	ThunderbirdURL string
	QR             template.HTML
}

type setView struct {
	Label    string
	In, Out  serverView
	Incoming []serverView // every incoming server, for the table
	Outgoing []serverView
}

type serverView struct {
	Protocol, Host, Port, Security, Username, Auth string
	IP                                             bool
}

func newView(site *mailprofile.Site, a *mailprofile.Account, opts *Options) (*view, error) {
	lang := opts.lang(site)
	m := messagesFor(lang)
	p, err := site.Profile(opts.Set, a)
	if err != nil {
		return nil, err
	}
	v := &view{
		M: m, Lang: lang, SwitchURL: opts.SwitchURL,
		Org:     site.DisplayName(),
		Address: mailprofile.UnicodeAddress(a.Address),
		Domain:  site.Domain,
		New:     newSetView(p, m),
	}
	v.Greeting = fmt.Sprintf(m.ForAddress, v.Address)
	if a.Name != "" {
		v.Greeting = fmt.Sprintf(m.ForAddress, a.Name)
	}
	if mig := site.Migration; mig != nil && mig.To == p.Set.Name {
		v.Moving = true
		if !mig.OverlapEnd.IsZero() {
			v.OverlapEnd = mig.OverlapEnd.Format(time.DateOnly)
		}
		if a.HasSet(mig.From) {
			old, err := site.Profile(mig.From, a)
			if err != nil {
				return nil, err
			}
			v.Old = newSetView(old, m)
		}
	}
	base := opts.BaseURL
	if base == "" {
		base = site.BaseURL
	}
	if base = strings.TrimSuffix(base, "/"); base != "" {
		v.ProfileURL = base + "/apple/" + url.PathEscape(a.Address) + ".mobileconfig"
		v.ThunderbirdURL = base + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(a.Address)
		if v.QR, err = qrSVG(v.ProfileURL, m.AppleButton); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func newSetView(p *mailprofile.Profile, m *messages) *setView {
	sv := &setView{Label: p.Set.DisplayLabel()}
	for _, s := range p.Incoming {
		sv.Incoming = append(sv.Incoming, newServerView(s, m))
	}
	for _, s := range p.Outgoing {
		sv.Outgoing = append(sv.Outgoing, newServerView(s, m))
	}
	sv.In, sv.Out = sv.Incoming[0], sv.Outgoing[0]
	return sv
}

func newServerView(s mailprofile.Server, m *messages) serverView {
	return serverView{
		Protocol: s.Protocol.String(),
		Host:     s.Host,
		Port:     fmt.Sprint(s.Port),
		Security: s.Security.String(),
		Username: s.Username,
		Auth:     m.authName(s.Auth),
		IP:       mailprofile.IsIP(s.Host),
	}
}

func (m *messages) authName(a mailprofile.Auth) string {
	if n, ok := m.AuthNames[a]; ok {
		return n
	}
	return a.String()
}

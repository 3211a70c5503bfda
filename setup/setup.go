// Package setup writes what people read to add the new account: a page per
// person, in Japanese or English, with an "Install profile" button and a QR
// code for iPhone, iPad and Mac, the steps for Thunderbird and Outlook, a
// table of every value for any other program, how to keep the current
// account working during the move, and how to remove it afterwards.
//
// Every value comes from the same mailprofile.Settings the generators use,
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

var templates = template.Must(template.New("").ParseFS(files, "templates/*.html", "templates/*.css"))

// parts are the parts of a page that depend on its language only, made
// once per language by the templates of the same names.
type parts struct {
	AppleSteps       template.HTML
	ThunderbirdSteps template.HTML
	Outlook          template.HTML
	ExistingSteps    template.HTML
}

var partsByLang = func() map[string]*parts {
	out := make(map[string]*parts)
	for _, lang := range languages {
		m := messagesFor(lang)
		render := func(name string) template.HTML {
			var b strings.Builder
			if err := templates.ExecuteTemplate(&b, name, m); err != nil {
				panic(err) // the templates are part of the program
			}
			return template.HTML(b.String()) // made by html/template: escaped
		}
		out[lang] = &parts{
			AppleSteps:       render("apple-steps"),
			ThunderbirdSteps: render("thunderbird-steps"),
			Outlook:          render("outlook"),
			ExistingSteps:    render("existing-steps"),
		}
	}
	return out
}()

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

// view is what page.html shows: the messages of its language, and the
// texts made from them for this person.
type view struct {
	M         *messages
	B         *parts
	Lang      string
	SwitchURL string
	Title     string
	Org       string
	Greeting  string
	Domain    string
	Notice    []string // what is happening, a paragraph each

	New, Old *setView

	ProfileURL      string
	ThunderbirdURL  string
	ThunderbirdFile string
	QR              template.HTML
	ExistingIntro   string
	IPWarning       string
	After           string
	Footer          string
}

type setView struct {
	M        *messages
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
	p, err := site.Settings(opts.Set, a)
	if err != nil {
		return nil, err
	}
	address := mailprofile.UnicodeAddress(a.Address)
	v := &view{
		M: m, B: partsByLang[m.Lang], Lang: lang, SwitchURL: opts.SwitchURL,
		Title:  fmt.Sprintf(m.Title, address),
		Org:    site.DisplayName(),
		Domain: site.Domain,
		New:    newSetView(p, m),
	}
	v.Footer = fmt.Sprintf(m.Footer, v.Org)
	v.Greeting = fmt.Sprintf(m.ForAddress, address)
	if a.Name != "" {
		v.Greeting = fmt.Sprintf(m.ForAddress, a.Name)
	}
	v.Notice = []string{fmt.Sprintf(m.SingleIntro, v.New.Label)}
	if mig := site.Migration; mig != nil && mig.To == p.Set.Name {
		overlapEnd := ""
		if !mig.OverlapEnd.IsZero() {
			overlapEnd = mig.OverlapEnd.Format(time.DateOnly)
		}
		v.Notice = []string{fmt.Sprintf(m.MovingNow, v.New.Label)}
		if a.HasSet(mig.From) {
			old, err := site.Settings(mig.From, a)
			if err != nil {
				return nil, err
			}
			v.Old = newSetView(old, m)
			if overlapEnd != "" {
				v.Notice = append(v.Notice, fmt.Sprintf(m.KeepOldUntil, v.Old.Label, overlapEnd))
			} else {
				v.Notice = append(v.Notice, fmt.Sprintf(m.KeepOld, v.Old.Label))
			}
			v.ExistingIntro = fmt.Sprintf(m.ExistingIntro, v.Old.In.Host)
			if v.Old.In.IP {
				v.IPWarning = fmt.Sprintf(m.IPWarning, v.Old.In.Host)
			}
			if overlapEnd != "" {
				v.After = fmt.Sprintf(m.AfterText, overlapEnd)
			} else {
				v.After = fmt.Sprintf(m.AfterText, m.NoDate)
			}
		}
		v.Notice = append(v.Notice, m.AddNewNow)
	}
	base := opts.BaseURL
	if base == "" {
		base = site.BaseURL
	}
	if base = strings.TrimSuffix(base, "/"); base != "" {
		v.ProfileURL = base + "/apple/" + url.PathEscape(a.Address) + ".mobileconfig"
		v.ThunderbirdURL = base + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(a.Address)
		v.ThunderbirdFile = fmt.Sprintf(m.ThunderbirdFile, v.Domain)
		if v.QR, err = qrSVG(v.ProfileURL, m.AppleButton); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func newSetView(p *mailprofile.Settings, m *messages) *setView {
	sv := &setView{M: m, Label: p.Set.DisplayLabel()}
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

// Package setup writes what people read to add the new account: a page per
// person, in Japanese or English, with an "Install profile" button and a QR
// code for iPhone, iPad and Mac, a QR code for Thunderbird on Android and
// iOS, the steps for Thunderbird and each kind of Outlook, a table of every
// value for any other program, how to keep the current account working
// during the move, and what to remove afterwards.
//
// Every value comes from the same mailprofile.Settings the generators use,
// so a page never disagrees with the files. Pages are self-contained HTML
// (styles inline, QR codes as SVG), fit a phone screen and print on one A4
// page; a printed page (Options.Printed) reads as printed text. Package
// autoconfig serves them; mailprofile sheet writes them, one file per
// person (WriteSheets) or everyone in one document (WriteCombined).
package setup

import (
	"embed"
	"errors"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/thunderbirdmobile"
)

//go:embed templates
var files embed.FS

// languages are the languages pages come in, the default first. Each has a
// file of texts, templates/LANG.html, that defines every "t." template the
// pages name.
var languages = []string{"ja", "en"}

// templates holds the pages of each language: the same page.html, ask.html
// and index.html, with the language's texts.
var templates = func() map[string]*template.Template {
	base := template.Must(template.New("").ParseFS(files, "templates/page.html", "templates/ask.html", "templates/index.html", "templates/combined.html", "templates/style.css"))
	out := make(map[string]*template.Template)
	for _, lang := range languages {
		out[lang] = template.Must(template.Must(base.Clone()).ParseFS(files, "templates/"+lang+".html"))
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

	// Mistyped is what a person entered that is not an email address: Ask
	// says so and offers it again to mend. The zero value asks afresh.
	Mistyped string

	// Printed makes the page read as printed text: no buttons or links to
	// follow, no "tap", nothing said to be below or above. Sheets are
	// printed; the zero value is a page on a screen.
	Printed bool
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

// execute writes the page name in lang, or in the default language for one
// there are no texts for.
func execute(w io.Writer, lang, name string, data any) error {
	t, ok := templates[lang]
	if !ok {
		t = templates[languages[0]]
	}
	return t.ExecuteTemplate(w, name, data)
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
	return execute(w, v.Lang, "page.html", v)
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
	lang := opts.lang(site)
	return execute(w, lang, "index.html", map[string]any{
		"Lang": lang, "Org": site.DisplayName(), "Entries": entries, "SwitchURL": opts.SwitchURL,
	})
}

// Ask writes the page that asks for an address and sends it to action
// (as the parameter email, with GET).
func Ask(w io.Writer, action string, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	lang := opts.lang(nil)
	return execute(w, lang, "ask.html", map[string]any{
		"Lang": lang, "Action": action, "SwitchURL": opts.SwitchURL, "Mistyped": opts.Mistyped,
	})
}

// view is what page.html shows of one person; the texts of its language
// say it.
type view struct {
	Lang      string
	SwitchURL string
	Printed   bool
	ID        string // what makes the element ids of this person's sheet unique in a combined print
	Org       string
	Address   string // Unicode form, for people
	Who       string // the name, or else the address
	Domain    string

	Moving     bool
	New, Old   *setView
	OverlapEnd string

	ProfileURL     string
	ThunderbirdURL string
	QR             *qrCode // the profile's URL
	MobileQR       *qrCode // the account, for Thunderbird on phones; nil when it does not fit
	MobileName     string  // the account's name there
}

// setView is a server set as the page shows it: the first incoming and
// outgoing servers, the ones clients are told to use.
type setView struct {
	Label   string // in the page's language
	In, Out serverView
}

type serverView struct {
	Protocol, Host, Port, Security, Username string
	Auth                                     mailprofile.Auth
	IP                                       bool
}

func newView(site *mailprofile.Site, a *mailprofile.Account, opts *Options) (*view, error) {
	lang := opts.lang(site)
	p, err := site.Settings(opts.Set, a)
	if err != nil {
		return nil, err
	}
	v := &view{
		Lang: lang, SwitchURL: opts.SwitchURL, Printed: opts.Printed,
		Org:     site.DisplayName(),
		Address: mailprofile.UnicodeAddress(a.Address),
		Domain:  site.Domain,
		New:     newSetView(p, lang),
	}
	v.Who = v.Address
	if a.Name != "" {
		v.Who = a.Name
	}
	if mig := site.Migration; mig != nil && mig.To == p.Set.Name {
		v.Moving = true
		if !mig.OverlapEnd.IsZero() {
			v.OverlapEnd = mig.OverlapEnd.Format(time.DateOnly)
		}
		if a.HasSet(mig.From) {
			old, err := site.Settings(mig.From, a)
			if err != nil {
				return nil, err
			}
			v.Old = newSetView(old, lang)
		}
	}
	// The account for Thunderbird on phones: named apart from the current
	// one, which the app lets stay beside it. Settings too long for a code
	// that scans on paper are entered by hand from the table.
	v.MobileName = v.Address + " — " + v.New.Label
	payload, err := thunderbirdmobile.Generate(p, &thunderbirdmobile.Options{AccountName: v.MobileName})
	var unsupported *mailprofile.UnsupportedError
	switch {
	case errors.As(err, &unsupported):
	case err != nil:
		return nil, err
	default:
		if v.MobileQR, err = newQRCode(string(payload)); err != nil {
			return nil, err
		}
	}
	base := opts.BaseURL
	if base == "" {
		base = site.BaseURL
	}
	if base = strings.TrimSuffix(base, "/"); base != "" {
		v.ProfileURL = base + "/apple/" + url.PathEscape(a.Address) + ".mobileconfig"
		v.ThunderbirdURL = base + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(a.Address)
		if v.QR, err = newQRCode(v.ProfileURL); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func newSetView(p *mailprofile.Settings, lang string) *setView {
	return &setView{Label: p.Set.LabelIn(lang), In: newServerView(p.Incoming[0]), Out: newServerView(p.Outgoing[0])}
}

func newServerView(s mailprofile.Server) serverView {
	return serverView{
		Protocol: s.Protocol.String(),
		Host:     s.Host,
		Port:     strconv.Itoa(s.Port),
		Security: s.Security.String(),
		Username: s.Username,
		Auth:     s.Auth,
		IP:       mailprofile.IsIP(s.Host),
	}
}

// Package export lays out every file a site needs, for every person, and
// writes them into a folder: what `mailprofile gen` does.
//
// # Layout
//
//	DIR/isp/SET/DOMAIN.xml               Thunderbird file for the whole domain
//	DIR/ADDRESS/thunderbird-SET.xml      Thunderbird file with the person's user names
//	DIR/ADDRESS/autodiscover-SET.xml     Outlook Autodiscover response
//	DIR/ADDRESS/ADDRESS.mobileconfig     Apple profile adding every chosen set
//
// The domain file goes into Thunderbird's <install dir>/isp/ folder (or is
// served, see package autoconfig); a person's Thunderbird file can go there
// too, renamed to DOMAIN.xml. Characters of an address that are not safe in
// file names on every system are written as %XX.
package export

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// Format is a client file format.
type Format string

// Formats.
const (
	FormatThunderbird Format = "thunderbird"
	FormatOutlook     Format = "outlook"
	FormatApple       Format = "apple"
)

// Formats lists every format, in the order files are made.
var Formats = []Format{FormatThunderbird, FormatOutlook, FormatApple}

// Options choose what to make. A nil *Options is the zero value: every
// format, every account, the site's default set.
type Options struct {
	// Formats to make; nil means all.
	Formats []Format

	// Sets to make files for, by name; nil means the site's DefaultSet
	// (during a migration, the set being moved to: the account to add).
	Sets []string

	// Accounts to make files for, by address; nil means all.
	Accounts []string

	// IncludePasswords writes the passwords from the description into the
	// per-person Thunderbird and Apple files. Files that then hold a
	// password are marked Secret.
	IncludePasswords bool

	// AppleSigner signs the Apple profiles (DER); nil writes them
	// unsigned. AppleRootCA adds a CA certificate payload to them. See
	// apple.Options.
	AppleSigner *apple.Signer
	AppleRootCA *x509.Certificate
}

// File is one output file.
type File struct {
	Path   string // slash-separated, relative to the output folder
	Data   []byte
	Secret bool // it holds a password: keep it private (mode 0600)
}

// Plan is a checked set of Options for one site.
type Plan struct {
	site     *mailprofile.Site
	formats  []Format
	sets     []*mailprofile.ServerSet
	accounts []*mailprofile.Account
	opts     Options
}

// NewPlan checks opts against site: the formats, sets and accounts must
// exist, and every chosen set must be expressible in every chosen format.
func NewPlan(site *mailprofile.Site, opts *Options) (*Plan, error) {
	if opts == nil {
		opts = &Options{}
	}
	p := &Plan{site: site, opts: *opts, formats: opts.Formats}
	if p.formats == nil {
		p.formats = Formats
	}
	for _, f := range p.formats {
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("unknown format %q (have thunderbird, outlook, apple)", f)
		}
	}
	if opts.Sets == nil {
		p.sets = []*mailprofile.ServerSet{site.DefaultSet()}
	}
	for _, name := range opts.Sets {
		set, err := site.LookupSet(name)
		if err != nil {
			return nil, err
		}
		p.sets = append(p.sets, set)
	}
	for _, addr := range opts.Accounts {
		a, err := site.Account(addr)
		if err != nil {
			return nil, err
		}
		if !p.hasSetOf(a) {
			return nil, fmt.Errorf("%s has nothing to write: it has no account on %s (its sets: %s)", a.Address, setList(p.sets), strings.Join(a.Sets, ", "))
		}
		p.accounts = append(p.accounts, a)
	}
	// Find a set that a format cannot express before writing anything.
	for _, set := range p.sets {
		tmpl, err := site.DomainSettings(set.Name)
		if err != nil {
			return nil, err
		}
		if p.has(FormatOutlook) {
			if _, err := outlook.Generate(tmpl, nil); err != nil {
				return nil, fmt.Errorf("set %s: %w", set.Name, err)
			}
		}
		if p.has(FormatApple) {
			probe, err := site.Settings(set.Name, &mailprofile.Account{Address: "probe@" + site.Domain})
			if err == nil {
				_, err = apple.Generate([]*mailprofile.Settings{probe}, nil)
			}
			if err != nil {
				return nil, fmt.Errorf("set %s: %w", set.Name, err)
			}
		}
	}
	return p, nil
}

func (p *Plan) has(f Format) bool { return slices.Contains(p.formats, f) }

// hasSetOf reports whether a has an account on a chosen set.
func (p *Plan) hasSetOf(a *mailprofile.Account) bool {
	return slices.ContainsFunc(p.sets, func(set *mailprofile.ServerSet) bool { return a.HasSet(set.Name) })
}

func setList(sets []*mailprofile.ServerSet) string {
	names := make([]string, len(sets))
	for i, set := range sets {
		names[i] = set.Name
	}
	return strings.Join(names, ", ")
}

// Warnings lists what the chosen formats cannot say as the description
// does, so that their files tell clients something else: Outlook's
// Autodiscover and Apple profiles have no word for OAuth2 (they give the
// next way to log in, or leave the server out), and Autodiscover none for
// an encrypted password (CRAM-MD5).
func (p *Plan) Warnings() []*mailprofile.Warning {
	var ws []*mailprofile.Warning
	warn := func(srv mailprofile.Server, field, format string, args ...any) {
		ws = append(ws, &mailprofile.Warning{Pos: srv.Source.Pos, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for _, set := range p.sets {
		for i, srv := range append(slices.Clip(set.Incoming), set.Outgoing...) {
			field := fmt.Sprintf("servers.%s.incoming[%d].auth", set.Name, i)
			if i >= len(set.Incoming) {
				field = fmt.Sprintf("servers.%s.outgoing[%d].auth", set.Name, i-len(set.Incoming))
			}
			for _, f := range []struct {
				format Format
				name   string
				auth   func(mailprofile.Server) (mailprofile.Auth, bool)
			}{
				{FormatOutlook, "Outlook's Autodiscover", outlook.Auth},
				{FormatApple, "an Apple profile", apple.Auth},
			} {
				if !p.has(f.format) {
					continue
				}
				switch a, ok := f.auth(srv); {
				case !ok:
					warn(srv, field, "%s cannot say %s: its files leave this server out", f.name, string(srv.Auth))
				case a != srv.Auth:
					warn(srv, field, "%s cannot say %s, the first choice: its files give %s, the next", f.name, string(srv.Auth), string(a))
				}
			}
			if a, ok := outlook.Auth(srv); p.has(FormatOutlook) && ok && a == mailprofile.AuthPasswordEncrypted {
				warn(srv, field, "password-encrypted (CRAM-MD5): Outlook's Autodiscover cannot say it, so the Outlook files tell the client to send the password as it is (protected by TLS); the client may then fail to log in: set it to an encrypted password by hand")
			}
		}
	}
	return ws
}

// Each makes the files one by one and hands each to emit, stopping at the
// first error. It holds one person's files at a time, so memory does not
// grow with the number of accounts in a CSV file. An account with no
// account on any chosen set has no files: skipped, when not nil, is called
// with it.
func (p *Plan) Each(emit func(File) error, skipped func(*mailprofile.Account)) error {
	site := p.site
	if p.has(FormatThunderbird) {
		for _, set := range p.sets {
			tmpl, err := site.DomainSettings(set.Name)
			if err != nil {
				return err
			}
			data, err := thunderbird.Generate(tmpl, nil)
			if err != nil {
				return err
			}
			if err := emit(File{Path: path.Join("isp", set.Name, site.Domain+".xml"), Data: data}); err != nil {
				return err
			}
		}
	}
	if p.opts.Accounts != nil {
		for _, a := range p.accounts {
			if err := p.account(a, emit); err != nil {
				return err
			}
		}
		return nil
	}
	return site.EachAccount(func(a *mailprofile.Account) error {
		if !p.hasSetOf(a) {
			if skipped != nil {
				skipped(a)
			}
			return nil
		}
		return p.account(a, emit)
	})
}

func (p *Plan) account(a *mailprofile.Account, emit func(File) error) error {
	dir := SafeName(a.Address)
	var profiles []*mailprofile.Settings
	for _, set := range p.sets {
		if !a.HasSet(set.Name) {
			continue
		}
		prof, err := p.site.Settings(set.Name, a)
		if err != nil {
			return err
		}
		profiles = append(profiles, prof)
		secret := p.opts.IncludePasswords && !prof.Password().IsZero()
		if p.has(FormatThunderbird) {
			data, err := thunderbird.Generate(prof, &thunderbird.Options{IncludePassword: p.opts.IncludePasswords})
			if err != nil {
				return fmt.Errorf("%s: %w", a.Address, err)
			}
			if err := emit(File{Path: dir + "/thunderbird-" + set.Name + ".xml", Data: data, Secret: secret}); err != nil {
				return err
			}
		}
		if p.has(FormatOutlook) {
			data, err := outlook.Generate(prof, nil)
			if err != nil {
				return fmt.Errorf("%s: %w", a.Address, err)
			}
			if err := emit(File{Path: dir + "/autodiscover-" + set.Name + ".xml", Data: data}); err != nil {
				return err
			}
		}
	}
	if p.has(FormatApple) && len(profiles) > 0 {
		data, err := apple.Generate(profiles, &apple.Options{
			IncludePasswords: p.opts.IncludePasswords, Signer: p.opts.AppleSigner, RootCA: p.opts.AppleRootCA,
		})
		if err != nil {
			return fmt.Errorf("%s: %w", a.Address, err)
		}
		secret := false
		for _, prof := range profiles {
			secret = secret || p.opts.IncludePasswords && !prof.Password().IsZero()
		}
		if err := emit(File{Path: dir + "/" + dir + ".mobileconfig", Data: data, Secret: secret}); err != nil {
			return err
		}
	}
	return nil
}

// SafeName turns an address into a file name that is safe on Windows,
// macOS and Linux and tells different addresses apart:
//   - letters, digits and @ . _ + - stay, every other byte becomes %XX;
//   - a name that Windows keeps for a device (CON, PRN, AUX, NUL, COM1 to
//     COM9, LPT1 to LPT9, in any case, before the first dot) has its first
//     letter written as %XX;
//   - a name longer than MaxNameLength is cut, and a stable hash of the
//     whole address follows, so that the longest file made from it
//     (NAME.mobileconfig) fits the 255 bytes of every common file system.
func SafeName(addr string) string {
	var b strings.Builder
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '@' || c == '_' || c == '+' || c == '-' || c == '.' && i > 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	name := b.String()
	if stem, _, _ := strings.Cut(name, "."); reservedOnWindows(stem) {
		name = fmt.Sprintf("%%%02X", name[0]) + name[1:]
	}
	if len(name) > MaxNameLength {
		sum := sha256.Sum256([]byte(addr))
		name = name[:MaxNameLength-17] + "~" + hex.EncodeToString(sum[:8])
	}
	return name
}

// MaxNameLength is the longest name SafeName makes: with ".mobileconfig"
// or "thunderbird-SET.xml" after it, a file name stays within 255 bytes.
const MaxNameLength = 160

// reservedOnWindows reports whether name is the name of a device on
// Windows, which no file may have.
func reservedOnWindows(name string) bool {
	switch n := strings.ToUpper(name); n {
	case "CON", "PRN", "AUX", "NUL":
		return true
	default:
		return len(n) == 4 && (strings.HasPrefix(n, "COM") || strings.HasPrefix(n, "LPT")) && '1' <= n[3] && n[3] <= '9'
	}
}

package autoconfig

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// state is everything served, made once per SetSites; requests only read
// it, through a map access per domain and per address.
type state struct {
	byDomain map[string]*site
}

// site is one domain's answers.
type site struct {
	site *mailprofile.Site
	set  *mailprofile.ServerSet

	thunderbird answer   // the domain's file, user names as placeholders
	outlook     template // the Autodiscover response, user names as placeholders

	apple         *apple.Template // nil when the set cannot be given as a profile
	appleOpts     *apple.Options
	unicodeDomain string // the domain as people read it, for file names
	fileSuffix    string // "@" + unicodeDomain + ".mobileconfig" when plainFileName, else ""

	// noOutlook and noApple say why the set cannot be given in those
	// formats (OAuth2 logins); their endpoints then answer 404.
	noOutlook, noApple error

	// personal holds the accounts that override their user name on the
	// set, by lower-case address: only they get answers of their own.
	personal map[string]*personal
}

type personal struct {
	account     *mailprofile.Account
	thunderbird answer
	outlook     answer
}

// answer is an answer made in full before it is asked for.
type answer struct {
	body   []byte
	length []string // the Content-Length header's value, shared as hdrTextXML is
}

// newAnswer makes the answer of body. It passes err on, so that it takes a
// generator's results as they come.
func newAnswer(body []byte, err error) (answer, error) {
	return answer{body: body, length: []string{strconv.Itoa(len(body))}}, err
}

// write answers with a, of type contentType.
func (a answer) write(w http.ResponseWriter, contentType []string) {
	hdr := w.Header()
	hdr["Content-Type"] = contentType
	hdr["Content-Length"] = a.length
	w.Write(a.body)
}

func newState(sites []*mailprofile.Site, setName string, appleOpts *apple.Options) (*state, error) {
	st := &state{byDomain: make(map[string]*site, len(sites))}
	for _, s := range sites {
		if _, dup := st.byDomain[s.Domain]; dup {
			return nil, fmt.Errorf("autoconfig: %s is described twice", s.Domain)
		}
		built, err := newSite(s, setName, appleOpts)
		if err != nil {
			return nil, fmt.Errorf("autoconfig: %s: %w", s.Domain, err)
		}
		st.byDomain[s.Domain] = built
	}
	return st, nil
}

func newSite(s *mailprofile.Site, setName string, appleOpts *apple.Options) (*site, error) {
	set := s.DefaultSet()
	if setName != "" {
		set = s.Set(setName)
	}
	if set == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownSet, setName)
	}
	tmpl, err := s.Profile(set.Name, nil)
	if err != nil {
		return nil, err
	}
	out := &site{site: s, set: set, personal: make(map[string]*personal), appleOpts: appleOpts}
	out.unicodeDomain = s.UnicodeDomain()
	out.fileSuffix = fileSuffix(out.unicodeDomain)
	if out.thunderbird, err = newAnswer(thunderbird.Generate(tmpl, nil)); err != nil {
		return nil, err
	}
	if ox, err := outlook.Generate(tmpl, nil); err != nil {
		out.noOutlook = err
	} else {
		out.outlook = compile(ox)
	}
	if out.apple, err = apple.NewTemplate(s, set.Name, appleOpts); err != nil {
		out.noApple = err
	}
	err = s.EachAccount(func(a *mailprofile.Account) error {
		if !a.HasSet(set.Name) || a.UsernameOn(set.Name) == "" {
			return nil
		}
		p, err := s.Profile(set.Name, a)
		if err != nil {
			return err
		}
		pa := &personal{account: a}
		if pa.thunderbird, err = newAnswer(thunderbird.Generate(p, nil)); err != nil {
			return err
		}
		if out.noOutlook == nil {
			if pa.outlook, err = newAnswer(outlook.Generate(p, nil)); err != nil {
				return err
			}
		}
		out.personal[personalKey(a.Address)] = pa
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// personalFor returns the answers of addr's own account, or nil when it
// gets the template's, as anybody else.
func (s *site) personalFor(addr string) *personal {
	return s.personal[personalKey(addr)]
}

// personalKey is the key of an address in site.personal: addresses
// that differ in letter case only are one account.
func personalKey(addr string) string {
	return strings.ToLower(addr)
}

// appleProfile appends the profile for addr to dst: from the account when
// it overrides its user name, otherwise from the template, as for anybody
// else.
func (s *site) appleProfile(dst []byte, addr string) ([]byte, error) {
	p := s.personalFor(addr)
	if p == nil {
		return s.apple.Append(dst, addr)
	}
	prof, err := s.site.Profile(s.set.Name, p.account)
	if err != nil {
		return nil, err
	}
	doc, err := apple.Generate([]*mailprofile.Profile{prof}, s.appleOpts)
	return append(dst, doc...), err
}

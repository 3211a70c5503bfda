package autoconfig

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/outlook"
	"github.com/mailprofile/mailprofile/thunderbird"
)

// sites is everything served, checked once per SetSites; requests only
// read it.
type sites struct {
	byDomain map[string]*site

	// hosts are the host names that belong to the served domains: each
	// domain, its autoconfig. and autodiscover. names, and the hosts of
	// base_url and discovery.host. Only they are reflected into URLs.
	hosts map[string]bool
}

// site is one served domain: its description, the set discovery answers
// with, and the accounts that get answers of their own.
type site struct {
	site *mailprofile.Site
	set  *mailprofile.ServerSet

	// made guards formats, made on the first request that needs them: a
	// host of many domains starts without making documents, and keeps
	// none for domains nobody asks about.
	made    sync.Once
	formats formats

	// personal holds the accounts that override their login on the set,
	// by lower-case address: only they get answers of their own, so that
	// the answers do not tell who has a mailbox.
	personal map[string]*mailprofile.Account
}

// newSites builds what is served of list. A site that old (the sites
// served until now, or nil) has already built from the very same
// description is taken over as it is.
func newSites(list []*mailprofile.Site, setName string, old *sites) (*sites, error) {
	all := &sites{byDomain: make(map[string]*site, len(list)), hosts: make(map[string]bool, 3*len(list))}
	for _, s := range list {
		if _, dup := all.byDomain[s.Domain]; dup {
			return nil, fmt.Errorf("autoconfig: %s is described twice", s.Domain)
		}
		built := old.same(s)
		if built == nil {
			var err error
			if built, err = newSite(s, setName); err != nil {
				return nil, fmt.Errorf("%s: %w", s.Domain, err)
			}
		}
		all.byDomain[s.Domain] = built
		all.hosts[s.Domain] = true
		for _, h := range s.ServiceHosts() {
			all.hosts[h] = true
		}
	}
	return all, nil
}

// same is the site built from the description s, if there is one.
func (all *sites) same(s *mailprofile.Site) *site {
	if all == nil {
		return nil
	}
	if built := all.byDomain[s.Domain]; built != nil && built.site == s {
		return built
	}
	return nil
}

// formats is what is made once per domain, when it is first asked about.
type formats struct {
	// domainFile is the Thunderbird file of the whole domain, with
	// placeholders: what anybody without a login of their own is told.
	// It does not depend on the address, so it is made once; domainErr
	// says why it could not be.
	domainFile []byte
	domainErr  error

	// noOutlook and noApple say why the set cannot be given in those
	// formats (OAuth2 logins); their endpoints then answer 404.
	noOutlook, noApple error
}

// files makes, on first use, the domain's Thunderbird file, and finds out
// whether the set can be given to Outlook and Apple devices.
func (s *site) files() *formats {
	s.made.Do(func() {
		f := &s.formats
		domain, err := s.site.DomainSettings(s.set.Name)
		if err != nil {
			f.domainErr, f.noOutlook, f.noApple = err, err, err
			return
		}
		file, err := thunderbird.Generate(domain, nil)
		f.domainFile, f.domainErr = bytes.Clone(file), err // no spare capacity kept
		if _, err := outlook.Generate(domain, nil); err != nil {
			f.noOutlook = err
		}
		anybody, err := s.site.Settings(domain.Set.Name, &mailprofile.Account{Address: "anybody@" + s.site.Domain})
		if err == nil {
			_, err = apple.Generate([]*mailprofile.Settings{anybody}, nil)
		}
		f.noApple = err
	})
	return &s.formats
}

// newSite checks that the set can be given (the files themselves are made
// on first use), and keeps the accounts with logins of their own (not the
// others: a site may have a million).
func newSite(s *mailprofile.Site, setName string) (*site, error) {
	domain, err := s.DomainSettings(setName)
	if err != nil {
		return nil, err
	}
	out := &site{site: s, set: domain.Set, personal: make(map[string]*mailprofile.Account)}
	err = s.EachAccount(func(a *mailprofile.Account) error {
		if a.HasSet(domain.Set.Name) && a.UsernameOn(domain.Set.Name) != "" {
			out.personal[strings.ToLower(a.Address)] = a
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// account is the account addr is answered for: its own when it overrides
// its login on the set, otherwise an account with the address and nothing
// else, as anybody with that address gets. The bool says which.
func (s *site) account(addr string) (*mailprofile.Account, bool) {
	if a, ok := s.personal[strings.ToLower(addr)]; ok {
		return a, true
	}
	return &mailprofile.Account{Address: addr}, false
}

// settings are the settings addr is told (see account).
func (s *site) settings(addr string) (*mailprofile.Settings, error) {
	a, _ := s.account(addr)
	return s.site.Settings(s.set.Name, a)
}

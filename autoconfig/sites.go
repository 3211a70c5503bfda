package autoconfig

import (
	"fmt"
	"net/url"
	"strings"

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

	// domainFile is the Thunderbird file of the whole domain, with
	// placeholders: what anybody without a login of their own is told.
	// It does not depend on the address, so it is made once.
	domainFile []byte

	// noOutlook and noApple say why the set cannot be given in those
	// formats (OAuth2 logins); their endpoints then answer 404.
	noOutlook, noApple error

	// personal holds the accounts that override their login on the set,
	// by lower-case address: only they get answers of their own, so that
	// the answers do not tell who has a mailbox.
	personal map[string]*mailprofile.Account
}

func newSites(list []*mailprofile.Site, setName string) (*sites, error) {
	all := &sites{byDomain: make(map[string]*site, len(list)), hosts: make(map[string]bool)}
	for _, s := range list {
		if _, dup := all.byDomain[s.Domain]; dup {
			return nil, fmt.Errorf("autoconfig: %s is described twice", s.Domain)
		}
		built, err := newSite(s, setName)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Domain, err)
		}
		all.byDomain[s.Domain] = built
		for _, h := range []string{s.Domain, "autoconfig." + s.Domain, "autodiscover." + s.Domain, baseHost(s)} {
			all.hosts[h] = true
		}
		if s.Discovery != nil && s.Discovery.Host != "" {
			all.hosts[s.Discovery.Host] = true
		}
	}
	delete(all.hosts, "")
	return all, nil
}

// baseHost is the host name of the site's base_url, or "".
func baseHost(s *mailprofile.Site) string {
	u, err := url.Parse(s.BaseURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// newSite checks that every format can be made for the set, so that
// requests meet no surprise, and keeps the accounts with logins of their
// own (not the others: a site may have a million).
func newSite(s *mailprofile.Site, setName string) (*site, error) {
	domain, err := s.DomainSettings(setName)
	if err != nil {
		return nil, err
	}
	out := &site{site: s, set: domain.Set, personal: make(map[string]*mailprofile.Account)}
	if out.domainFile, err = thunderbird.Generate(domain, nil); err != nil {
		return nil, err
	}
	if _, err := outlook.Generate(domain, nil); err != nil {
		out.noOutlook = err
	}
	anybody, err := s.Settings(domain.Set.Name, &mailprofile.Account{Address: "anybody@" + s.Domain})
	if err != nil {
		return nil, err
	}
	if _, err := apple.Generate([]*mailprofile.Settings{anybody}, nil); err != nil {
		out.noApple = err
	}
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

package mailprofile

import (
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// WriteYAML writes s as a description file that Load reads back to the same
// Site: every server field spelled out, names in ASCII form. The accounts of
// Site.Accounts are written; AccountsCSV is named, and passwords are never
// written.
func (s *Site) WriteYAML(w io.Writer) error {
	root := mapNode()
	add(root, "domain", str(s.Domain))
	addIf(root, "organization", s.Organization)
	addIf(root, "base_url", s.BaseURL)
	if s.Language != "ja" {
		addIf(root, "language", s.Language)
	}
	if s.AllowInsecure {
		add(root, "allow_insecure", boolean(true))
	}
	if s.AllowOtherDomains {
		add(root, "allow_other_domains", boolean(true))
	}
	if d := s.Discovery; d != nil {
		add(root, "discovery", discoveryNode(d))
	}
	if m := s.Migration; m != nil {
		add(root, "migration", migrationNode(m))
	}
	servers := mapNode()
	for _, set := range s.Sets {
		sn := mapNode()
		if len(set.Labels) > 0 {
			ln := mapNode()
			for _, lang := range slices.Sorted(maps.Keys(set.Labels)) {
				add(ln, lang, str(set.Labels[lang]))
			}
			add(sn, "label", ln)
		} else {
			addIf(sn, "label", set.Label)
		}
		if set.AllowLegacySubmission {
			add(sn, "allow_legacy_submission", boolean(true))
		}
		add(sn, "incoming", serverList(set.Incoming, true))
		add(sn, "outgoing", serverList(set.Outgoing, false))
		if len(set.Receives) > 0 {
			add(sn, "receives", strList(set.Receives))
		}
		add(servers, set.Name, sn)
	}
	add(root, "servers", servers)
	if len(s.Accounts) > 0 {
		accounts := &yaml.Node{Kind: yaml.SequenceNode}
		for _, a := range s.Accounts {
			accounts.Content = append(accounts.Content, accountNode(a))
		}
		add(root, "accounts", accounts)
	}
	addIf(root, "accounts_csv", s.AccountsCSV)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return err
	}
	return enc.Close()
}

func discoveryNode(d *Discovery) *yaml.Node {
	n := mapNode()
	addIf(n, "host", d.Host)
	if len(d.Addresses) > 0 {
		add(n, "addresses", strList(d.Addresses))
	}
	if d.TTL != 0 {
		add(n, "ttl", integer(d.TTL))
	}
	return n
}

func migrationNode(m *Migration) *yaml.Node {
	n := mapNode()
	add(n, "from", str(m.From))
	add(n, "to", str(m.To))
	switch {
	case m.SwitchHasTime:
		layout := momentLayouts[0]
		if m.SwitchDate.Second() != 0 || m.SwitchDate.Nanosecond() != 0 {
			layout = time.RFC3339Nano
		}
		add(n, "switch_date", str(m.SwitchDate.Format(layout)))
	case !m.SwitchDate.IsZero():
		add(n, "switch_date", date(m.SwitchDate))
	}
	if !m.OverlapEnd.IsZero() {
		add(n, "overlap_until", date(m.OverlapEnd))
	}
	return n
}

func accountNode(a *Account) *yaml.Node {
	n := mapNode()
	add(n, "address", str(a.Address))
	addIf(n, "name", a.Name)
	if len(a.Usernames) > 0 {
		un := mapNode()
		for _, set := range slices.Sorted(maps.Keys(a.Usernames)) {
			add(un, set, str(a.Usernames[set]))
		}
		add(n, "username", un)
	}
	if a.Sets != nil {
		add(n, "sets", strList(a.Sets))
	}
	return n
}

func serverList(servers []Server, incoming bool) *yaml.Node {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, srv := range servers {
		n := mapNode()
		if incoming {
			add(n, "protocol", str(string(srv.Protocol)))
		}
		add(n, "host", str(srv.Host))
		add(n, "port", integer(srv.Port))
		add(n, "security", str(string(srv.Security)))
		if len(srv.AuthAlternatives) == 0 {
			add(n, "auth", str(string(srv.Auth)))
		} else {
			var auths []string
			for _, a := range srv.Auths() {
				auths = append(auths, string(a))
			}
			add(n, "auth", strList(auths))
		}
		addIf(n, "username", srv.Username)
		if o := srv.POP3; o != nil && srv.Protocol == ProtocolPOP3 {
			// What Validate chose is not written: it follows the
			// migration, which the description may gain later.
			pn := mapNode()
			if o.LeaveOnServer != nil && !o.leaveByDefault {
				add(pn, "leave_on_server", boolean(*o.LeaveOnServer))
			}
			if o.KeepDays != 0 {
				add(pn, "keep_days", integer(o.KeepDays))
			}
			if len(pn.Content) > 0 {
				add(n, "pop3", pn)
			}
		}
		list.Content = append(list.Content, n)
	}
	return list
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

// addIf adds the string v unless it is empty.
func addIf(m *yaml.Node, key, v string) {
	if v != "" {
		add(m, key, str(v))
	}
}

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func integer(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func strList(list []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range list {
		n.Content = append(n.Content, str(s))
	}
	return n
}

func date(t time.Time) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: t.Format(time.DateOnly)}
}

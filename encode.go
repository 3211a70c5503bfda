package mailprofile

import (
	"io"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// WriteYAML writes s as a description file that Load reads back to the same
// Site: every server field spelled out, names in ASCII form. Inline accounts
// are written; accounts from AccountsCSV are not (the file is named
// instead), and passwords never are.
func (s *Site) WriteYAML(w io.Writer) error {
	root := mapNode()
	add(root, "domain", str(s.Domain))
	if s.Organization != "" {
		add(root, "organization", str(s.Organization))
	}
	if s.BaseURL != "" {
		add(root, "base_url", str(s.BaseURL))
	}
	if s.Language != "" && s.Language != "ja" {
		add(root, "language", str(s.Language))
	}
	if s.AllowInsecure {
		add(root, "allow_insecure", boolean(true))
	}
	if s.AllowOtherDomains {
		add(root, "allow_other_domains", boolean(true))
	}
	if d := s.Discovery; d != nil {
		dn := mapNode()
		if d.Host != "" {
			add(dn, "host", str(d.Host))
		}
		if len(d.Addresses) > 0 {
			add(dn, "addresses", strList(d.Addresses))
		}
		if d.TTL != 0 {
			add(dn, "ttl", integer(d.TTL))
		}
		add(root, "discovery", dn)
	}
	if m := s.Migration; m != nil {
		mn := mapNode()
		add(mn, "from", str(m.From))
		add(mn, "to", str(m.To))
		if !m.SwitchDate.IsZero() {
			add(mn, "switch_date", date(m.SwitchDate))
		}
		if !m.OverlapEnd.IsZero() {
			add(mn, "overlap_until", date(m.OverlapEnd))
		}
		add(root, "migration", mn)
	}
	servers := mapNode()
	for _, set := range s.Sets {
		sn := mapNode()
		if set.Label != "" {
			add(sn, "label", str(set.Label))
		}
		add(sn, "incoming", serverList(set.Incoming, true))
		add(sn, "outgoing", serverList(set.Outgoing, false))
		add(servers, set.Name, sn)
	}
	add(root, "servers", servers)
	accounts := &yaml.Node{Kind: yaml.SequenceNode}
	for _, a := range s.Accounts {
		if s.AccountsCSV != "" && a.Source.File == s.AccountsCSV {
			continue
		}
		an := mapNode()
		add(an, "address", str(a.Address))
		if a.Name != "" {
			add(an, "name", str(a.Name))
		}
		if len(a.Usernames) > 0 {
			un := mapNode()
			for _, set := range sortedKeys(a.Usernames) {
				add(un, set, str(a.Usernames[set]))
			}
			add(an, "username", un)
		}
		if a.Sets != nil {
			add(an, "sets", strList(a.Sets))
		}
		accounts.Content = append(accounts.Content, an)
	}
	if len(accounts.Content) > 0 {
		add(root, "accounts", accounts)
	}
	if s.AccountsCSV != "" {
		add(root, "accounts_csv", str(s.AccountsCSV))
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return err
	}
	return enc.Close()
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
		add(n, "auth", str(string(srv.Auth)))
		if srv.Username != "" {
			add(n, "username", str(srv.Username))
		}
		if o := srv.POP3; o != nil && srv.Protocol == ProtocolPOP3 {
			pn := mapNode()
			if o.LeaveOnServer != nil {
				add(pn, "leave_on_server", boolean(*o.LeaveOnServer))
			}
			if o.KeepDays != 0 {
				add(pn, "keep_days", integer(o.KeepDays))
			}
			add(n, "pop3", pn)
		}
		list.Content = append(list.Content, n)
	}
	return list
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
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

package mailprofile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Warnings lists what is valid but will surprise people: certificate name
// warnings for servers addressed by IP, plain-text connections, host names
// that depend on the DNS being switched, and POP3 servers that delete mail
// during a move. Call it on a validated Site.
func (s *Site) Warnings() []*Warning {
	var ws warnings
	for _, set := range s.Sets {
		path := set.Source.pathOr("servers." + clipped(set.Name))
		for i, srv := range set.Incoming {
			s.serverWarnings(&ws, set, srv, fmt.Sprintf("%s.incoming[%d]", path, i))
		}
		for i, srv := range set.Outgoing {
			s.serverWarnings(&ws, set, srv, fmt.Sprintf("%s.outgoing[%d]", path, i))
			if set.AllowLegacySubmission {
				legacyWarnings(&ws, srv, fmt.Sprintf("%s.outgoing[%d]", path, i))
			}
		}
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Pos.before(ws[j].Pos) })
	return ws
}

type warnings []*Warning

func (ws *warnings) add(pos Pos, field, format string, args ...any) {
	*ws = append(*ws, &Warning{Pos: pos, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (s *Site) serverWarnings(ws *warnings, set *ServerSet, srv Server, path string) {
	at := srv.Source.at("host")
	if IsIP(srv.Host) && srv.Security.Encrypted() {
		ws.add(at, joinPath(path, "host"),
			"%s is an IP address: every mail client will warn that the certificate does not match unless the server's certificate lists this IP; prefer the provider's host name that the certificate names (e.g. sv1234.example-host.jp)", srv.Host)
	}
	if srv.Security == SecurityNone {
		ws.add(srv.Source.at("security"), joinPath(path, "security"),
			"security none sends the password and all mail in plain text")
	}
	if s.Migration != nil && !IsIP(srv.Host) && (srv.Host == s.Domain || strings.HasSuffix(srv.Host, "."+s.Domain)) {
		ws.add(at, joinPath(path, "host"),
			"%s is in the domain being moved: while DNS changes it may reach either server; name the %s server by the provider's host name or its IP address", srv.Host, set.DisplayLabel())
	}
	if s.Migration != nil && srv.Protocol == ProtocolPOP3 && !srv.POP3.Leave() {
		ws.add(srv.Source.at("pop3"), joinPath(path, "pop3.leave_on_server"),
			"is false: mail downloaded by one device is deleted from the server and the other devices never see it")
	}
}

// legacyWarnings says what people meet with the ways of sending that only
// a set moved away from may keep.
func legacyWarnings(ws *warnings, srv Server, path string) {
	switch ports := standardPorts[ProtocolSMTP]; {
	case srv.Port == 25:
		ws.add(srv.Source.at("port"), joinPath(path, "port"),
			"25: many networks block it (mobile networks, hotels, other providers' lines), so this account cannot send from there; until the move is over, send from the new account")
	case srv.Port == ports[1] && srv.Security == SecurityTLS:
		ws.add(srv.Source.at("port"), joinPath(path, "port"),
			"587 with TLS from the first byte: clients expect STARTTLS there, and some fail to connect; check that sending works in each program")
	case srv.Port == ports[0] && srv.Security == SecurityStartTLS:
		ws.add(srv.Source.at("port"), joinPath(path, "port"),
			"465 with STARTTLS: clients expect TLS from the first byte there, and some fail to connect; check that sending works in each program")
	}
}

// Advice is what the people who run the servers should know about the
// clients, whatever the description says: new Outlook, Outlook for Mac and
// Outlook on phones reach the servers of the set people add from
// Microsoft's servers, not from the person's device. Call it on a
// validated Site.
func (s *Site) Advice() []string {
	set := s.DefaultSet()
	if set == nil {
		return nil
	}
	var hosts []string
	for _, srv := range append(slices.Clip(set.Incoming), set.Outgoing...) {
		if !slices.Contains(hosts, srv.Host) {
			hosts = append(hosts, srv.Host)
		}
	}
	return []string{fmt.Sprintf("new Outlook, Outlook for Mac and Outlook on phones connect to %s from Microsoft's servers, not from the person's device: an IP allow-list, a country block or a login rate limit there must let Microsoft's servers in, or those people cannot read or send mail",
		strings.Join(hosts, " and "))}
}

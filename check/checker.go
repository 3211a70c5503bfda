package check

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mailprofile/mailprofile"
)

// checker checks one server.
type checker struct {
	ctx     context.Context // the whole check's deadline
	opts    *Options
	site    *mailprofile.Site
	set     *mailprofile.ServerSet
	srv     mailprofile.Server
	results []Result

	conn   net.Conn
	r      *bufio.Reader
	tag    int
	broken bool // a read or write failed: say nothing more to the server
}

// MaxLineLength is the longest line read from a server: mail protocols
// keep lines short (RFC 5321: 512 bytes for SMTP replies; IMAP literals
// are not read here).
const MaxLineLength = 8 << 10

func (c *checker) add(check string, st Status, reason, advice string) {
	c.results = append(c.results, Result{
		Set: c.set.Name, Server: fmt.Sprintf("%s %s", c.srv.Protocol, net.JoinHostPort(c.srv.Host, strconv.Itoa(c.srv.Port))),
		Check: check, Status: st, Reason: printable(reason), Advice: advice,
	})
}

// printable escapes what a terminal would act on in a server's text:
// control characters (escape sequences among them) and bytes that are not
// UTF-8, each written as \xNN or \uNNNN.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRuneToASCII(r) // '\x1b'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func (c *checker) run(ctx context.Context) {
	c.ctx = ctx
	srv := c.srv
	if !mailprofile.IsIP(srv.Host) {
		rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
		addrs, err := c.opts.Resolver.LookupHost(rctx, srv.Host)
		cancel()
		if err != nil || len(addrs) == 0 {
			c.add("resolve", Fail, fmt.Sprintf("%s does not resolve (%v)", srv.Host, errText(err)), "check the host name with the provider")
			return
		}
		c.add("resolve", OK, srv.Host+" is "+strings.Join(addrs, ", "), "")
	}
	d := net.Dialer{Timeout: c.opts.Timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)))
	if err != nil {
		c.add("connect", Fail, fmt.Sprintf("nothing answers on port %d (%v)", srv.Port, errText(err)),
			"check the port; a firewall may block it, or the server listens elsewhere")
		return
	}
	defer conn.Close()
	c.add("connect", OK, fmt.Sprintf("port %d answers", srv.Port), "")
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	c.setConn(conn)

	var state *tls.ConnectionState
	switch srv.Security {
	case mailprofile.SecurityTLS:
		if state = c.handshake("tls", "TLS from the first byte"); state == nil {
			return
		}
		if !c.greeting() {
			return
		}
	case mailprofile.SecurityStartTLS:
		if !c.greeting() || !c.startTLS() {
			return
		}
		if state = c.handshake("starttls", "STARTTLS"); state == nil {
			return
		}
	default:
		if !c.greeting() {
			return
		}
		c.add("tls", Warn, "no TLS: passwords and mail travel in plain text", "use tls or starttls if the server offers it")
	}
	if state != nil {
		c.certificate(state)
	}
	if mechs, ok := c.capabilities(); ok {
		c.auth(mechs)
	}
	if c.opts.Login != nil && srv.NeedsLogin() {
		c.login()
	}
	c.quit()
}

func errText(err error) string {
	if err == nil {
		return "no address"
	}
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Err != nil {
		return ne.Err.Error()
	}
	return err.Error()
}

func (c *checker) setConn(conn net.Conn) {
	c.conn = conn
	c.r = bufio.NewReaderSize(conn, MaxLineLength)
}

// begin starts a step with the server (a greeting, a handshake, a command
// and its whole answer): it must end within Timeout, and before the whole
// check's deadline. Reading a line does not move it, so a server that
// keeps talking cannot hold the check.
func (c *checker) begin() {
	d := time.Now().Add(c.opts.Timeout)
	if cd, ok := c.ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	if c.ctx.Err() != nil {
		d = time.Now()
	}
	c.conn.SetDeadline(d)
}

func (c *checker) readLine() (string, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		err = fmt.Errorf("a line longer than %d bytes", MaxLineLength)
	}
	if err != nil {
		c.broken = true
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

func (c *checker) send(line string) error {
	_, err := c.conn.Write([]byte(line + "\r\n"))
	if err != nil {
		c.broken = true
	}
	return err
}

// handshake runs the TLS handshake without judging the certificate, which
// certificate then does, check by check.
func (c *checker) handshake(check, what string) *tls.ConnectionState {
	cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} // verified in certificate()
	if !mailprofile.IsIP(c.srv.Host) {
		cfg.ServerName = c.srv.Host
	}
	tc := tls.Client(c.conn, cfg)
	c.begin()
	if err := tc.Handshake(); err != nil {
		advice := "check that the port speaks TLS from the first byte; if it expects STARTTLS, say security: starttls"
		if c.srv.Security == mailprofile.SecurityStartTLS {
			advice = "the server accepted STARTTLS but the TLS handshake failed: check its TLS setup"
		}
		c.add(check, Fail, fmt.Sprintf("the %s handshake failed (%v)", what, err), advice)
		return nil
	}
	st := tc.ConnectionState()
	c.add(check, OK, fmt.Sprintf("%s works (%s)", what, tls.VersionName(st.Version)), "")
	c.setConn(tc)
	return &st
}

// greeting reads the server's first line.
func (c *checker) greeting() bool {
	c.begin()
	line, err := c.readLine()
	want := map[mailprofile.Protocol]string{mailprofile.ProtocolIMAP: "* OK", mailprofile.ProtocolPOP3: "+OK", mailprofile.ProtocolSMTP: "220"}[c.srv.Protocol]
	if err != nil || !strings.HasPrefix(line, want) && !(c.srv.Protocol == mailprofile.ProtocolIMAP && strings.HasPrefix(line, "* PREAUTH")) {
		got := line
		if err != nil {
			got = err.Error()
		}
		c.add("greeting", Fail, fmt.Sprintf("no %s greeting (%q)", c.srv.Protocol, got),
			"check that the port is the "+c.srv.Protocol.String()+" port and the security mode is right")
		return false
	}
	c.add("greeting", OK, fmt.Sprintf("%s server greets", c.srv.Protocol), "")
	return true
}

// capabilities asks what the server offers: IMAP CAPABILITY, POP3 CAPA,
// SMTP EHLO. It returns the authentication mechanisms, upper case, with
// "LOGIN-COMMAND" for IMAP's LOGIN and "USER" for POP3's USER/PASS.
func (c *checker) capabilities() ([]string, bool) {
	lines, err := c.command(c.capabilityCommand())
	if err != nil {
		c.add("auth", Fail, "the server did not list what it offers ("+err.Error()+")", "")
		return nil, false
	}
	var mechs []string
	switch c.srv.Protocol {
	case mailprofile.ProtocolIMAP:
		loginOK := true
		for _, l := range lines {
			if !strings.HasPrefix(strings.ToUpper(l), "* CAPABILITY") {
				continue
			}
			for _, f := range strings.Fields(l)[2:] {
				f = strings.ToUpper(f)
				if m, ok := strings.CutPrefix(f, "AUTH="); ok {
					mechs = append(mechs, m)
				}
				if f == "LOGINDISABLED" {
					loginOK = false
				}
			}
		}
		if loginOK {
			mechs = append(mechs, "LOGIN-COMMAND")
		}
	case mailprofile.ProtocolPOP3:
		for _, l := range lines {
			f := strings.Fields(strings.ToUpper(l))
			if len(f) > 0 && f[0] == "SASL" {
				mechs = append(mechs, f[1:]...)
			}
			if len(f) > 0 && f[0] == "USER" {
				mechs = append(mechs, "USER")
			}
		}
	case mailprofile.ProtocolSMTP:
		for _, l := range lines {
			f := strings.Fields(strings.ToUpper(l[min(4, len(l)):]))
			if len(f) > 0 && f[0] == "AUTH" {
				mechs = append(mechs, f[1:]...)
			}
		}
	}
	return mechs, true
}

func (c *checker) capabilityCommand() string {
	switch c.srv.Protocol {
	case mailprofile.ProtocolIMAP:
		return "CAPABILITY"
	case mailprofile.ProtocolPOP3:
		return "CAPA"
	}
	return "EHLO mailprofile.check"
}

// command sends cmd (tagged for IMAP) and reads the whole answer. An error
// means a negative answer or a broken connection.
func (c *checker) command(cmd string) ([]string, error) {
	tag := ""
	if c.srv.Protocol == mailprofile.ProtocolIMAP {
		c.tag++
		tag = "m" + strconv.Itoa(c.tag)
		cmd = tag + " " + cmd
	}
	c.begin()
	if err := c.send(cmd); err != nil {
		return nil, err
	}
	var lines []string
	for {
		line, err := c.readLine()
		if err != nil {
			return lines, err
		}
		lines = append(lines, line)
		switch c.srv.Protocol {
		case mailprofile.ProtocolIMAP:
			if rest, ok := strings.CutPrefix(line, tag+" "); ok {
				if strings.HasPrefix(strings.ToUpper(rest), "OK") {
					return lines, nil
				}
				return lines, errors.New(rest)
			}
		case mailprofile.ProtocolPOP3:
			if len(lines) == 1 {
				if strings.HasPrefix(line, "-ERR") {
					return lines, errors.New(line)
				}
				if !multiline(cmd) {
					return lines, nil
				}
				continue
			}
			if line == "." {
				return lines, nil
			}
		case mailprofile.ProtocolSMTP:
			if len(line) < 4 || line[3] == ' ' {
				if !strings.HasPrefix(line, "2") && !strings.HasPrefix(line, "3") {
					return lines, errors.New(line)
				}
				return lines, nil
			}
		}
	}
}

// multiline says whether a POP3 command answers with several lines.
func multiline(cmd string) bool { return cmd == "CAPA" }

// startTLS asks for STARTTLS (STLS in POP3), failing when it is not
// offered.
func (c *checker) startTLS() bool {
	lines, err := c.command(c.capabilityCommand())
	offered := false
	want := map[mailprofile.Protocol]string{mailprofile.ProtocolIMAP: "STARTTLS", mailprofile.ProtocolPOP3: "STLS", mailprofile.ProtocolSMTP: "STARTTLS"}[c.srv.Protocol]
	for _, l := range lines {
		for _, f := range strings.Fields(strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(l, "250-"), "250 "))) {
			if f == want {
				offered = true
			}
		}
	}
	if err != nil || !offered {
		c.add("starttls", Fail, "the server does not offer "+want,
			"the description says starttls: use the port with TLS from the first byte (security: tls), or enable STARTTLS on the server")
		return false
	}
	if _, err := c.command(want); err != nil {
		c.add("starttls", Fail, want+" was refused ("+err.Error()+")", "")
		return false
	}
	return true
}

// certificate judges the server's certificate: the chain, the name and the
// expiry, each a result of its own.
func (c *checker) certificate(st *tls.ConnectionState) {
	certs := st.PeerCertificates
	if len(certs) == 0 {
		c.add("certificate", Fail, "the server sent no certificate", "")
		return
	}
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, ic := range certs[1:] {
		inter.AddCert(ic)
	}
	now := c.opts.Now()
	_, err := leaf.Verify(x509.VerifyOptions{Roots: c.opts.Roots, Intermediates: inter, CurrentTime: now})
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		// reported under expiry
	case err != nil:
		c.add("certificate", Fail, "not trusted: "+err.Error(),
			"clients will show a certificate warning: use a certificate from a public CA, or give clients the CA (mailprofile gen --root-ca)")
	default:
		c.add("certificate", OK, "trusted ("+leaf.Issuer.CommonName+")", "")
	}
	if err := leaf.VerifyHostname(c.srv.Host); err != nil {
		advice := "use the host name the certificate names (" + strings.Join(leaf.DNSNames, ", ") + ")"
		reason := fmt.Sprintf("does not cover %s (%v)", c.srv.Host, err)
		if mailprofile.IsIP(c.srv.Host) {
			reason = fmt.Sprintf("does not list the IP address %s (an IP needs an IP SAN)", c.srv.Host)
		}
		c.add("name", Fail, reason, advice)
	} else {
		c.add("name", OK, "covers "+c.srv.Host, "")
	}
	left := leaf.NotAfter.Sub(now)
	switch {
	case left <= 0:
		c.add("expiry", Fail, "expired on "+leaf.NotAfter.Format(time.DateOnly), "renew the certificate: clients refuse it")
	case left < ExpiryWarnDays*24*time.Hour:
		c.add("expiry", Warn, fmt.Sprintf("expires on %s, in %d days", leaf.NotAfter.Format(time.DateOnly), int(left.Hours()/24)), "renew it soon")
	default:
		c.add("expiry", OK, "valid until "+leaf.NotAfter.Format(time.DateOnly), "")
	}
}

// accepted lists, per authentication method of the description, the
// mechanisms that serve it.
var accepted = map[mailprofile.Auth][]string{
	mailprofile.AuthPasswordCleartext: {"PLAIN", "LOGIN", "LOGIN-COMMAND", "USER"},
	mailprofile.AuthPasswordEncrypted: {"CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "APOP"},
	mailprofile.AuthOAuth2:            {"XOAUTH2", "OAUTHBEARER"},
}

// auth checks that the server offers a way to log in that the description
// names; a client takes the first of them that it can use.
func (c *checker) auth(mechs []string) {
	if !c.srv.NeedsLogin() {
		return
	}
	var wanted []string
	for _, a := range c.srv.Auths() {
		for _, m := range mechs {
			if slices.Contains(accepted[a], m) {
				c.add("auth", OK, fmt.Sprintf("offers %s for %s", m, string(a)), "")
				return
			}
		}
		wanted = append(wanted, string(a))
	}
	shown := strings.Join(mechs, " ")
	if shown == "" {
		shown = "none"
	}
	c.add("auth", Fail, fmt.Sprintf("does not offer %s (offers: %s)", strings.Join(wanted, " or "), shown),
		"change auth in the description to what the server offers, or enable it on the server")
}

// login logs in with the password, PLAIN where it can.
func (c *checker) login() {
	a, err := c.site.Account(c.opts.Login.Address)
	if err != nil {
		a = &mailprofile.Account{Address: c.opts.Login.Address}
	}
	p, err := c.site.Settings(c.set.Name, a)
	if err != nil {
		c.add("login", Warn, "not tried: "+err.Error(), "")
		return
	}
	user := ""
	for _, s := range append(append([]mailprofile.Server{}, p.Incoming...), p.Outgoing...) {
		if s.Host == c.srv.Host && s.Port == c.srv.Port && s.Protocol == c.srv.Protocol {
			user = s.Username
		}
	}
	pass := c.opts.Login.Password.Reveal()
	switch c.srv.Protocol {
	case mailprofile.ProtocolIMAP:
		_, err = c.command("LOGIN " + quote(user) + " " + quote(pass))
	case mailprofile.ProtocolPOP3:
		if _, err = c.command("USER " + user); err == nil {
			_, err = c.command("PASS " + pass)
		}
	case mailprofile.ProtocolSMTP:
		_, err = c.command("AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00"+pass)))
	}
	if err != nil {
		c.add("login", Fail, fmt.Sprintf("%s could not log in (%s)", user, redact(err.Error(), pass)), "check the user name and the password")
		return
	}
	c.add("login", OK, user+" logged in", "")
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// redact keeps a password out of a server's answer quoted in a result.
func redact(s, pass string) string {
	if pass == "" {
		return s
	}
	return strings.ReplaceAll(s, pass, "[redacted]")
}

func (c *checker) quit() {
	if c.broken || c.ctx.Err() != nil {
		return // a server that failed to answer gets no more
	}
	switch c.srv.Protocol {
	case mailprofile.ProtocolIMAP:
		c.command("LOGOUT")
	default:
		c.command("QUIT")
	}
}

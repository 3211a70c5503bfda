package mailprofile

import "strings"

// Protocol is the mail protocol a server speaks.
type Protocol string

// Protocols. Their text is what the description file says.
const (
	ProtocolIMAP Protocol = "imap" // IMAP4rev1/rev2, RFC 9051
	ProtocolPOP3 Protocol = "pop3" // POP3, RFC 1939
	ProtocolSMTP Protocol = "smtp" // message submission, RFC 6409
)

// Incoming reports whether p is a protocol for reading mail.
func (p Protocol) Incoming() bool { return p == ProtocolIMAP || p == ProtocolPOP3 }

// String returns the protocol's usual name: "IMAP", "POP3" or "SMTP".
func (p Protocol) String() string { return strings.ToUpper(string(p)) }

// Security is how a connection to a server is protected.
type Security string

// Security modes. Their text is what the description file says.
const (
	// SecurityTLS is TLS from the first byte ("SSL/TLS" in clients;
	// RFC 8314 implicit TLS). Thunderbird socketType "SSL", Outlook
	// Encryption "SSL".
	SecurityTLS Security = "tls"

	// SecurityStartTLS starts in plain text and must upgrade with
	// STARTTLS. Thunderbird socketType "STARTTLS", Outlook Encryption
	// "TLS".
	SecurityStartTLS Security = "starttls"

	// SecurityNone sends everything, passwords included, in plain text.
	// Validate rejects it unless the Site says AllowInsecure.
	SecurityNone Security = "none"
)

// String returns the name people see in clients: "SSL/TLS", "STARTTLS" or
// "None".
func (s Security) String() string {
	switch s {
	case SecurityTLS:
		return "SSL/TLS"
	case SecurityStartTLS:
		return "STARTTLS"
	case SecurityNone:
		return "None"
	}
	return string(s)
}

// Encrypted reports whether the connection uses TLS in either form.
func (s Security) Encrypted() bool { return s == SecurityTLS || s == SecurityStartTLS }

// Auth is how a client logs in to a server.
type Auth string

// Authentication methods. Their text is what the description file says,
// and the same as Thunderbird's clientConfig values.
const (
	// AuthPasswordCleartext sends the password as it is (LOGIN, PLAIN,
	// USER/PASS), protected only by TLS. "Normal password" in clients.
	AuthPasswordCleartext Auth = "password-cleartext"

	// AuthPasswordEncrypted proves the password without sending it
	// (CRAM-MD5 and the like). "Encrypted password" in clients.
	AuthPasswordEncrypted Auth = "password-encrypted"

	// AuthOAuth2 logs in with an OAuth 2.0 token (XOAUTH2, OAUTHBEARER).
	AuthOAuth2 Auth = "oauth2"

	// AuthNone does not log in: outgoing servers that accept mail by the
	// client's IP address. Not allowed for incoming servers.
	AuthNone Auth = "none"
)

// String returns the name people see in clients.
func (a Auth) String() string {
	switch a {
	case AuthPasswordCleartext:
		return "Normal password"
	case AuthPasswordEncrypted:
		return "Encrypted password"
	case AuthOAuth2:
		return "OAuth2"
	case AuthNone:
		return "No authentication"
	}
	return string(a)
}

// Aliases that the description file accepts, in lower case.
var (
	protocolNames = map[string]Protocol{
		"imap": ProtocolIMAP, "imap4": ProtocolIMAP,
		"pop3": ProtocolPOP3, "pop": ProtocolPOP3,
		"smtp": ProtocolSMTP, "submission": ProtocolSMTP,
	}
	securityNames = map[string]Security{
		"tls": SecurityTLS, "ssl": SecurityTLS, "ssl/tls": SecurityTLS, "implicit-tls": SecurityTLS,
		"starttls": SecurityStartTLS,
		"none":     SecurityNone, "plain": SecurityNone,
	}
	authNames = map[string]Auth{
		"password-cleartext": AuthPasswordCleartext, "password": AuthPasswordCleartext,
		"plain": AuthPasswordCleartext, "login": AuthPasswordCleartext,
		"password-encrypted": AuthPasswordEncrypted, "cram-md5": AuthPasswordEncrypted,
		"oauth2": AuthOAuth2,
		"none":   AuthNone,
	}
)

// canonical maps a name from a description file to its constant, leaving
// unknown names as written so that Validate can report them.
func canonical[T ~string](names map[string]T, s string) T {
	if v, ok := names[strings.ToLower(strings.TrimSpace(s))]; ok {
		return v
	}
	return T(s)
}

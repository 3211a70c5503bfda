// Package thunderbirdmobile writes the QR code payload with which
// Thunderbird for Android (and for iOS) adds an account: Thunderbird's
// "Export for Mobile" format, version 1 (thunderbird/thunderbird-android,
// feature/migration/qrcode/qr-code-format.md).
//
// # The format
//
// The payload is JSON made of nested arrays, to stay small in a QR code:
//
//	[1, [1, 1],
//	 [0, "imap.example.com", 993, 3, 1, "user@example.com", "ACCOUNT NAME"],
//	 [[[0, "smtp.example.com", 465, 3, 1, "user@example.com"], ["user@example.com", "Jane Doe"]]]]
//
// the format version; the QR code's place in a sequence (1 of 1); the
// incoming server (protocol 0 IMAP or 1 POP3, host, port, connection
// security 0 plain, 2 STARTTLS, 3 TLS, authentication 0 none, 1 password,
// 2 encrypted password, 6 OAuth2, user name, account name); and the
// outgoing server (protocol 0 SMTP, the same fields) with its identity
// (address, display name). Host names and addresses are ASCII: a Unicode
// domain goes in its ASCII form.
//
// The account name is what tells the new account from the old one in the
// app's list, as Thunderbird for Android takes a second account for the
// same address: Generate names it "ADDRESS — LABEL". Passwords are never
// written: the app asks for them.
package thunderbirdmobile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile"
)

// FormatVersion is the version of the format written.
const FormatVersion = 1

// MaxPayload is the most bytes Generate writes: a QR code holding more gets
// too dense to scan at the size a printed sheet gives it.
const MaxPayload = 360

// Options are the choices of Generate. A nil *Options is the zero value.
type Options struct {
	// AccountName names the account in the app. The zero value means
	// st.Description(): "ADDRESS — LABEL".
	AccountName string
}

// Values of the format.
var (
	incomingProtocols = map[mailprofile.Protocol]int{mailprofile.ProtocolIMAP: 0, mailprofile.ProtocolPOP3: 1}
	securities        = map[mailprofile.Security]int{mailprofile.SecurityNone: 0, mailprofile.SecurityStartTLS: 2, mailprofile.SecurityTLS: 3}
	authentications   = map[mailprofile.Auth]int{
		mailprofile.AuthNone: 0, mailprofile.AuthPasswordCleartext: 1, mailprofile.AuthPasswordEncrypted: 2, mailprofile.AuthOAuth2: 6,
	}
)

const outgoingSMTP = 0

// Generate writes the payload that adds the account of st: its first
// incoming and first outgoing server, each with its first way to log in.
// st must have an Account; the result is a *mailprofile.UnsupportedError
// when the payload would be longer than MaxPayload.
func Generate(st *mailprofile.Settings, opts *Options) ([]byte, error) {
	if err := st.Check(); err != nil {
		return nil, err
	}
	if st.Account == nil {
		return nil, &mailprofile.UnsupportedError{Client: "thunderbirdmobile", Field: "account",
			Reason: "the app adds one person's account; there is no code for the whole domain"}
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.AccountName == "" {
		o.AccountName = st.Description()
	}
	in, out := st.Incoming[0], st.Outgoing[0]
	if strings.ContainsAny(in.Username+out.Username, "\r\n") {
		return nil, &mailprofile.UnsupportedError{Client: "thunderbirdmobile", Field: "username", Reason: "a user name with a line break"}
	}
	payload := []any{
		FormatVersion,
		[]int{1, 1}, // the first QR code of one
		[]any{incomingProtocols[in.Protocol], in.Host, in.Port, securities[in.Security], authentications[in.Auth], in.Username, oneLine(o.AccountName)},
		[]any{ // the outgoing server groups
			[]any{
				[]any{outgoingSMTP, out.Host, out.Port, securities[out.Security], authentications[out.Auth], out.Username},
				[]string{st.Address(), oneLine(st.Name())},
			},
		},
	}
	// Names as they are: the HTML escapes of json.Marshal would only take
	// room in the code.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(payload); err != nil {
		return nil, err
	}
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(data) > MaxPayload {
		return nil, &mailprofile.UnsupportedError{Client: "thunderbirdmobile", Field: "payload",
			Reason: fmt.Sprintf("%d bytes: more than the %d that scan at a printed size", len(data), MaxPayload)}
	}
	return data, nil
}

// oneLine puts a name on one line, as the app requires: a name from a
// spreadsheet cell may span several.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

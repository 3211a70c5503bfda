package spectest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// MobileAccount is one account of a Thunderbird "Export for Mobile" QR
// code payload, as ReadMobileQR reads it.
type MobileAccount struct {
	Protocol, Port, Security, Auth             int
	Host, Username, AccountName                string
	OutProtocol, OutPort, OutSecurity, OutAuth int
	OutHost, OutUsername                       string
	Identity, IdentityName                     string // the first identity's address and display name
}

// ReadMobileQR reads a payload of one account by the rules of
// thunderbird-android's feature/migration/qrcode/qr-code-format.md,
// version 1, the way its reader must: every element in its place with its
// type, every value one the spec allows (a reader skips an account with
// any other), host names and the address in ASCII, and no password.
func ReadMobileQR(t testing.TB, data []byte) MobileAccount {
	t.Helper()
	var root []json.RawMessage
	require.NoError(t, json.Unmarshal(data, &root), "the payload is JSON: %s", data)
	require.Len(t, root, 4, "format version, miscellaneous data, incoming server, outgoing server groups")
	var version int
	require.NoError(t, json.Unmarshal(root[0], &version))
	assert.Equal(t, 1, version, "FormatVersion")
	var seq []int
	require.NoError(t, json.Unmarshal(root[1], &seq))
	assert.Equal(t, []int{1, 1}, seq, "SequenceNumber, SequenceEnd: one QR code of one")

	var in []json.RawMessage
	require.NoError(t, json.Unmarshal(root[2], &in))
	require.Len(t, in, 7, "protocol, host, port, security, authentication, user name, account name; no password")
	var a MobileAccount
	for i, dst := range []any{&a.Protocol, &a.Host, &a.Port, &a.Security, &a.Auth, &a.Username, &a.AccountName} {
		require.NoError(t, json.Unmarshal(in[i], dst), "IncomingServer element %d has the wrong type: %s", i, in[i])
	}
	var groups [][]json.RawMessage
	require.NoError(t, json.Unmarshal(root[3], &groups))
	require.Len(t, groups, 1, "one OutgoingServerGroup")
	require.Len(t, groups[0], 2, "outgoing server, identity")
	var out []json.RawMessage
	require.NoError(t, json.Unmarshal(groups[0][0], &out))
	require.Len(t, out, 6, "protocol, host, port, security, authentication, user name; no password")
	for i, dst := range []any{&a.OutProtocol, &a.OutHost, &a.OutPort, &a.OutSecurity, &a.OutAuth, &a.OutUsername} {
		require.NoError(t, json.Unmarshal(out[i], dst), "OutgoingServer element %d has the wrong type: %s", i, out[i])
	}
	var identity []string
	require.NoError(t, json.Unmarshal(groups[0][1], &identity))
	require.Len(t, identity, 2, "email address, display name")
	a.Identity, a.IdentityName = identity[0], identity[1]

	assert.Contains(t, []int{0, 1}, a.Protocol, "IncomingProtocol: IMAP or POP3")
	assert.Equal(t, 0, a.OutProtocol, "OutgoingProtocol: SMTP")
	for _, sec := range []int{a.Security, a.OutSecurity} {
		assert.Contains(t, []int{0, 2, 3}, sec, "ConnectionSecurity (1 is reserved)")
	}
	for _, auth := range []int{a.Auth, a.OutAuth} {
		assert.Contains(t, []int{0, 1, 2, 3, 4, 5, 6}, auth, "AuthenticationType")
	}
	for _, port := range []int{a.Port, a.OutPort} {
		assert.True(t, port >= 1 && port <= 65535, "Port %d", port)
	}
	for _, s := range []string{a.Host, a.OutHost, a.Identity} {
		assert.True(t, printableASCII(s), "%q is ASCII", s)
	}
	assert.NotEmpty(t, a.Identity)
	for _, s := range []string{a.Username, a.OutUsername, a.AccountName, a.IdentityName} {
		assert.NotContains(t, s, "\n")
	}
	return a
}

func printableASCII(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

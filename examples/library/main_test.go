package main

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgram runs the program from the repository root, as the README says,
// and checks what it prints.
func TestProgram(t *testing.T) {
	t.Chdir("../..")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	main()
	os.Stdout = stdout
	w.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, r)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "info@example.co.jp — 新サーバー\n  IMAP sv1234.example-host.jp:993 (SSL/TLS), login info@example.co.jp\n  SMTP sv1234.example-host.jp:587 (STARTTLS)\n")
	assert.Contains(t, out.String(), "warning: examples/migration.yaml:28: servers.old.incoming[0].host: 203.0.113.10 is an IP address")
}

package mailprofile

import (
	"hash/maphash"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDuplicateCheckIsExact makes every address hash alike: different
// addresses are still different, and only the same address, inline or in
// the CSV file, is "listed twice", with where it was first.
func TestDuplicateCheckIsExact(t *testing.T) {
	defer func(h func(maphash.Seed, string) uint64) { addressHash = h }(addressHash)
	addressHash = func(maphash.Seed, string) uint64 { return 42 }

	dir := t.TempDir()
	csv := "address\nc@example.jp\nd@example.jp\nB@EXAMPLE.JP\ne@example.jp\nd@example.jp\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte(csv), 0o644))
	desc := `domain: example.jp
servers:
  new:
    incoming: [{protocol: imap, host: mail.example-host.jp}]
    outgoing: [{host: mail.example-host.jp, port: 587}]
accounts:
  - address: a@example.jp
  - address: b@example.jp
  - address: a@example.jp
accounts_csv: people.csv
`
	file := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(file, []byte(desc), 0o644))
	_, err := Load(file)
	require.Error(t, err)
	assert.Equal(t, filepath.Join(dir, "people.csv")+":4: row 4: address: B@example.jp is listed twice (first at "+file+":8)\n"+
		filepath.Join(dir, "people.csv")+":6: row 6: address: d@example.jp is listed twice (first at "+filepath.Join(dir, "people.csv")+":3)\n"+
		file+":9: accounts[2].address: a@example.jp is listed twice (first at "+file+":7)",
		err.Error())

	// Without duplicates, the colliding hashes report nothing.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte("address\nc@example.jp\nd@example.jp\ne@example.jp\n"), 0o644))
	require.NoError(t, os.WriteFile(file, []byte(desc[:len(desc)-len("  - address: a@example.jp\naccounts_csv: people.csv\n")]+"accounts_csv: people.csv\n"), 0o644))
	_, err = Load(file)
	assert.NoError(t, err)
}

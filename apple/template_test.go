package apple_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
)

// TestTemplateMatchesGenerate checks, for addresses of every kind, that a
// Template gives byte for byte what Generate gives.
func TestTemplateMatchesGenerate(t *testing.T) {
	locals := []string{"a", "info", "Yamada.Taro", "o'brien&co", "x+tag", "mailprofile", "ops", "UPPER", "a.b.c-d_e", "%25"}
	for _, c := range []string{"../examples/migration.yaml", "../examples/single.yaml", "../testdata/escaping.yaml", "../testdata/phased.yaml"} {
		site, err := mailprofile.Load(c)
		require.NoError(t, err)
		for _, set := range site.Sets {
			tmpl, err := apple.NewTemplate(site, set.Name, nil)
			require.NoError(t, err)
			for _, local := range locals {
				addr, err := mailprofile.ParseAddress(local + "@" + site.Domain)
				if err != nil {
					continue
				}
				p, err := site.Profile(set.Name, &mailprofile.Account{Address: addr})
				require.NoError(t, err)
				want, err := apple.Generate([]*mailprofile.Profile{p}, nil)
				require.NoError(t, err)
				got, err := tmpl.Generate(addr)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got), "%s %s %s", c, set.Name, addr)
			}
		}
	}
}

// TestTemplateLoginCoincidence covers the address for which the incoming
// and outgoing logins happen to be equal only for that address.
func TestTemplateLoginCoincidence(t *testing.T) {
	site, err := mailprofile.Parse("t.yaml", []byte(`
domain: example.com
servers:
  main:
    incoming: [{protocol: imap, host: imap.example.com, username: "%EMAILLOCALPART%"}]
    outgoing: [{host: smtp.example.com, username: shared}]
`))
	require.NoError(t, err)
	tmpl, err := apple.NewTemplate(site, "", nil)
	require.NoError(t, err)
	for _, addr := range []string{"shared@example.com", "other@example.com"} {
		p, err := site.Profile("", &mailprofile.Account{Address: addr})
		require.NoError(t, err)
		want, err := apple.Generate([]*mailprofile.Profile{p}, nil)
		require.NoError(t, err)
		got, err := tmpl.Generate(addr)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), addr)
	}
	_, err = apple.NewTemplate(site, "nope", nil)
	assert.ErrorIs(t, err, mailprofile.ErrUnknownSet)
}

// TestTemplateAppend checks that Append adds to what dst holds, makes an
// unsigned profile without allocating when dst has room, and refuses an
// address of another domain.
func TestTemplateAppend(t *testing.T) {
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	tmpl, err := apple.NewTemplate(site, "", nil)
	require.NoError(t, err)
	want, err := tmpl.Generate("yamada@example.co.jp")
	require.NoError(t, err)

	got, err := tmpl.Append([]byte("prefix"), "yamada@example.co.jp")
	require.NoError(t, err)
	assert.Equal(t, "prefix"+string(want), string(got))

	buf := make([]byte, 0, 2*len(want))
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := tmpl.Append(buf[:0], "yamada@example.co.jp"); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)

	_, err = tmpl.Append(nil, "yamada@example.com")
	assert.ErrorContains(t, err, "not an address of example.co.jp")
}

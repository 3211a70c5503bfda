package apple_test

import (
	"bytes"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/apple"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/internal/testpki"
)

// pki is a root, an intermediate and a signing certificate under it.
type pki struct {
	root, inter *testpki.CA
	dir         string
	rootFile    string
	certPEM     []byte
	keyPEM      []byte
	chainPEM    []byte
}

func newPKI(t *testing.T, spec testpki.Spec) *pki {
	t.Helper()
	p := &pki{root: testpki.NewRoot(t, "mailprofile test root"), dir: t.TempDir()}
	p.inter = p.root.Intermediate(t, "mailprofile test intermediate")
	cert, key := p.inter.Issue(t, spec)
	p.certPEM = testpki.CertPEM(cert)
	p.keyPEM = testpki.KeyPEM(t, key)
	p.chainPEM = testpki.CertPEM(p.inter.Cert)
	p.rootFile = testpki.Write(t, p.dir, "root.pem", testpki.CertPEM(p.root.Cert))
	return p
}

func infoProfile(t *testing.T, opts *apple.Options) []byte {
	t.Helper()
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	p, err := site.Settings("new", sitetest.Account(t, site, "info@example.co.jp"))
	require.NoError(t, err)
	data, err := apple.Generate([]*mailprofile.Settings{p}, opts)
	require.NoError(t, err)
	return data
}

// opensslVerify runs openssl cms -verify against the test root and returns
// the content it extracts, or the error.
func opensslVerify(t *testing.T, p *pki, signed []byte) ([]byte, error) {
	t.Helper()
	openssl := spectest.Tool(t, "openssl", "openssl")
	in := testpki.Write(t, p.dir, "signed.mobileconfig", signed)
	out := filepath.Join(p.dir, "content.plist")
	os.Remove(out)
	cmd := exec.Command(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", in, "-CAfile", p.rootFile,
		"-purpose", "any", "-out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, &exec.ExitError{Stderr: stderr.Bytes()}
	}
	return os.ReadFile(out)
}

func TestSignVerifiedByOpenSSL(t *testing.T) {
	p := newPKI(t, testpki.Spec{CommonName: "setup.example-host.jp", DNSNames: []string{"setup.example-host.jp"}})
	signer, err := apple.NewSigner(p.certPEM, p.keyPEM, p.chainPEM, time.Now())
	require.NoError(t, err)
	assert.Empty(t, signer.Warning(time.Now()))

	unsigned := infoProfile(t, nil)
	signed := infoProfile(t, &apple.Options{Signer: signer})
	assert.NotEqual(t, unsigned, signed)

	content, err := opensslVerify(t, p, signed)
	require.NoError(t, err, "openssl refuses the signature: %v", err)
	assert.Equal(t, unsigned, content, "the signed content is the unsigned profile, byte for byte")

	// One changed byte of the profile inside the signature: refused.
	i := bytes.Index(signed, []byte("sv1234"))
	require.Positive(t, i)
	tampered := bytes.Clone(signed)
	tampered[i] = 'x'
	_, err = opensslVerify(t, p, tampered)
	assert.Error(t, err, "a tampered profile must not verify")

	// Another CA does not verify it.
	other := newPKI(t, testpki.Spec{CommonName: "x"})
	other.dir = p.dir
	_, err = opensslVerify(t, other, signed)
	assert.Error(t, err)
}

func TestSignerChainInCertFile(t *testing.T) {
	p := newPKI(t, testpki.Spec{CommonName: "setup.example-host.jp"})
	full := append(bytes.Clone(p.certPEM), p.chainPEM...) // a fullchain.pem
	signer, err := apple.NewSigner(full, p.keyPEM, nil, time.Now())
	require.NoError(t, err)
	signed, err := signer.Sign([]byte("<plist/>"))
	require.NoError(t, err)
	content, err := opensslVerify(t, p, signed)
	require.NoError(t, err, "the intermediate must travel in the signature")
	assert.Equal(t, "<plist/>", string(content))
}

func TestSignerRefuses(t *testing.T) {
	now := time.Now()
	good := newPKI(t, testpki.Spec{CommonName: "ok"})
	other := newPKI(t, testpki.Spec{CommonName: "other"})
	expired := newPKI(t, testpki.Spec{CommonName: "old", NotBefore: now.Add(-100 * 24 * time.Hour), NotAfter: now.Add(-10 * 24 * time.Hour)})
	future := newPKI(t, testpki.Spec{CommonName: "future", NotBefore: now.Add(24 * time.Hour)})
	soon := newPKI(t, testpki.Spec{CommonName: "soon", NotAfter: now.Add(10 * 24 * time.Hour)})

	_, err := apple.NewSigner(good.certPEM, other.keyPEM, nil, now)
	assert.ErrorIs(t, err, apple.ErrKeyMismatch)
	_, err = apple.NewSigner(expired.certPEM, expired.keyPEM, nil, now)
	assert.ErrorIs(t, err, apple.ErrSignerExpired)
	_, err = apple.NewSigner(future.certPEM, future.keyPEM, nil, now)
	assert.ErrorIs(t, err, apple.ErrSignerNotYet)
	_, err = apple.NewSigner(nil, good.keyPEM, nil, now)
	assert.ErrorIs(t, err, apple.ErrNoSignerCert)
	_, err = apple.NewSigner(good.certPEM, good.certPEM, nil, now)
	assert.ErrorIs(t, err, apple.ErrNoSignerKey)

	s, err := apple.NewSigner(soon.certPEM, soon.keyPEM, nil, now)
	require.NoError(t, err)
	assert.Contains(t, s.Warning(now), "expires on "+s.Certificate().NotAfter.Format(time.DateOnly)+" (in 9 days)")
	assert.Contains(t, s.Warning(now), "Unverified")
}

func TestRootCAPayload(t *testing.T) {
	root := testpki.NewRoot(t, "Example Private Mail CA")
	data := infoProfile(t, &apple.Options{RootCA: root.Cert})
	profile := spectest.CheckAppleProfile(t, data)
	content := profile["PayloadContent"].([]any)
	require.Len(t, content, 2)
	ca := content[1].(map[string]any)
	assert.Equal(t, "com.apple.security.root", ca["PayloadType"])
	assert.Equal(t, root.Cert.Raw, ca["PayloadContent"])
	assert.Equal(t, "Example Private Mail CA", ca["PayloadDisplayName"])
	assert.Contains(t, ca["PayloadDescription"], "Certificate Trust Settings")

	// Signed, the same profile is inside the signature.
	pk := newPKI(t, testpki.Spec{CommonName: "signer"})
	signer, err := apple.NewSigner(pk.certPEM, pk.keyPEM, pk.chainPEM, time.Now())
	require.NoError(t, err)
	signed := infoProfile(t, &apple.Options{RootCA: root.Cert, Signer: signer})
	content2, err := opensslVerify(t, pk, signed)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(content2))
}

// TestSignerOf makes a signer of parsed certificates, as serve does of its
// TLS certificate, with NewSigner's checks.
func TestSignerOf(t *testing.T) {
	root := testpki.NewRoot(t, "mailprofile test root")
	cert, key := root.Issue(t, testpki.Spec{CommonName: "setup.example.jp", DNSNames: []string{"setup.example.jp"}})
	_, other := root.Issue(t, testpki.Spec{CommonName: "other.example.jp"})
	s, err := apple.SignerOf([]*x509.Certificate{cert, root.Cert}, key, time.Now())
	require.NoError(t, err)
	assert.True(t, s.Certificate().Equal(cert))
	_, err = apple.SignerOf([]*x509.Certificate{cert}, other, time.Now())
	assert.ErrorIs(t, err, apple.ErrKeyMismatch)
	_, err = apple.SignerOf(nil, key, time.Now())
	assert.ErrorIs(t, err, apple.ErrNoSignerCert)
}

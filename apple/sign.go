package apple

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/smallstep/pkcs7"
)

// Errors of NewSigner, for errors.Is.
var (
	ErrKeyMismatch      = errors.New("apple: the signing key does not belong to the signing certificate")
	ErrSignerExpired    = errors.New("apple: the signing certificate has expired")
	ErrSignerNotYet     = errors.New("apple: the signing certificate is not valid yet")
	ErrNoSignerCert     = errors.New("apple: no certificate in the signing certificate file")
	ErrNoSignerKey      = errors.New("apple: no private key in the key file")
	ErrUnsupportedKey   = errors.New("apple: the signing key is neither RSA, ECDSA nor Ed25519")
	ErrBrokenSigningKey = errors.New("apple: the signing key cannot be read")
)

// SignerWarnDays is how close to its expiry a signing certificate makes
// Signer.Warning speak up.
const SignerWarnDays = 30

// Signer signs profiles as CMS SignedData with the profile attached, what
// iOS and macOS show as "Verified" when the certificate chains to a root
// they trust. The signature is checked against the certificate's validity
// when the profile is installed: a profile signed with a certificate that
// has since expired (such as a 90-day TLS certificate) turns "Unverified"
// on new installs, so sign again after renewing the certificate.
type Signer struct {
	cert  *x509.Certificate
	key   crypto.Signer
	chain []*x509.Certificate
}

// LoadSigner reads the PEM files of NewSigner; chainFile may be "".
func LoadSigner(certFile, keyFile, chainFile string, now time.Time) (*Signer, error) {
	read := func(name string) ([]byte, error) {
		if name == "" {
			return nil, nil
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("apple: %w", err)
		}
		return b, nil
	}
	certPEM, err := read(certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := read(keyFile)
	if err != nil {
		return nil, err
	}
	chainPEM, err := read(chainFile)
	if err != nil {
		return nil, err
	}
	return NewSigner(certPEM, keyPEM, chainPEM, now)
}

// NewSigner makes a Signer from PEM: the signer's certificate (further
// certificates after it count as its chain, as in a TLS fullchain file),
// its private key (PKCS#8, PKCS#1 or SEC 1) and, optionally, intermediate
// certificates. It refuses a key that does not belong to the certificate,
// and a certificate that is not valid at now.
func NewSigner(certPEM, keyPEM, chainPEM []byte, now time.Time) (*Signer, error) {
	certs, err := parseCertificates(certPEM)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, ErrNoSignerCert
	}
	chain, err := parseCertificates(chainPEM)
	if err != nil {
		return nil, err
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, err
	}
	return SignerOf(append(certs, chain...), key, now)
}

// SignerOf makes a Signer of parsed certificates, the signer's first and
// its chain after it (as in a tls.Certificate), and its private key, with
// the checks of NewSigner.
func SignerOf(certs []*x509.Certificate, key crypto.Signer, now time.Time) (*Signer, error) {
	if len(certs) == 0 {
		return nil, ErrNoSignerCert
	}
	s := &Signer{cert: certs[0], key: key, chain: certs[1:]}
	pub, ok := s.cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(key.Public()) {
		return nil, ErrKeyMismatch
	}
	switch {
	case now.After(s.cert.NotAfter):
		return nil, fmt.Errorf("%w (on %s)", ErrSignerExpired, s.cert.NotAfter.Format(time.DateOnly))
	case now.Before(s.cert.NotBefore):
		return nil, fmt.Errorf("%w (from %s)", ErrSignerNotYet, s.cert.NotBefore.Format(time.DateOnly))
	}
	return s, nil
}

func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return certs, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("apple: a certificate cannot be read: %w", err)
		}
		certs = append(certs, c)
	}
}

func parseKey(data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, ErrNoSignerKey
		}
		var (
			key any
			err error
		)
		switch block.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBrokenSigningKey, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, ErrUnsupportedKey
		}
		return signer, nil
	}
}

// Certificate is the signer's certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Warning says, at now, whether the certificate expires within
// SignerWarnDays days, or returns "".
func (s *Signer) Warning(now time.Time) string {
	left := s.cert.NotAfter.Sub(now)
	if left > SignerWarnDays*24*time.Hour {
		return ""
	}
	return fmt.Sprintf("the signing certificate expires on %s (in %d days): profiles installed after that show as Unverified; renew it and sign again",
		s.cert.NotAfter.Format(time.DateOnly), int(left.Hours()/24))
}

// Sign wraps profile in CMS SignedData (SHA-256), the profile attached and
// the signer's certificate and chain included.
func (s *Signer) Sign(profile []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(profile)
	if err != nil {
		return nil, fmt.Errorf("apple: signing: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(s.cert, s.key, s.chain, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("apple: signing: %w", err)
	}
	out, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("apple: signing: %w", err)
	}
	return out, nil
}

// LoadCertificate reads the first certificate of a PEM file, such as a
// private CA's certificate for Options.RootCA.
func LoadCertificate(file string) (*x509.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("apple: %w", err)
	}
	certs, err := parseCertificates(data)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("apple: %s: no PEM certificate", file)
	}
	return certs[0], nil
}

package check_test

import (
	"crypto/x509"
	"testing"

	"github.com/mailprofile/mailprofile/internal/testpki"
)

// certSpec describes a server certificate: from the test CA, or
// self-signed.
type certSpec struct {
	spec       testpki.Spec
	selfSigned bool
}

func issue(t *testing.T, ca *testpki.CA, s certSpec) ([]byte, []byte) {
	t.Helper()
	if s.selfSigned {
		own := testpki.NewRoot(t, s.spec.CommonName)
		cert, key := own.Issue(t, s.spec)
		return testpki.CertPEM(cert, own.Cert), testpki.KeyPEM(t, key)
	}
	cert, key := ca.Issue(t, s.spec)
	return testpki.CertPEM(cert), testpki.KeyPEM(t, key)
}

func pool(ca *testpki.CA) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

package main

import (
	"crypto/x509"
	"fmt"
	"io"
	"time"

	"github.com/mailprofile/mailprofile/apple"
)

// signing holds the flags that sign Apple profiles and add a CA payload,
// shared by gen and serve.
type signing struct {
	cert, key, chain, rootCA *string
}

func addSigningFlags(f *flags) *signing {
	return &signing{
		cert:   f.String("sign-cert", "", "sign Apple profiles with this certificate `file` (PEM; may hold the chain after it)"),
		key:    f.String("sign-key", "", "the private key `file` of --sign-cert (PEM)"),
		chain:  f.String("sign-chain", "", "intermediate certificates `file` (PEM) to include in the signature"),
		rootCA: f.String("root-ca", "", "add this CA certificate `file` (PEM) to Apple profiles, for servers on a private CA"),
	}
}

// check reports an impossible combination of flags, for a usage error.
func (s *signing) check() string {
	if (*s.cert == "") != (*s.key == "") {
		return "--sign-cert and --sign-key go together"
	}
	if *s.chain != "" && *s.cert == "" {
		return "--sign-chain needs --sign-cert and --sign-key"
	}
	return ""
}

// load reads the files, printing a warning when the signer expires soon.
func (s *signing) load(stderr io.Writer) (*apple.Signer, *x509.Certificate, error) {
	var (
		signer *apple.Signer
		root   *x509.Certificate
		err    error
	)
	if *s.cert != "" {
		now := time.Now()
		if signer, err = apple.LoadSigner(*s.cert, *s.key, *s.chain, now); err != nil {
			return nil, nil, err
		}
		if w := signer.Warning(now); w != "" {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
	}
	if *s.rootCA != "" {
		if root, err = apple.LoadCertificate(*s.rootCA); err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(stderr, "note: the profiles carry a CA certificate; on iPhone and iPad people must also turn on full trust for it (Settings → General → About → Certificate Trust Settings)")
	}
	return signer, root, nil
}

package mailprofile

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// toASCII converts a host or domain name to its lower-case ASCII form,
// following IDNA2008 with the UTS #46 lookup mapping, so that 例え.jp and
// xn--r8jz45g.jp are the same name.
func toASCII(name string) (string, error) {
	name = strings.TrimSuffix(strings.TrimSpace(name), ".")
	if name == "" {
		return "", errors.New("is empty")
	}
	ascii, err := idna.Lookup.ToASCII(name)
	if err != nil {
		return "", fmt.Errorf("%q is not a valid host name", clipped(name))
	}
	if len(ascii) > 253 {
		return "", fmt.Errorf("%q is longer than 253 characters", clipped(name))
	}
	for _, label := range strings.Split(ascii, ".") {
		if !validLabel(label) {
			return "", fmt.Errorf("%q is not a valid host name", clipped(name))
		}
	}
	return ascii, nil
}

// validLabel reports whether label is a letters-digits-hyphen DNS label.
func validLabel(label string) bool {
	if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
		return false
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// normalizeDomain converts a mail domain to ASCII form. A mail domain has at
// least two labels and is not an IP address.
func normalizeDomain(domain string) (string, error) {
	if d, ok := asciiDomain(domain); ok {
		return d, nil
	}
	if _, err := netip.ParseAddr(strings.Trim(domain, "[]")); err == nil {
		return "", fmt.Errorf("%q is an IP address, not a mail domain", clipped(domain))
	}
	ascii, err := toASCII(domain)
	if err != nil {
		return "", err
	}
	if !strings.Contains(ascii, ".") {
		return "", fmt.Errorf("%q is not a mail domain (it has no dot)", clipped(domain))
	}
	return ascii, nil
}

// unicodeDomain returns the Unicode form of an ASCII domain for display, or
// the domain itself when it has none.
func unicodeDomain(domain string) string {
	if !strings.Contains(domain, "xn--") {
		return domain // no A-label: the Unicode form is the same
	}
	u, err := idna.Display.ToUnicode(domain)
	if err != nil {
		return domain
	}
	return u
}

// normalizeHost returns a server host in the form clients are given: an IP
// address in its canonical text (IPv6 without brackets), or a host name in
// ASCII form.
func normalizeHost(host string) (string, error) {
	host = strings.TrimSpace(host)
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")); err == nil {
		if ip.Zone() != "" {
			return "", fmt.Errorf("%q has an IPv6 zone, which only works on one machine", clipped(host))
		}
		return ip.String(), nil
	}
	if strings.ContainsAny(host, ":/[]") {
		return "", fmt.Errorf("%q is not a host name or IP address (give the port in port:)", clipped(host))
	}
	return toASCII(host)
}

// IsIP reports whether host is an IP address rather than a host name.
func IsIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}

// ParseAddress checks an email address and returns it with the domain in
// ASCII form and lower case: "info@例え.jp" gives "info@xn--r8jz45g.jp". The
// local part is kept as written. The rules are those of the description's
// accounts.
func ParseAddress(addr string) (string, error) { return normalizeAddress(addr) }

// normalizeAddress checks an email address and returns it with the domain in
// ASCII form. The local part must be a dot-atom of ASCII characters
// (RFC 5322); quoted local parts and internationalised local parts are not
// accepted, because few servers and clients handle them.
func normalizeAddress(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", fmt.Errorf("%q is not an email address (no @)", clipped(addr))
	}
	local, domain := addr[:at], addr[at+1:]
	if err := checkLocalPart(local); err != nil {
		return "", fmt.Errorf("%q is not an email address (%v)", clipped(addr), err)
	}
	d, err := normalizeDomain(domain)
	if err != nil {
		return "", fmt.Errorf("%q is not an email address (domain %v)", clipped(addr), err)
	}
	if d == domain {
		return addr, nil // already normal: no copy
	}
	return local + "@" + d, nil
}

func checkLocalPart(local string) error {
	switch {
	case local == "":
		return errors.New("nothing before the @")
	case len(local) > 64:
		return errors.New("more than 64 characters before the @")
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return errors.New("a dot at the start, at the end or twice in a row")
	}
	for _, r := range local {
		if !isAtext(r) && r != '.' {
			return fmt.Errorf("%q is not allowed before the @", r)
		}
	}
	return nil
}

// isAtext reports whether r is an RFC 5322 atext character.
func isAtext(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// localPart and domainPart split a normalised address.
func localPart(addr string) string {
	return addr[:strings.LastIndexByte(addr, '@')]
}

func domainPart(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

// UnicodeAddress returns addr with its domain in Unicode form, for people.
func UnicodeAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	return addr[:at+1] + unicodeDomain(addr[at+1:])
}

// asciiDomain is the fast path of normalizeDomain for a name that is already
// a lower- or upper-case ASCII domain: it needs no IDNA mapping.
func asciiDomain(domain string) (string, bool) {
	if len(domain) == 0 || len(domain) > 253 {
		return "", false
	}
	upper, allDigits := false, true
	dots, labelStart := 0, 0
	for i := 0; i <= len(domain); i++ {
		if i == len(domain) || domain[i] == '.' {
			label := domain[labelStart:i]
			if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
				return "", false
			}
			if len(label) >= 4 && label[2] == '-' && label[3] == '-' {
				return "", false // A-labels (xn--) go through IDNA, which checks them
			}
			if i < len(domain) {
				dots++
			}
			labelStart = i + 1
			continue
		}
		switch c := domain[i]; {
		case 'a' <= c && c <= 'z', c == '-':
			allDigits = false
		case '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			upper, allDigits = true, false
		default:
			return "", false
		}
	}
	if dots == 0 || allDigits { // allDigits: an IPv4 address
		return "", false
	}
	if upper {
		domain = strings.ToLower(domain)
	}
	return domain, true
}

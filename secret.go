package mailprofile

import "log/slog"

// Secret is a password. It prints as "[redacted]" with every fmt verb and in
// log/slog, so that a password put in a log line by mistake does not leak;
// call Reveal to get the text.
type Secret struct{ s string }

// NewSecret wraps a password.
func NewSecret(s string) Secret { return Secret{s} }

// Reveal returns the password itself.
func (s Secret) Reveal() string { return s.s }

// IsZero reports whether there is no password.
func (s Secret) IsZero() bool { return s.s == "" }

// String returns "[redacted]", or "" when there is no password.
func (s Secret) String() string {
	if s.s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString is String, so that %#v does not print the password either.
func (s Secret) GoString() string { return s.String() }

// LogValue keeps the password out of log/slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps the password out of encoders that use it (JSON, XML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Package spectest checks generated files against the formats' own schemas
// in ../shared/specs (Apple's device-management YAML, the clientConfig
// RELAX NG) for the tests of the generator packages. A test that needs them
// is skipped, saying why, when ../shared is absent; tools such as xmllint
// are required when the environment variable CI is set and skipped
// otherwise.
package spectest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	"howett.net/plist"
)

// SharedDir returns the path of ../shared beside the repository, or skips t.
func SharedDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir := filepath.Join(root, "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "specs")); err != nil {
		t.Skipf("skipping: the format specifications are not at %s (they come with the shared folder beside the repository)", dir)
	}
	return dir
}

// Tool returns the path of a command, or skips t when it is missing and CI
// is not set (in CI a missing tool fails the test: .ci/run installs it).
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (Debian package %s; .ci/run installs it)", name, pkg)
		}
		t.Skipf("skipping: %s is not installed (apt-get install %s)", name, pkg)
	}
	return path
}

// ValidateClientConfig validates a Thunderbird clientConfig document with
// xmllint against the RELAX NG schema of the autoconfig draft.
func ValidateClientConfig(t testing.TB, doc []byte) {
	t.Helper()
	rng := filepath.Join(SharedDir(t), "specs", "autoconfig", "autoconfig.rng")
	xmllint := Tool(t, "xmllint", "libxml2-utils")
	f := filepath.Join(t.TempDir(), "config.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--relaxng", rng, f).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint --relaxng autoconfig.rng rejects the file: %v\n%s\n%s", err, out, doc)
	}
}

// payloadKey is one key of Apple's schema (docs/schema.md).
type payloadKey struct {
	Key       string       `yaml:"key"`
	Type      string       `yaml:"type"`
	Presence  string       `yaml:"presence"`
	RangeList []any        `yaml:"rangelist"`
	SubKeys   []payloadKey `yaml:"subkeys"`
}

type payloadSchema struct {
	Payload struct {
		PayloadType string `yaml:"payloadtype"`
	} `yaml:"payload"`
	PayloadKeys []payloadKey `yaml:"payloadkeys"`
}

func loadSchema(t testing.TB, name string) payloadSchema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(SharedDir(t), "specs", "apple", name))
	if err != nil {
		t.Fatal(err)
	}
	var s payloadSchema
	if err := yaml.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// CheckAppleProfile checks a .mobileconfig key by key against Apple's
// schema: the top level against TopLevel.yaml, each payload against its
// payload type's file plus CommonPayloadKeys.yaml. Every required key must
// be present, every key known, every value of the declared type and, where
// the schema lists values, one of them. It returns the decoded profile.
func CheckAppleProfile(t testing.TB, data []byte) map[string]any {
	t.Helper()
	var profile map[string]any
	format, err := plist.Unmarshal(data, &profile)
	if err != nil {
		t.Fatalf("not a property list: %v", err)
	}
	if format != plist.XMLFormat {
		t.Errorf("property list format %s, want XML", plist.FormatNames[format])
	}
	top := loadSchema(t, "TopLevel.yaml")
	common := loadSchema(t, "CommonPayloadKeys.yaml")
	for _, p := range checkDict(profile, top.PayloadKeys, "profile") {
		t.Error(p)
	}
	content, _ := profile["PayloadContent"].([]any)
	for i, item := range content {
		payload, ok := item.(map[string]any)
		if !ok {
			t.Errorf("PayloadContent[%d] is %T, not a dictionary", i, item)
			continue
		}
		typ, _ := payload["PayloadType"].(string)
		file := typ + ".yaml"
		if _, err := os.Stat(filepath.Join(SharedDir(t), "specs", "apple", file)); err != nil {
			t.Errorf("PayloadContent[%d]: no schema for payload type %q", i, typ)
			continue
		}
		schema := loadSchema(t, file)
		if schema.Payload.PayloadType != typ {
			t.Errorf("%s describes %q, not %q", file, schema.Payload.PayloadType, typ)
		}
		keys := append(slices.Clone(common.PayloadKeys), schema.PayloadKeys...)
		for _, p := range checkDict(payload, keys, fmt.Sprintf("PayloadContent[%d] (%s)", i, typ)) {
			t.Error(p)
		}
	}
	return profile
}

// checkDict returns the problems of dict against keys.
func checkDict(dict map[string]any, keys []payloadKey, where string) []string {
	var problems []string
	known := make(map[string]payloadKey)
	for _, k := range keys {
		if _, dup := known[k.Key]; !dup {
			known[k.Key] = k
		}
		if k.Presence == "required" {
			if _, ok := dict[k.Key]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required key %s is missing", where, k.Key))
			}
		}
	}
	names := make([]string, 0, len(dict))
	for name := range dict {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := dict[name]
		k, ok := known[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: key %s is not in Apple's schema", where, name))
			continue
		}
		if got := plistType(v); k.Type != "<any>" && got != k.Type {
			problems = append(problems, fmt.Sprintf("%s: %s is %s, the schema says %s", where, name, got, k.Type))
			continue
		}
		if len(k.RangeList) > 0 && !inRange(v, k.RangeList) {
			problems = append(problems, fmt.Sprintf("%s: %s is %v, not one of %v", where, name, v, k.RangeList))
		}
	}
	return problems
}

func plistType(v any) string {
	switch v.(type) {
	case string:
		return "<string>"
	case uint64, int64, int:
		return "<integer>"
	case bool:
		return "<boolean>"
	case float64, float32:
		return "<real>"
	case []byte:
		return "<data>"
	case time.Time:
		return "<date>"
	case []any:
		return "<array>"
	case map[string]any:
		return "<dictionary>"
	}
	return fmt.Sprintf("%T", v)
}

func inRange(v any, list []any) bool {
	s := fmt.Sprint(v)
	for _, allowed := range list {
		if fmt.Sprint(allowed) == s {
			return true
		}
	}
	return false
}

// NoBOM fails t when doc starts with a UTF-8 byte order mark, which the
// Thunderbird ISPDB rejects.
func NoBOM(t testing.TB, doc []byte) {
	t.Helper()
	if bytes.HasPrefix(doc, []byte("\xef\xbb\xbf")) {
		t.Error("the file starts with a UTF-8 byte order mark")
	}
	if !strings.HasPrefix(string(doc), "<?xml") {
		t.Error("the file does not start with an XML declaration")
	}
}

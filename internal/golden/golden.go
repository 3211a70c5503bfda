// Package golden compares generated output with files kept under testdata.
// Run the tests with -update to rewrite the files from the current output;
// review the diff before committing it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata from the current output")

// Check compares got with the golden file at path (relative to the test's
// package folder), or rewrites the file when -update is given.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Cases are the descriptions every generator is tested on, relative to a
// generator package's folder: the bundled examples and the hard cases
// under the root testdata folder.
var Cases = []string{
	"../examples/migration.yaml",
	"../examples/migration-csv.yaml",
	"../examples/single.yaml",
	"../testdata/escaping.yaml",
	"../testdata/phased.yaml",
	"../testdata/alternatives.yaml",
}

// Name is the case name of a description path: its file name without
// extension.
func Name(path string) string {
	base := filepath.Base(path)
	return base[:len(base)-len(filepath.Ext(base))]
}

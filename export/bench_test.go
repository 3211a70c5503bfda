package export_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/export"
)

// benchSite is the migration example with n accounts.
func benchSite(b *testing.B, n int) *mailprofile.Site {
	b.Helper()
	site, err := mailprofile.Load("../examples/migration.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("address,name,username.old\n")
	for i := range n {
		fmt.Fprintf(&csv, "user%06d@example.co.jp,社員 %d 号,user%06d\n", i, i, i)
	}
	accts, err := mailprofile.ReadAccounts("bench.csv", strings.NewReader(csv.String()))
	if err != nil {
		b.Fatal(err)
	}
	site.Accounts = accts
	if err := site.Validate(); err != nil {
		b.Fatal(err)
	}
	return site
}

// BenchmarkGenerate makes every file for 10,000 accounts without writing
// them: the generators' own speed.
func BenchmarkGenerate(b *testing.B) {
	site := benchSite(b, 10000)
	plan, err := export.NewPlan(site, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	files := 0
	for b.Loop() {
		err := plan.Each(func(export.File) error { files++; return nil }, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(files)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkWriteDir makes and writes every file for 10,000 accounts into a
// temporary folder; the figure depends on the file system.
func BenchmarkWriteDir(b *testing.B) {
	site := benchSite(b, 10000)
	plan, err := export.NewPlan(site, nil)
	if err != nil {
		b.Fatal(err)
	}
	files := 0
	for b.Loop() {
		sum, err := plan.WriteDir(context.Background(), b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		files += sum.Files
	}
	b.ReportMetric(float64(files)/b.Elapsed().Seconds(), "files/s")
}

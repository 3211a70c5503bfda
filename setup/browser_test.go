package setup_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/autoconfig"
	"github.com/mailprofile/mailprofile/export"
	"github.com/mailprofile/mailprofile/internal/golden"
	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/internal/spectest"
	"github.com/mailprofile/mailprofile/setup"
)

// browser starts Debian's Chromium, headless, for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := spectest.Tool(t, "chromium", "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// genProfile is what `mailprofile gen` writes as addr's Apple profile.
func genProfile(t *testing.T, site *mailprofile.Site, addr string) []byte {
	t.Helper()
	plan, err := export.NewPlan(site, &export.Options{Accounts: []string{addr}, Formats: []export.Format{export.FormatApple}})
	require.NoError(t, err)
	var data []byte
	require.NoError(t, plan.Each(func(f export.File) error { data = f.Data; return nil }, nil))
	return data
}

func TestServedPageInBrowser(t *testing.T) {
	ctx := browser(t)
	site := load(t, "testdata/browser.yaml")
	// The service is reached at the test server's address: its base_url.
	var h *autoconfig.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	site.BaseURL = srv.URL
	h, err := autoconfig.New([]*mailprofile.Site{site}, nil)
	require.NoError(t, err)

	tests := []struct {
		acceptLanguage, wantLang string
		addr                     string
		texts                    []string
	}{
		{"ja,en-US;q=0.8", "ja", "guest@example.co.jp", []string{
			"guest@example.co.jp のメール設定", "新しいサーバー（新サーバー）へ移行", "2026-12-19 まで",
			"sv1234.example-host.jp", "993", "587", "STARTTLS", "SSL/TLS", "203.0.113.10", "guest",
		}},
		{"en-GB,en;q=0.9", "en", "legacy@example.co.jp", []string{
			"Mail settings for legacy@example.co.jp", "For 山田 太郎", "Your mail is moving to a new server (新サーバー).",
			"yamada-new", "sv1234.example-host.jp", "203.0.113.10", "legacy",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.wantLang, func(t *testing.T) {
			headers(t, ctx, tt.acceptLanguage)
			require.NoError(t, chromedp.Do(ctx,
				chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
				chromedp.Navigate(srv.URL+"/setup/"+tt.addr)))
			lang := run(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value
			text := run(t, ctx, chromedp.Text(chromedp.CSS("main")))
			href := run(t, ctx, chromedp.AttributeValue(chromedp.CSS("#install"), "href")).Value
			fits := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
			shot := run(t, ctx, chromedp.FullScreenshot(100))
			qr := run(t, ctx, chromedp.Screenshot(chromedp.CSS("#qr svg"), chromedp.NodeVisible))
			fetched := run(t, ctx, chromedp.Evaluate[map[string]string](`fetch(document.getElementById("install").href).then(async r => ({
				type: r.headers.get("content-type"), body: await r.text()}))`, chromedp.EvalAwaitPromise))
			switchURL := run(t, ctx, chromedp.AttributeValue(chromedp.CSS("a.switch"), "href")).Value

			assert.Equal(t, tt.wantLang, lang)
			for _, s := range tt.texts {
				assert.Contains(t, text, s)
			}
			assert.True(t, fits, "the page scrolls sideways at 390 px")
			require.NoError(t, os.WriteFile(filepath.Join(shotDir(t), "page-"+tt.wantLang+".png"), shot, 0o644))

			// The button downloads the profile that gen writes.
			assert.Equal(t, srv.URL+"/apple/"+tt.addr+".mobileconfig", href)
			assert.Equal(t, "application/x-apple-aspen-config", fetched["type"])
			assert.Equal(t, string(genProfile(t, site, tt.addr)), fetched["body"])

			// The QR code, read by a real decoder, is the same URL.
			qrFile := filepath.Join(t.TempDir(), "qr.png")
			require.NoError(t, os.WriteFile(qrFile, qr, 0o644))
			zbar := spectest.Tool(t, "zbarimg", "zbar-tools")
			out, err := exec.Command(zbar, "--raw", "-q", qrFile).Output()
			require.NoError(t, err, "zbarimg found no code")
			assert.Equal(t, href, strings.TrimSpace(string(out)))

			// The switch leads to the other language.
			other := map[string]string{"ja": "en", "en": "ja"}[tt.wantLang]
			assert.Contains(t, switchURL, "lang="+other)
			headers(t, ctx, "")
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+switchURL)))
			assert.Equal(t, other, run(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value)
		})
	}

	t.Run("ask", func(t *testing.T) {
		headers(t, ctx, "en")
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")))
		assert.Equal(t, "en", run(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value)
		require.NoError(t, chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#email"), "guest@example.co.jp"),
			chromedp.Submit(chromedp.CSS("#email")),
			chromedp.WaitVisible(chromedp.CSS("#install"))))
		assert.Contains(t, run(t, ctx, chromedp.Location()), "/setup?email=guest%40example.co.jp")
	})
}

// run runs one action in the browser and returns its result.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// headers makes the browser send Accept-Language: lang ("" for none).
func headers(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		h := network.Headers{}
		if lang != "" {
			h["Accept-Language"] = lang
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h})
		return err
	})))
}

// shotDir is where screenshots go: MAILPROFILE_SCREENSHOTS to keep them.
func shotDir(t *testing.T) string {
	if d := os.Getenv("MAILPROFILE_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// TestSheetsPrintOnOnePage prints every sheet of the examples with
// Chromium and counts the pages with pdfinfo.
func TestSheetsPrintOnOnePage(t *testing.T) {
	ctx := browser(t)
	pdfinfo := spectest.Tool(t, "pdfinfo", "poppler-utils")
	pagesRE := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)
	for _, c := range []string{"../examples/migration.yaml", "../examples/single.yaml", "../testdata/escaping.yaml"} {
		for _, lang := range []string{"ja", "en"} {
			site := load(t, c)
			dir := t.TempDir()
			_, err := setup.WriteSheets(context.Background(), dir, site, &setup.Options{Lang: lang, BaseURL: "https://setup.example-host.jp"}, nil)
			require.NoError(t, err)
			for _, a := range sitetest.All(t, site) {
				file := filepath.Join(dir, export.SafeName(a.Address)+".html")
				fileURL := (&url.URL{Scheme: "file", Path: file}).String() // escapes the % of SafeName
				require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(fileURL)))
				pdf := run(t, ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
				pdfFile := filepath.Join(dir, "sheet.pdf")
				require.NoError(t, os.WriteFile(pdfFile, pdf, 0o644))
				out, err := exec.Command(pdfinfo, pdfFile).Output()
				require.NoError(t, err)
				m := pagesRE.FindSubmatch(out)
				require.NotNil(t, m, "%s", out)
				assert.Equal(t, "1", string(m[1]), fmt.Sprintf("%s %s %s prints on %s pages", golden.Name(c), lang, a.Address, m[1]))
			}
		}
	}
}

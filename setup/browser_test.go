package setup_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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
	"github.com/mailprofile/mailprofile/thunderbirdmobile"
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
			mobileQR := run(t, ctx, chromedp.Screenshot(chromedp.CSS("#mobileqr svg"), chromedp.NodeVisible))
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

			// The Thunderbird code is the account, as the app reads it.
			require.NoError(t, os.WriteFile(qrFile, mobileQR, 0o644))
			out, err = exec.Command(zbar, "--raw", "-q", qrFile).Output()
			require.NoError(t, err, "zbarimg found no Thunderbird code")
			a, err := site.Account(tt.addr)
			require.NoError(t, err)
			st, err := site.Settings("", a)
			require.NoError(t, err)
			checkMobileAccount(t, spectest.ReadMobileQR(t, bytes.TrimSpace(out)), st, tt.wantLang)

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

// printer prints pages with Chromium and reads the result back with
// poppler's tools and zbarimg, as a person holding the paper would.
type printer struct {
	ctx                       context.Context
	pdfinfo, pdftotext, topng string
	zbarimg                   string
}

func newPrinter(t *testing.T) *printer {
	return &printer{
		ctx:       browser(t),
		pdfinfo:   spectest.Tool(t, "pdfinfo", "poppler-utils"),
		pdftotext: spectest.Tool(t, "pdftotext", "poppler-utils"),
		topng:     spectest.Tool(t, "pdftoppm", "poppler-utils"),
		zbarimg:   spectest.Tool(t, "zbarimg", "zbar-tools"),
	}
}

// print prints the HTML file on A4 and returns the PDF's file name.
func (p *printer) print(t *testing.T, file string) string {
	t.Helper()
	fileURL := (&url.URL{Scheme: "file", Path: file}).String() // escapes the % of SafeName
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(fileURL)))
	pdf := run(t, p.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	out := filepath.Join(t.TempDir(), "print.pdf")
	require.NoError(t, os.WriteFile(out, pdf, 0o644))
	return out
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// pages counts the pages of a PDF.
func (p *printer) pages(t *testing.T, pdf string) int {
	t.Helper()
	out, err := exec.Command(p.pdfinfo, pdf).Output()
	require.NoError(t, err)
	m := pagesRE.FindSubmatch(out)
	require.NotNil(t, m, "%s", out)
	n, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	return n
}

// text is the text of a PDF, as printed.
func (p *printer) text(t *testing.T, pdf string) string {
	t.Helper()
	out, err := exec.Command(p.pdftotext, "-enc", "UTF-8", pdf, "-").Output()
	require.NoError(t, err)
	return string(out)
}

// scanDPI is the resolution the QR codes of a printed page must be read
// at: a third of what an office printer prints, and less than a phone's
// camera sees of an A4 sheet held in front of it.
const scanDPI = 150

// scan renders the first page of a PDF at scanDPI and returns every QR
// code zbarimg reads on it, and the image.
func (p *printer) scan(t *testing.T, pdf string) ([]string, string) {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	require.NoError(t, exec.Command(p.topng, "-r", strconv.Itoa(scanDPI), "-f", "1", "-l", "1", "-singlefile", "-png", pdf, prefix).Run())
	png := prefix + ".png"
	out, err := exec.Command(p.zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png).Output()
	require.NoError(t, err, "zbarimg read no code at %d dpi", scanDPI)
	return strings.Split(strings.TrimSpace(string(out)), "\n"), png
}

// printedWords are what printed text must not say: nothing is tapped on
// paper, and nothing is above or below where a printed column may put it.
var printedWords = regexp.MustCompile(`(?i)\btap\b|タップ|\bbelow\b|\babove\b|下記|下の|上の|以下の|以上の`)

// orAfterNothing is a sentence that starts with "or": on paper it follows
// no button.
var orAfterNothing = regexp.MustCompile(`(?m)(^|[.!?。]\s*)(Or\b|または)`)

// TestPrintedSheets prints every sheet of the examples with Chromium, in
// both languages: each is one A4 page; both QR codes on it read back, at
// the printed size, as the profile's address and as the Thunderbird
// account the spec describes; and the text reads as printed text.
func TestPrintedSheets(t *testing.T) {
	p := newPrinter(t)

	// The checks of the text find what they look for: a page for the
	// screen asks to tap its button, after which a sentence starts with
	// "or".
	screen := filepath.Join(t.TempDir(), "screen.html")
	var page bytes.Buffer
	site := load(t, "../examples/migration.yaml")
	require.NoError(t, setup.Page(&page, site, sitetest.Account(t, site, "info@example.co.jp"), &setup.Options{Lang: "en"}))
	require.NoError(t, os.WriteFile(screen, page.Bytes(), 0o644))
	text := p.text(t, p.print(t, screen))
	assert.NotEmpty(t, printedWords.FindAllString(text, -1))
	assert.NotEmpty(t, orAfterNothing.FindAllString(text, -1))

	for _, c := range []string{"../examples/migration.yaml", "../examples/single.yaml", "../testdata/escaping.yaml"} {
		for _, lang := range []string{"ja", "en"} {
			site := load(t, c)
			dir := t.TempDir()
			_, err := setup.WriteSheets(context.Background(), dir, site, &setup.Options{Lang: lang, BaseURL: "https://setup.example-host.jp"}, nil)
			require.NoError(t, err)
			for i, a := range sitetest.All(t, site) {
				what := fmt.Sprintf("%s %s %s", golden.Name(c), lang, a.Address)
				pdf := p.print(t, filepath.Join(dir, export.SafeName(a.Address)+".html"))
				assert.Equal(t, 1, p.pages(t, pdf), "%s prints on one page", what)

				codes, png := p.scan(t, pdf)
				st, err := site.Settings("", a)
				require.NoError(t, err)
				want, err := thunderbirdmobile.Generate(st, &thunderbirdmobile.Options{
					AccountName: mailprofile.UnicodeAddress(a.Address) + " — " + st.Set.LabelIn(lang)})
				require.NoError(t, err)
				assert.ElementsMatch(t, []string{"https://setup.example-host.jp/apple/" + url.PathEscape(a.Address) + ".mobileconfig", string(want)}, codes, what)
				for _, code := range codes {
					if strings.HasPrefix(code, "[") {
						checkMobileAccount(t, spectest.ReadMobileQR(t, []byte(code)), st, lang)
					}
				}
				if i == 0 {
					copyFile(t, png, filepath.Join(shotDir(t), "sheet-"+golden.Name(c)+"-"+lang+".png"))
				}

				text := p.text(t, pdf)
				assert.Empty(t, printedWords.FindAllString(text, -1), "%s: words for a screen on paper", what)
				assert.Empty(t, orAfterNothing.FindAllString(text, -1), "%s: a sentence that starts with “or”", what)
			}
		}
	}
}

// checkMobileAccount checks the account read from a Thunderbird QR code
// against the settings it was made from.
func checkMobileAccount(t *testing.T, got spectest.MobileAccount, st *mailprofile.Settings, lang string) {
	t.Helper()
	in, out := st.Incoming[0], st.Outgoing[0]
	protocols := map[mailprofile.Protocol]int{mailprofile.ProtocolIMAP: 0, mailprofile.ProtocolPOP3: 1}
	securities := map[mailprofile.Security]int{mailprofile.SecurityNone: 0, mailprofile.SecurityStartTLS: 2, mailprofile.SecurityTLS: 3}
	auths := map[mailprofile.Auth]int{mailprofile.AuthNone: 0, mailprofile.AuthPasswordCleartext: 1, mailprofile.AuthPasswordEncrypted: 2, mailprofile.AuthOAuth2: 6}
	assert.Equal(t, spectest.MobileAccount{
		Protocol: protocols[in.Protocol], Host: in.Host, Port: in.Port, Security: securities[in.Security], Auth: auths[in.Auth],
		Username: in.Username, AccountName: mailprofile.UnicodeAddress(st.Address()) + " — " + st.Set.LabelIn(lang),
		OutProtocol: 0, OutHost: out.Host, OutPort: out.Port, OutSecurity: securities[out.Security], OutAuth: auths[out.Auth],
		OutUsername: out.Username, Identity: st.Address(), IdentityName: strings.Join(strings.Fields(st.Name()), " "),
	}, got)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, data, 0o644))
}

// TestLongestCodeScans prints the sheet of a person whose Thunderbird code
// is as long as thunderbirdmobile writes, and reads it at the printed size.
func TestLongestCodeScans(t *testing.T) {
	p := newPrinter(t)
	site := load(t, "../examples/migration.yaml")
	a := &mailprofile.Account{Address: "sato@example.co.jp"}
	var longest []byte
	for n := 1; ; n++ {
		a.Name = strings.Repeat("x", n)
		st, err := site.Settings("", a)
		require.NoError(t, err)
		payload, err := thunderbirdmobile.Generate(st, &thunderbirdmobile.Options{AccountName: "sato@example.co.jp — new server"})
		if err != nil {
			break
		}
		longest = payload
	}
	a.Name = a.Name[1:]
	require.Greater(t, len(longest), thunderbirdmobile.MaxPayload-8)

	file := filepath.Join(t.TempDir(), "sheet.html")
	f, err := os.Create(file)
	require.NoError(t, err)
	require.NoError(t, setup.Page(f, site, a, &setup.Options{Lang: "en", Printed: true}))
	require.NoError(t, f.Close())
	pdf := p.print(t, file)
	assert.Equal(t, 1, p.pages(t, pdf))
	codes, _ := p.scan(t, pdf)
	assert.Contains(t, codes, string(longest), "a %d-byte code reads at %d dpi", len(longest), scanDPI)
}

// TestCombinedPrint prints the sheets of two domains as one document:
// one page per person, in order, the ids of each sheet its own.
func TestCombinedPrint(t *testing.T) {
	p := newPrinter(t)
	sites := []*mailprofile.Site{load(t, "../examples/migration.yaml"), load(t, "../testdata/escaping.yaml")}
	people := len(sitetest.All(t, sites[0])) + len(sitetest.All(t, sites[1]))
	for _, lang := range []string{"ja", "en"} {
		var buf bytes.Buffer
		n, err := setup.WriteCombined(context.Background(), &buf, sites, &setup.Options{Lang: lang, BaseURL: "https://setup.example-host.jp"}, nil)
		require.NoError(t, err)
		assert.Equal(t, people, n)
		ids := regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(buf.String(), -1)
		seen := map[string]bool{}
		for _, id := range ids {
			assert.False(t, seen[id[1]], "id %q twice", id[1])
			seen[id[1]] = true
		}
		for _, ref := range regexp.MustCompile(` aria-labelledby="([^"]+)"`).FindAllStringSubmatch(buf.String(), -1) {
			assert.True(t, seen[ref[1]], "aria-labelledby %q names no id of the document", ref[1])
		}
		file := filepath.Join(t.TempDir(), "all.html")
		require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
		pdf := p.print(t, file)
		assert.Equal(t, people, p.pages(t, pdf), "one page per person")
		text := p.text(t, pdf)
		pages := strings.Split(text, "\f")
		i := 0
		for si, site := range sites {
			for _, a := range sitetest.All(t, site) {
				// pdftotext may cut a line where the font changes: the
				// local part stands for the address.
				local, _, _ := strings.Cut(a.Address, "@")
				assert.Contains(t, pages[i], local+"@", "page %d", i+1)
				if si == 0 && lang == "en" {
					assert.NotRegexp(t, "新サーバー|旧サーバー", pages[i], "the English sheets have the English labels")
				}
				i++
			}
		}
	}
}

package setup_test

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile/internal/sitetest"
	"github.com/mailprofile/mailprofile/setup"
)

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestAccessible checks what can be checked without a person: text
// colours meet WCAG AA contrast (4.5:1) on the backgrounds they are used
// on, the address field has a label, and the page has one h1 and h2
// sections, each labelled.
func TestAccessible(t *testing.T) {
	site := load(t, "../examples/migration.yaml")
	var page bytes.Buffer
	require.NoError(t, setup.Page(&page, site, sitetest.Account(t, site, "info@example.co.jp"), &setup.Options{Lang: "ja"}))
	html := page.String()
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--(\w+): (#[0-9a-f]{6})`).FindAllStringSubmatch(html, -1) {
		vars[m[1]] = m[2]
	}
	require.Len(t, vars, 5, "the colours of the page")
	for _, pair := range [][2]string{
		{vars["fg"], "#ffffff"}, {vars["muted"], "#ffffff"}, {vars["accent"], "#ffffff"},
		{"#ffffff", vars["accent"]}, // the button
		{vars["fg"], vars["note"]}, {vars["muted"], vars["note"]},
	} {
		assert.GreaterOrEqual(t, contrast(pair[0], pair[1]), 4.5, "%s on %s", pair[0], pair[1])
	}
	assert.Equal(t, 1, bytes.Count(page.Bytes(), []byte("<h1>")))
	sections := regexp.MustCompile(`<section[^>]*aria-labelledby="(\w+)"`).FindAllStringSubmatch(html, -1)
	assert.GreaterOrEqual(t, len(sections), 6)
	for _, s := range sections {
		assert.Contains(t, html, `<h2 id="`+s[1]+`">`)
	}

	page.Reset()
	require.NoError(t, setup.Ask(&page, "/setup", &setup.Options{Lang: "en"}))
	assert.Contains(t, page.String(), `<label for="email">`)
	assert.Contains(t, page.String(), `<input type="email" id="email"`)
}

package setup

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// qrSVG draws text as a QR code in SVG, one path of dark modules with the
// standard quiet zone, sharp at any size and in print.
func qrSVG(text, label string) (template.HTML, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", err
	}
	bits := q.Bitmap() // with the quiet zone
	n := len(bits)
	var path strings.Builder
	for y, row := range bits {
		for x := 0; x < n; x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < n && row[x+run] {
				run++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run - 1
		}
	}
	return template.HTML(fmt.Sprintf( // the path is digits and letters only
		`<svg class="qr" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		template.HTMLEscapeString(label), n, n, n, n, path.String())), nil
}

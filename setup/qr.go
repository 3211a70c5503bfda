package setup

import (
	"fmt"
	"html/template"
	"strconv"

	"rsc.io/qr"
)

// quietZone is the white margin around a QR code, in modules, that the
// standard asks for.
const quietZone = 4

// qrSVG draws text as a QR code in SVG, one path of dark modules with the
// standard quiet zone, sharp at any size and in print.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	n := code.Size + 2*quietZone
	// Each run of dark modules in a row is one rectangle: "M x y h w v1 h-w z".
	var path []byte
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if !code.Black(x, y) {
				continue
			}
			run := 1
			for code.Black(x+run, y) {
				run++
			}
			path = append(path, 'M')
			path = strconv.AppendInt(path, int64(x+quietZone), 10)
			path = append(path, ' ')
			path = strconv.AppendInt(path, int64(y+quietZone), 10)
			path = append(path, 'h')
			path = strconv.AppendInt(path, int64(run), 10)
			path = append(path, "v1h-"...)
			path = strconv.AppendInt(path, int64(run), 10)
			path = append(path, 'z')
			x += run - 1
		}
	}
	return template.HTML(fmt.Sprintf( // the path is digits and letters only
		`<svg class="qr" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		template.HTMLEscapeString(label), n, n, n, n, path)), nil
}

package setup

import (
	"errors"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"rsc.io/qr/coding"
)

// plans holds the plan of each QR version a page has used: the layout of
// the symbol's fixed patterns, which takes rsc.io/qr longer to make than
// encoding a URL with it, and which never changes.
var plans sync.Map // coding.Version → *coding.Plan

// encodeQR encodes text in bytes, at error correction level M (15%), in
// the smallest version that holds it, as rsc.io/qr's Encode does.
func encodeQR(text string) (*coding.Code, error) {
	enc := coding.String(text)
	for v := coding.Version(coding.MinVersion); v <= coding.MaxVersion; v++ {
		if enc.Bits(v) > v.DataBytes(coding.M)*8 {
			continue
		}
		plan, ok := plans.Load(v)
		if !ok {
			p, err := coding.NewPlan(v, coding.M, 0)
			if err != nil {
				return nil, err
			}
			plan, _ = plans.LoadOrStore(v, p)
		}
		return plan.(*coding.Plan).Encode(enc)
	}
	return nil, errors.New("setup: the URL is too long for a QR code")
}

// quietZone is the white margin around a QR code, in modules, that the
// standard asks for.
const quietZone = 4

// qrCode is a QR code as page.html draws it in SVG: one path of the dark
// modules, each run of them in a row a line one module thick, inside the
// standard quiet zone; sharp at any size and in print.
type qrCode struct {
	// ViewBox is the svg's viewBox: the modules on a side, the quiet zone
	// included, once for the width and once for the height (one value the
	// page prints, not two).
	ViewBox string

	// D is the path's d attribute: "M x y h run" for every run, drawn half
	// a module down. Its data is made here of digits, spaces and the
	// letters M and h only, so it needs no escaping; a page has some
	// thousands of them.
	D template.HTMLAttr
}

func newQRCode(text string) (*qrCode, error) {
	code, err := encodeQR(text)
	if err != nil {
		return nil, err
	}
	// About a quarter of the modules start a run, and a run takes some
	// eight bytes ("M12 34h2"): the path of a code of n modules a side is
	// about 2n² bytes (1.9n² to 2.1n², measured), and n² × 2 + 8n leaves
	// room for a little more. The path is written once, into the string.
	// (strconv.Itoa makes nothing for numbers under 100, as these mostly
	// are.)
	var path strings.Builder
	path.Grow(2*code.Size*code.Size + 8*code.Size)
	path.WriteString(`d="`)
	for y := 0; y < code.Size; y++ {
		row := strconv.Itoa(y + quietZone)
		for x := 0; x < code.Size; x++ {
			if !code.Black(x, y) {
				continue
			}
			run := 1
			for code.Black(x+run, y) {
				run++
			}
			path.WriteByte('M')
			path.WriteString(strconv.Itoa(x + quietZone))
			path.WriteByte(' ')
			path.WriteString(row)
			path.WriteByte('h')
			path.WriteString(strconv.Itoa(run))
			x += run - 1
		}
	}
	path.WriteByte('"')
	side := strconv.Itoa(code.Size + 2*quietZone)
	return &qrCode{ViewBox: "0 0 " + side + " " + side, D: template.HTMLAttr(path.String())}, nil
}

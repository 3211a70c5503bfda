package outlook

import (
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// ErrorCode is an Autodiscover error code (MS-OXDSCLI 2.2.4.1.1.3.2).
type ErrorCode int

// Error codes a server answers with.
const (
	ErrorAddressNotFound     ErrorCode = 500 // the address cannot be found
	ErrorBadAddress          ErrorCode = 501 // no settings are configured for the address
	ErrorInvalidRequest      ErrorCode = 600 // the request is malformed
	ErrorSchemaNotAvailable  ErrorCode = 601 // the AcceptableResponseSchema is not served
	ErrorBadAddressSettings  ErrorCode = 602 // the address's settings are wrong
	ErrorInternalServerError ErrorCode = 603 // the server failed
)

var errorMessages = map[ErrorCode]string{
	ErrorAddressNotFound:     "The email address can't be found.",
	ErrorBadAddress:          "The email address has no configuration information.",
	ErrorInvalidRequest:      "Invalid Request",
	ErrorSchemaNotAvailable:  "The requested response schema is not available.",
	ErrorBadAddressSettings:  "The settings for this email address are not valid.",
	ErrorInternalServerError: "The server encountered an internal error.",
}

// String returns the code as a number, e.g. "600".
func (c ErrorCode) String() string { return strconv.Itoa(int(c)) }

// Message is the standard text for the code.
func (c ErrorCode) Message() string { return errorMessages[c] }

// ErrorResponse writes the Autodiscover error response for code, stamped
// with the time t (the Time attribute, as Exchange writes it). The Id
// attribute, which Exchange fills with a hash of its machine name, is left
// out.
func ErrorResponse(code ErrorCode, t time.Time) []byte {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	root := doc.CreateElement("Autodiscover")
	root.CreateAttr("xmlns", NamespaceResponse)
	resp := root.CreateElement("Response")
	resp.CreateAttr("xmlns", NamespaceResponse)
	e := resp.CreateElement("Error")
	e.CreateAttr("Time", t.UTC().Format("15:04:05.0000000"))
	e.CreateElement("ErrorCode").SetText(code.String())
	e.CreateElement("Message").SetText(code.Message())
	e.CreateElement("DebugData")
	doc.Indent(2)
	b, _ := doc.WriteToBytes() // writing to memory cannot fail; Indent ends it with a newline
	return b
}

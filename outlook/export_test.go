package outlook

// The two readers of ParseRequest, for the fuzz test that compares them,
// and the scanner's test of its input.
var (
	ScanRequest   = scanRequest
	DecodeRequest = decodeRequest
	PlainText     = plainText
)

package outlook

// The two readers of ParseRequest, for the fuzz test that compares them.
var (
	ScanRequest   = scanRequest
	DecodeRequest = decodeRequest
)

module github.com/mailprofile/mailprofile

go 1.26.8

require (
	github.com/beevik/etree v1.8.1
	github.com/miekg/dns v1.1.73
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/net v0.62.0
	howett.net/plist v1.0.1
)

require (
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

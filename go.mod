module github.com/mailprofile/mailprofile

go 1.26.8

require (
	github.com/beevik/etree v1.8.1 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	howett.net/plist v1.0.1 // indirect
)

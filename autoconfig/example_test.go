package autoconfig_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/autoconfig"
)

func ExampleNew() {
	sites, err := mailprofile.LoadAll("../examples/migration.yaml")
	if err != nil {
		log.Fatal(err)
	}
	h, err := autoconfig.New(sites, nil)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h) // or http.ListenAndServe, or a route of a bigger mux
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	for _, line := range strings.Split(string(body), "\n") {
		if strings.Contains(line, "<hostname>") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// 200 OK text/xml; charset=utf-8
	// <hostname>sv1234.example-host.jp</hostname>
	// <hostname>sv1234.example-host.jp</hostname>
}

// ExampleNewServer serves the handler as mailprofile serve does: on an
// http.Server whose own timeouts bound every wait.
func ExampleNewServer() {
	sites, err := mailprofile.LoadAll("../examples/migration.yaml")
	if err != nil {
		log.Fatal(err)
	}
	h, err := autoconfig.New(sites, nil)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := autoconfig.NewServer(ln.Addr().String(), h, nil)
	go srv.Serve(ln)
	defer srv.Close()

	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.Status, " ", string(body))
	// Output: 200 OK ok
}

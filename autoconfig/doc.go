// Package autoconfig answers mail clients' automatic lookups from a
// description: an http.Handler that serves Thunderbird autoconfig, Outlook
// Autodiscover (POX, and the JSON redirect of Autodiscover v2) and Apple
// profiles, for one mail domain or many.
//
// # Routes
//
//	GET  /mail/config-v1.1.xml?emailaddress=ADDRESS                    Thunderbird
//	GET  /.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=…  Thunderbird
//	POST /autodiscover/autodiscover.xml                                Outlook, eM Client, Thunderbird
//	GET  /autodiscover/autodiscover.json?Email=…&Protocol=AutodiscoverV1
//	GET  /apple/ADDRESS.mobileconfig, /apple/profile.mobileconfig?email=…
//	GET  /                                                             asks for an address
//	GET  /setup/ADDRESS, /setup?email=ADDRESS                          the person's setup page
//	GET  /healthz
//
// Setup pages (package setup) come in Japanese or English, as the browser's
// Accept-Language or ?lang= asks. Paths match in any letter case: clients send /Autodiscover/Autodiscover.xml
// and /AutoDiscover/AutoDiscover.xml too. Without an address, Thunderbird's
// lookup is answered for the domain of the Host header (autoconfig.DOMAIN or
// DOMAIN), with placeholders for the user name.
//
// # What it does not tell
//
// Every well-formed address of a served domain gets a plausible answer: the
// domain's settings. Only addresses whose account overrides its user name
// get their own, so the answers cannot be used to find out who has a
// mailbox. A domain that is not served gets 404 with a body that says
// nothing more. Passwords from the description are never served.
//
// # Serving
//
// NewServer returns an http.Server with every wait and size bounded; serve
// it on a listener from CoarseDeadlines, whose connections keep those
// timeouts without a runtime timer per deadline (ExampleCoarseDeadlines).
// The Handler can as well be mounted in a program's own server.
//
// # Timing
//
// Discovery goes through the DNS of the domain, which during a move is
// changing: serve the set the domain is moving to (the default), and hand
// people files or links for the overlap. Classic Outlook often ignores a
// self-hosted Autodiscover for IMAP and POP3.
package autoconfig

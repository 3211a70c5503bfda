// Package mailprofile describes mail servers and the accounts on them, once,
// so that every mail client can be told how to reach them: Thunderbird
// autoconfig (package thunderbird), Outlook Autodiscover (package outlook) and
// Apple configuration profiles (package apple).
//
// The description is built for a move between servers. A [Site] is one mail
// domain with named server sets, typically "old" and "new"; during the
// overlap period every person keeps the account on the old set and adds one
// on the new set, both for the same address. Servers are named by something
// that does not depend on the domain's DNS, which is in the middle of
// changing: the provider's own host name, or an IP address.
//
// # Loading
//
// [Load] and [Parse] read the YAML description (accounts may also come from a
// CSV file it names), fill in defaults and validate it. Every problem is an
// [*Error] that names the file, the line and the field; all of them come
// back together as an [ErrorList]. [Site.Warnings] lists what works but
// will surprise people.
//
// # Generating
//
// [Site.Profile] resolves one account on one server set into a [Profile]:
// the servers with their user names filled in. The generator packages take
// Profiles and never see the description file.
package mailprofile

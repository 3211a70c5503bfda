// Package bindtest starts private BIND name servers (named) on loopback
// addresses for tests: authoritative servers for zones of the test's
// choosing, and recursive resolvers that start from a root of the test's
// own, so that nothing leaves the machine.
//
// Servers listen on port 53 of addresses such as 127.0.42.1, as name
// servers found through NS records must: that takes root. named listens
// only on addresses an interface has, so each address is added to the
// loopback interface (ip addr add ADDR/32 dev lo) when it is not there;
// the kernel's loopback answers the whole of 127.0.0.0/8 either way, so
// nothing else on the machine changes.
package bindtest

import (
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/internal/spectest"
)

// Server is one named process.
type Server struct {
	// IP is the loopback address it listens on, port 53.
	IP string

	dir     string
	zones   map[string]string // origin → zone file text
	recurse string            // the root server's address, for a resolver
	cmd     *exec.Cmd
	exited  chan struct{}
}

// Authoritative starts a server for zones, by origin ("example.test.",
// "." for a root), each the text of a zone file.
func Authoritative(t *testing.T, ip string, zones map[string]string) *Server {
	t.Helper()
	s := &Server{IP: ip, zones: zones}
	s.start(t)
	return s
}

// Resolver starts a recursive resolver whose root hints name the root
// server at rootIP.
func Resolver(t *testing.T, ip, rootIP string) *Server {
	t.Helper()
	s := &Server{IP: ip, recurse: rootIP}
	s.start(t)
	return s
}

func (s *Server) start(t *testing.T) {
	t.Helper()
	bin := spectest.Tool(t, "named", "bind9")
	if os.Geteuid() != 0 {
		t.Skip("skipping: name servers on port 53 of loopback addresses need root")
	}
	addLoopback(t, s.IP)
	if s.dir == "" {
		s.dir = t.TempDir()
		t.Cleanup(func() {
			s.Stop()
			if t.Failed() {
				log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
				t.Logf("named %s log:\n%s", s.IP, log)
			}
		})
	}
	var conf strings.Builder
	fmt.Fprintf(&conf, `options {
	directory "%[1]s";
	pid-file "%[1]s/named.pid";
	session-keyfile "%[1]s/session.key";
	managed-keys-directory "%[1]s";
	listen-on port 53 { %[2]s; };
	listen-on-v6 { none; };
	query-source address %[2]s;
	dnssec-validation no;
	allow-query { any; };
	notify no;
`, s.dir, s.IP)
	if s.recurse != "" {
		conf.WriteString("\trecursion yes;\n\tallow-recursion { any; };\n};\n")
		hints := fmt.Sprintf(". 3600000 NS root.test.\nroot.test. 3600000 A %s\n", s.recurse)
		s.write(t, "root.hints", hints)
		conf.WriteString("zone \".\" { type hint; file \"root.hints\"; };\n")
	} else {
		conf.WriteString("\trecursion no;\n};\n")
		for _, origin := range slices.Sorted(maps.Keys(s.zones)) {
			file := "zone." + strings.TrimSuffix(origin, ".")
			if origin == "." {
				file = "zone.root"
			}
			s.write(t, file, s.zones[origin])
			fmt.Fprintf(&conf, "zone %q { type primary; file %q; };\n", origin, file)
		}
	}
	conf.WriteString("controls { };\n")
	s.write(t, "named.conf", conf.String())
	logFile, err := os.Create(filepath.Join(s.dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	s.cmd = exec.Command(bin, "-g", "-4", "-c", filepath.Join(s.dir, "named.conf"))
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()
	s.wait(t)
}

// addLoopback gives the loopback interface the address ip, unless an
// interface has it already.
func addLoopback(t *testing.T, ip string) {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.String() == ip {
			return
		}
	}
	cmd := spectest.Tool(t, "ip", "iproute2")
	if out, err := exec.Command(cmd, "addr", "add", ip+"/32", "dev", "lo").CombinedOutput(); err != nil && !strings.Contains(string(out), "File exists") {
		t.Fatalf("ip addr add %s/32 dev lo: %v\n%s", ip, err, out)
	}
}

func (s *Server) write(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// wait waits until the server answers the SOA question of each zone with
// the serial of its file (a resolver: until it answers at all).
func (s *Server) wait(t *testing.T) {
	t.Helper()
	c := &dns.Client{Timeout: 500 * time.Millisecond}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
			t.Fatalf("named %s stopped:\n%s", s.IP, log)
		default:
		}
		if s.ready(c) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
	t.Fatalf("named %s did not answer:\n%s", s.IP, log)
}

func (s *Server) ready(c *dns.Client) bool {
	addr := s.IP + ":53"
	if s.recurse != "" {
		q := new(dns.Msg)
		q.SetQuestion("version.bind.", dns.TypeTXT)
		q.Question[0].Qclass = dns.ClassCHAOS
		_, _, err := c.Exchange(q, addr)
		return err == nil
	}
	for origin, text := range s.zones {
		q := new(dns.Msg)
		q.SetQuestion(origin, dns.TypeSOA)
		m, _, err := c.Exchange(q, addr)
		if err != nil || len(m.Answer) == 0 {
			return false
		}
		soa, ok := m.Answer[0].(*dns.SOA)
		if !ok || soa.Serial != serial(text, origin) {
			return false
		}
	}
	return true
}

// serial is the serial of the zone text's SOA record.
func serial(text, origin string) uint32 {
	zp := dns.NewZoneParser(strings.NewReader(text), origin, "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if soa, ok := rr.(*dns.SOA); ok {
			return soa.Serial
		}
	}
	return 0
}

// SetZone replaces a zone's text and has the server load it (SIGHUP),
// waiting until it answers with the new serial, which must be higher.
func (s *Server) SetZone(t *testing.T, origin, text string) {
	t.Helper()
	s.zones[origin] = text
	file := "zone." + strings.TrimSuffix(origin, ".")
	if origin == "." {
		file = "zone.root"
	}
	s.write(t, file, text)
	// named notices a changed file by its time; make sure it differs.
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(filepath.Join(s.dir, file), later, later)
	s.cmd.Process.Signal(syscall.SIGHUP)
	s.wait(t)
}

// Restart stops the server and starts it again: a resolver forgets what
// it cached.
func (s *Server) Restart(t *testing.T) {
	t.Helper()
	s.Stop()
	s.start(t)
}

// Stop stops the server.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

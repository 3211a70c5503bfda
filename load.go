package mailprofile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// Load reads the description file at path, which describes one mail
// domain, and validates it (with the accounts of the CSV file it names,
// which stay in their file). The error, if any, is an ErrorList.
func Load(path string) (*Site, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: readError(err)}}
	}
	return Parse(path, data)
}

// Parse reads a description of one mail domain from data; name is used in
// error messages ("<stdin>" for standard input) and to find a relative
// accounts_csv file. It validates the result like Load. A description of
// several domains (YAML documents separated by "---") is for LoadAll.
func Parse(name string, data []byte) (*Site, error) {
	sites, err := parseAll(name, data)
	if err != nil {
		return nil, err
	}
	if len(sites) > 1 {
		return nil, ErrorList{{Pos: sites[1].Source.Pos, Msg: fmt.Sprintf(
			"the file describes %d domains (YAML documents separated by ---); read it with LoadAll", len(sites))}}
	}
	return sites[0], nil
}

// LoadAll reads every site of a description file, which may hold several
// YAML documents separated by "---", one mail domain each; or, when path is
// a folder, of every .yaml and .yml file in it. Each site is validated as by
// Load, and no two may describe the same domain. Every problem of every
// file comes back at once.
func LoadAll(path string) ([]*Site, error) {
	sites, failed, err := LoadFiles(path)
	if err != nil {
		return nil, err
	}
	var errs ErrorList
	for _, f := range failed {
		errs = append(errs, Errors(f.Err)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return sites, nil
}

// FileError is a description file left out, and why: its errors, each with
// its file and line.
type FileError struct {
	File string
	Err  error
}

// LoadFiles reads path as LoadAll does, one file at a time: a file that
// cannot be read or has any error is left out and returned with its
// errors, and the sites of every other file are returned, so one broken
// description does not stop the rest. A domain described again in a later
// file (in name order) is an error of that file, naming the first. The
// error is for path itself: a folder that cannot be read or holds no
// description.
func LoadFiles(path string) ([]*Site, []FileError, error) {
	return new(Loader).Load(path)
}

// Loader loads a file or folder of descriptions again and again, as
// LoadFiles does, and reads again only the files that changed since its
// last Load: a file whose size, modification time and inode are the same,
// and whose accounts CSV files are too, gives the same sites (the same
// pointers) or the same errors. A service of many domains reloads in the
// time it takes to read what changed. The zero value is ready to use; a
// Loader is not for concurrent use.
type Loader struct {
	last map[string]*loadedFile // by file name
}

// loadedFile is what a file gave, and the state of the files it was read
// from.
type loadedFile struct {
	stamps []fileStamp // the description, then each accounts CSV file
	sites  []*Site
	err    error
}

// fileStamp tells whether a file changed: its name, size, modification
// time and inode, or the error of looking at it.
type fileStamp struct {
	name  string
	size  int64
	mtime time.Time
	inode uint64
	err   string
}

// racyWindow is how recent a modification time may be for a stamp to be
// trusted: a file changed again within the clock's resolution would keep
// its time, so one changed this recently is read again next time.
const racyWindow = 2 * time.Second

func stampOf(name string) fileStamp {
	info, err := os.Stat(name)
	return stampOfInfo(name, info, err, time.Now())
}

func stampOfInfo(name string, info os.FileInfo, err error, now time.Time) fileStamp {
	if err != nil {
		return fileStamp{name: name, err: err.Error()}
	}
	st := fileStamp{name: name, size: info.Size(), mtime: info.ModTime(), inode: inode(info)}
	if now.Sub(st.mtime) < racyWindow {
		st.err = "changed just before it was read"
	}
	return st
}

// unchanged reports whether every file of f is as it was when read. A file
// that could not be looked at, or had changed just before, counts as
// changed.
func (f *loadedFile) unchanged() bool {
	for _, st := range f.stamps {
		if st.err != "" || stampOf(st.name) != st {
			return false
		}
	}
	return true
}

// readersPerCore is how many files Loader.Load reads at once for each core.
const readersPerCore = 4

// Load reads path (see LoadFiles), reading again only what changed.
func (l *Loader) Load(path string) ([]*Site, []FileError, error) {
	files, err := descriptionFiles(path)
	if err != nil {
		return nil, nil, err
	}
	// The files that changed are read and checked on every core, each on
	// its own; what they describe is then put together in name order.
	// Opening and reading a file waits on the kernel at times, so there
	// are more readers than cores: with as many as cores, 100,000 files
	// kept two cores 1.76 busy, and took 11 s instead of 9 s.
	results := make([]*loadedFile, len(files))
	var changed []int
	for i, f := range files {
		if was := l.last[f]; was != nil && was.unchanged() {
			results[i] = was
		} else {
			changed = append(changed, i)
		}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(readersPerCore*runtime.GOMAXPROCS(0), len(changed)) {
		wg.Go(func() {
			for i := range next {
				results[i] = loadFile(files[i])
			}
		})
	}
	for _, i := range changed {
		next <- i
	}
	close(next)
	wg.Wait()

	l.last = make(map[string]*loadedFile, len(files))
	var (
		sites  []*Site
		failed []FileError
		first  = make(map[string]*Site)
	)
	for i, f := range files {
		l.last[f] = results[i]
		found := results[i].sites
		errs := append(ErrorList(Errors(results[i].err)), describedBefore(first, found)...)
		if err := errs.Err(); err != nil {
			failed = append(failed, FileError{f, err})
			continue
		}
		for _, s := range found {
			first[s.Domain] = s
		}
		sites = append(sites, found...)
	}
	return sites, failed, nil
}

// readStamped reads a file and its stamp, taken from the open file before
// it is read.
func readStamped(name string) ([]byte, fileStamp, error) {
	now := time.Now()
	f, err := os.Open(name)
	if err != nil {
		return nil, stampOfInfo(name, nil, err, now), err
	}
	defer f.Close()
	info, err := f.Stat()
	st := stampOfInfo(name, info, err, now)
	if err != nil {
		return nil, st, err
	}
	// Room for the size it has now, and to see that it ends there; read to
	// the end all the same, as it may be a pipe or have grown.
	var buf bytes.Buffer
	if info.Mode().IsRegular() {
		buf.Grow(int(info.Size()) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(f)
	return buf.Bytes(), st, err
}

// loadFile reads and checks one description file, noting the state of it
// (before it is read) and of the accounts CSV files its sites name (after:
// one changed while it was read is recent, so not trusted; see racyWindow).
func loadFile(name string) *loadedFile {
	data, st, err := readStamped(name)
	out := &loadedFile{stamps: []fileStamp{st}}
	if err != nil {
		out.err = ErrorList{{Pos: Pos{File: name}, Msg: readError(err)}}
		return out
	}
	out.sites, out.err = parseAll(name, data)
	for _, s := range out.sites {
		if s.AccountsCSV != "" {
			out.stamps = append(out.stamps, stampOf(s.AccountsCSV))
		}
	}
	return out
}

// ParseAll reads every site of a description in data, YAML documents
// separated by "---", one mail domain each, and validates each as Parse
// does; name is used in messages ("<standard input>") and to find relative
// accounts_csv files. No two sites may describe the same domain.
func ParseAll(name string, data []byte) ([]*Site, error) {
	sites, err := parseAll(name, data)
	if err != nil {
		return nil, err
	}
	if err := describedBefore(nil, sites).Err(); err != nil {
		return nil, err
	}
	return sites, nil
}

// describedBefore is an error for each site of found whose domain is
// described before it: in first (the sites of earlier files), or earlier
// in found.
func describedBefore(first map[string]*Site, found []*Site) ErrorList {
	var errs ErrorList
	var here map[string]*Site // only for a file of several sites
	if len(found) > 1 {
		here = make(map[string]*Site, len(found))
	}
	for _, s := range found {
		prev, ok := first[s.Domain]
		if !ok {
			prev, ok = here[s.Domain]
		}
		if ok {
			errs.add(s.Source.at("domain"), "domain", "%s is also described at %s", s.Domain, prev.Source.at("domain"))
		} else if here != nil {
			here[s.Domain] = s
		}
	}
	return errs
}

// descriptionFiles is path, or the .yaml and .yml files of the folder path.
func descriptionFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: readError(err)}}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: readError(err)}}
	}
	var files []string
	for _, e := range entries {
		if ext := strings.ToLower(filepath.Ext(e.Name())); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: "the folder has no .yaml or .yml description"}}
	}
	return files, nil
}

// parseAll reads every YAML document of data as a site. Data that holds no
// document at all is an error: a description that yields no domain.
func parseAll(name string, data []byte) ([]*Site, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrorList{{Pos: Pos{File: name}, Msg: "the description is empty"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var (
		sites []*Site
		errs  ErrorList
		docs  int
	)
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			errs.add(Pos{File: name, Line: yamlErrorLine(err)}, "", "%s", yamlErrorText(err))
			break
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" {
			continue // comments only, or nothing between two ---
		}
		docs++
		r := &reader{file: name}
		site, err := r.finish(r.site(doc.Content[0]))
		errs = append(errs, Errors(err)...)
		if site != nil {
			sites = append(sites, site)
		}
	}
	if docs == 0 && len(errs) == 0 {
		errs.add(Pos{File: name}, "", "the description has no YAML document (is every line a comment?)")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return sites, nil
}

// finish validates the site that the reader read.
func (r *reader) finish(site *Site) (*Site, error) {
	errs := r.errs
	if len(errs) > 0 && site.Source.Line == 0 {
		return nil, errs.Err() // not even a mapping: nothing to validate
	}
	// Validate even after errors of shape, so that one run reports every
	// problem; but a field whose value could not be read says so once.
	bad := make(map[string]bool)
	for _, e := range errs {
		bad[e.Field] = true
	}
	for _, e := range Errors(site.Validate()) {
		if !bad[e.Field] {
			errs = append(errs, e)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return site, nil
}

func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// reader turns a YAML node tree into a Site, recording where every field
// was. It checks only the shape (a mapping here, a number there); Validate
// checks the meaning.
type reader struct {
	file string
	errs ErrorList
}

func (r *reader) pos(n *yaml.Node) Pos { return Pos{File: r.file, Line: n.Line} }

func (r *reader) errorf(n *yaml.Node, field, format string, args ...any) {
	r.errs.add(r.pos(n), field, format, args...)
}

func (r *reader) site(root *yaml.Node) *Site {
	site := &Site{Source: Source{Pos: Pos{File: r.file}}}
	root = resolve(root)
	if root.Kind != yaml.MappingNode {
		r.errorf(root, "", "must be a mapping of keys to values, not %s", describe(root))
		return site
	}
	site.Source.Line = root.Line
	r.mapping(root, "", &site.Source, func(key string, line int, v *yaml.Node, path string) bool {
		switch key {
		case "domain":
			site.Domain = r.str(v, path)
		case "organization":
			site.Organization = r.str(v, path)
		case "allow_insecure":
			site.AllowInsecure = r.boolean(v, path)
		case "base_url":
			site.BaseURL = r.str(v, path)
		case "language":
			site.Language = r.str(v, path)
		case "discovery":
			site.Discovery = r.discovery(v, path)
			site.Discovery.Source.Line = line
		case "allow_other_domains":
			site.AllowOtherDomains = r.boolean(v, path)
		case "migration":
			site.Migration = r.migration(v, path)
			site.Migration.Source.Line = line
		case "servers":
			r.mapping(v, path, nil, func(name string, line int, v *yaml.Node, path string) bool {
				set := r.serverSet(name, v, path)
				set.Source.Line = line
				site.Sets = append(site.Sets, set)
				return true
			})
		case "accounts":
			r.sequence(v, path, func(i int, v *yaml.Node, path string) {
				site.Accounts = append(site.Accounts, r.account(v, path))
			})
		case "accounts_csv":
			if f := r.str(v, path); f != "" {
				site.AccountsCSV = resolvePath(r.file, f)
			}
		default:
			return false
		}
		return true
	})
	return site
}

func (r *reader) discovery(n *yaml.Node, path string) *Discovery {
	d := &Discovery{Source: Source{Pos: r.pos(n)}}
	r.mapping(n, path, &d.Source, func(key string, line int, v *yaml.Node, path string) bool {
		switch key {
		case "host":
			d.Host = r.str(v, path)
		case "addresses":
			d.Addresses = r.list(v, path)
		case "ttl":
			d.TTL = r.integer(v, path, "a number of seconds")
		default:
			return false
		}
		return true
	})
	return d
}

func (r *reader) migration(n *yaml.Node, path string) *Migration {
	m := &Migration{Source: Source{Pos: r.pos(n)}}
	r.mapping(n, path, &m.Source, func(key string, line int, v *yaml.Node, path string) bool {
		switch key {
		case "from":
			m.From = r.str(v, path)
		case "to":
			m.To = r.str(v, path)
		case "switch_date":
			m.SwitchDate, m.SwitchHasTime = r.moment(v, path)
		case "overlap_until":
			m.OverlapEnd = r.date(v, path)
		default:
			return false
		}
		return true
	})
	return m
}

func (r *reader) serverSet(name string, n *yaml.Node, path string) *ServerSet {
	set := &ServerSet{Name: name, Source: Source{Pos: r.pos(n)}}
	r.mapping(n, path, &set.Source, func(key string, line int, v *yaml.Node, path string) bool {
		switch key {
		case "label":
			// One label, or one per language: {ja: 新サーバー, en: New server}.
			if resolve(v).Kind == yaml.MappingNode {
				set.Labels = r.perSet(v, path, &set.Source, key, false)
			} else {
				set.Label = r.str(v, path)
			}
		case "allow_legacy_submission":
			set.AllowLegacySubmission = r.boolean(v, path)
		case "incoming":
			r.sequence(v, path, func(i int, v *yaml.Node, path string) {
				set.Incoming = append(set.Incoming, r.server(v, path, ""))
			})
		case "outgoing":
			r.sequence(v, path, func(i int, v *yaml.Node, path string) {
				set.Outgoing = append(set.Outgoing, r.server(v, path, ProtocolSMTP))
			})
		case "receives":
			set.Receives = r.list(v, path)
		default:
			return false
		}
		return true
	})
	return set
}

func (r *reader) server(n *yaml.Node, path string, protocol Protocol) Server {
	s := Server{Protocol: protocol, Source: Source{Pos: r.pos(n)}}
	r.mapping(n, path, &s.Source, func(key string, line int, v *yaml.Node, path string) bool {
		switch key {
		case "protocol":
			s.Protocol = canonical(protocolNames, r.str(v, path))
		case "host":
			s.Host = r.str(v, path)
		case "port":
			// Zero means the standard port in code; written down, it is a
			// mistake (leaving port out is how to ask for the standard one).
			s.Port = r.integer(v, path, "a port number")
			if n, err := strconv.Atoi(strings.TrimSpace(resolve(v).Value)); err == nil && n == 0 {
				r.errorf(v, path, "0 is not a port (1 to 65535; leave port out for the standard port)")
			}
		case "security":
			s.Security = canonical(securityNames, r.str(v, path))
		case "auth":
			// One way, or a list in order of preference.
			for i, a := range r.list(v, path) {
				if i == 0 {
					s.Auth = canonical(authNames, a)
				} else {
					s.AuthAlternatives = append(s.AuthAlternatives, canonical(authNames, a))
				}
			}
		case "username":
			s.Username = r.str(v, path)
		case "pop3":
			s.POP3 = &POP3Options{}
			r.mapping(v, path, &s.Source, func(key string, line int, v *yaml.Node, path string) bool {
				switch key {
				case "leave_on_server":
					b := r.boolean(v, path)
					s.POP3.LeaveOnServer = &b
				case "keep_days":
					s.POP3.KeepDays = r.integer(v, path, "a number of days")
				default:
					return false
				}
				return true
			})
		default:
			return false
		}
		return true
	})
	return s
}

func (r *reader) account(n *yaml.Node, path string) *Account {
	a := &Account{Source: Source{Pos: r.pos(n)}}
	r.mapping(n, path, &a.Source, func(key string, line int, v *yaml.Node, path string) bool {
		switch key {
		case "address":
			a.Address = r.str(v, path)
		case "name":
			a.Name = r.str(v, path)
		case "username":
			a.Usernames = r.perSet(v, path, &a.Source, key, false)
		case "password":
			for set, p := range r.perSet(v, path, &a.Source, key, true) {
				if a.Passwords == nil {
					a.Passwords = make(map[string]Secret)
				}
				a.Passwords[set] = NewSecret(p)
			}
		case "sets":
			a.Sets = r.list(v, path)
		default:
			return false
		}
		return true
	})
	return a
}

// perSet reads either one value for every set, or a mapping from set name
// to value. The value for every set has the key "". The line of each value
// is recorded in src as "key.SET". For a secret, no message shows a key
// (a typo such as {new:hunter2} makes the password a key).
func (r *reader) perSet(n *yaml.Node, path string, src *Source, key string, secret bool) map[string]string {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode {
		return map[string]string{"": r.str(n, path)}
	}
	m := make(map[string]string)
	r.mappingOf(n, path, nil, secret, func(set string, line int, v *yaml.Node, field string) bool {
		m[set] = r.str(v, field)
		src.setKey(key+"."+set, v.Line)
		return true
	})
	return m
}

// mapping calls f for every key of the mapping n. f returns false for a key
// it does not know. The line of each key is recorded in src.
func (r *reader) mapping(n *yaml.Node, path string, src *Source, f func(key string, line int, v *yaml.Node, path string) bool) {
	r.mappingOf(n, path, src, false, f)
}

// mappingOf is mapping; with secretKeys, no message shows a key.
func (r *reader) mappingOf(n *yaml.Node, path string, src *Source, secretKeys bool, f func(key string, line int, v *yaml.Node, path string) bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, path, "must be a mapping of keys to values, not %s", describe(n))
		return
	}
	if src != nil && src.keys == nil {
		src.keys = make([]keyLine, 0, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		field := joinPath(path, clipped(key))
		if secretKeys {
			field = joinPath(path, "…")
		}
		if appearsBefore(n.Content[:i], key) {
			r.errorf(k, field, "appears twice")
			continue
		}
		if src != nil {
			src.setKey(key, k.Line)
		}
		if !f(key, k.Line, v, field) {
			r.errorf(k, field, "unknown field")
		}
	}
}

// appearsBefore reports whether key is one of the keys of pairs, the
// key/value nodes of a mapping before it. A mapping has a handful of keys.
func appearsBefore(pairs []*yaml.Node, key string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i].Value == key {
			return true
		}
	}
	return false
}

func (r *reader) sequence(n *yaml.Node, path string, f func(i int, v *yaml.Node, path string)) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, path, "must be a list (items starting with -), not %s", describe(n))
		return
	}
	for i, v := range n.Content {
		f(i, v, fmt.Sprintf("%s[%d]", path, i))
	}
}

func (r *reader) str(n *yaml.Node, path string) string {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		r.errorf(n, path, "must be a single value, not %s", describe(n))
		return ""
	}
	if n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// list reads a list of names, written either as a YAML list or as one string
// separated by commas or spaces.
func (r *reader) list(n *yaml.Node, path string) []string {
	n = resolve(n)
	if n.Kind == yaml.SequenceNode {
		out := []string{}
		r.sequence(n, path, func(i int, v *yaml.Node, path string) {
			out = append(out, r.str(v, path))
		})
		return out
	}
	return splitList(r.str(n, path))
}

func (r *reader) integer(n *yaml.Node, path, what string) int {
	s := r.str(n, path)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		r.errorf(n, path, "%q is not %s", clipped(s), what)
		return 0
	}
	return v
}

func (r *reader) boolean(n *yaml.Node, path string) bool {
	s := r.str(n, path)
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true
	case "false", "no", "off", "":
		return false
	}
	r.errorf(n, path, "%q is not true or false", clipped(s))
	return false
}

func (r *reader) date(n *yaml.Node, path string) time.Time {
	s := r.str(n, path)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		r.errorf(n, path, "%q is not a date (write it as 2026-12-31)", clipped(s))
	}
	return t
}

// momentLayouts are the ways to write a moment: with the minutes or the
// seconds, and always with the zone, so that nobody's clock is guessed.
var momentLayouts = []string{"2006-01-02T15:04Z07:00", time.RFC3339, "2006-01-02 15:04Z07:00", "2006-01-02 15:04:05Z07:00"}

// moment reads a day (2026-12-05) or a moment (2026-12-05T18:00+09:00),
// and reports which it was.
func (r *reader) moment(n *yaml.Node, path string) (time.Time, bool) {
	s := strings.TrimSpace(r.str(n, path))
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, false
	}
	for _, layout := range momentLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if len(s) > 10 && !strings.ContainsAny(s[10:], "Z+-") {
		r.errorf(n, path, "%q has no time zone (write it as 2026-12-05T18:00+09:00, or the day alone)", clipped(s))
	} else {
		r.errorf(n, path, "%q is not a date or a time (write it as 2026-12-05, or 2026-12-05T18:00+09:00)", clipped(s))
	}
	return time.Time{}, false
}

// resolve follows YAML aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", clipped(n.Value))
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// splitList splits "old, new" or "old new" into names.
func splitList(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' })
	if len(fields) == 0 {
		return nil
	}
	return fields
}

// resolvePath resolves a file named in a description against the
// description's folder.
func resolvePath(descFile, name string) string {
	if filepath.IsAbs(name) || descFile == "" || strings.HasPrefix(descFile, "<") {
		return name
	}
	return filepath.Join(filepath.Dir(descFile), name)
}

// yamlErrorLine and yamlErrorText split the YAML parser's "yaml: line N:
// msg" into its parts.
func yamlErrorLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return n
			}
		}
	}
	return 0
}

func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			msg = rest[i+2:]
		}
	}
	return "not valid YAML: " + msg
}

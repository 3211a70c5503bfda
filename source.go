package mailprofile

import "unique"

// Source records where a part of the description was read from, so that a
// problem found later can name the file, line and field. The zero value
// means the part was built in code.
type Source struct {
	Pos

	// Path is where the part is when its place in the Site does not say,
	// e.g. "row 4" for an account read from a CSV file. Empty means the
	// path Validate derives from the part's place in the Site, e.g.
	// "servers.new.incoming[0]", as for every part read from YAML.
	Path string

	keys []keyLine // the line of each field key under this part
}

// keyLine is where a field key is. A part has a handful of keys: a list
// is smaller than a map, and as quick to search. The key is interned: a
// host of many domains reads the same few field names a million times,
// and keeps one copy of each.
type keyLine struct {
	key  unique.Handle[string]
	line int32
}

// at returns the position of the field key, or of the part itself when the
// key was not in the file.
func (s Source) at(key string) Pos {
	k := unique.Make(key)
	for i := len(s.keys) - 1; i >= 0; i-- {
		if s.keys[i].key == k {
			return Pos{File: s.File, Line: int(s.keys[i].line)}
		}
	}
	return s.Pos
}

func (s *Source) setKey(key string, line int) {
	s.keys = append(s.keys, keyLine{unique.Make(key), int32(line)})
}

// pathOr returns s.Path, or def when the part was not read from a file.
func (s Source) pathOr(def string) string {
	if s.Path != "" {
		return s.Path
	}
	return def
}

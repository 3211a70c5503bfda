package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile/export"
)

// State is what one run leaves for the next: the answers per server and
// the counts per mailbox, to say what changed, and what was learnt of the
// switch. It holds no password.
type State struct {
	Version int       `json:"version"`
	Domain  string    `json:"domain"`
	Time    time.Time `json:"time"`

	// AllNewSince is the first run that found every authoritative server
	// answering new for the MX, and zero while they do not.
	AllNewSince time.Time `json:"all_new_since,omitzero"`

	// OldTTL is the longest time to live an old answer had at an
	// authoritative server, in seconds.
	OldTTL int `json:"old_ttl,omitempty"`

	Answers   map[string]StateAnswer  `json:"answers"`   // by "NAME TYPE at SERVER"
	Mailboxes map[string]StateMailbox `json:"mailboxes"` // by address
}

// StateAnswer is one server's answer to one question, as remembered.
type StateAnswer struct {
	Class  Class    `json:"class"`
	Values []string `json:"values"`
}

// StateMailbox is one mailbox, as remembered.
type StateMailbox struct {
	Status   MailboxStatus `json:"status"`
	Messages int           `json:"messages"`
	Newest   time.Time     `json:"newest,omitzero"`
	Last     string        `json:"last,omitempty"`
}

const stateVersion = 1

// ReadState reads the state file written by WriteState. A file that is not
// there is no error: the state is nil, as for a first run.
func ReadState(name string) (*State, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st State
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("%s: not a state file of mailprofile status: %v", name, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("%s: state version %d, this mailprofile reads %d: remove the file to start afresh", name, st.Version, stateVersion)
	}
	return &st, nil
}

// WriteState writes st to name, readable by its owner only, replacing the
// file whole.
func WriteState(name string, st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return export.WriteFile(name, append(data, '\n'), 0o600)
}

func answerKey(a Answer) string {
	return a.Name + " " + a.Type + " at " + a.Source.Server
}

// newState is what this run leaves for the next; prev is the state of the
// last run of the same domain, or nil.
func (r *Report) newState(prev *State) *State {
	st := &State{Version: stateVersion, Domain: r.Domain, Time: r.Time,
		Answers: map[string]StateAnswer{}, Mailboxes: map[string]StateMailbox{}}
	if r.authoritativeAllNew() {
		st.AllNewSince = r.Time
		if prev != nil && !prev.AllNewSince.IsZero() {
			st.AllNewSince = prev.AllNewSince
		}
	}
	if old, known := r.oldTTL(nil); known {
		st.OldTTL = old
	}
	if prev != nil {
		st.OldTTL = max(st.OldTTL, prev.OldTTL)
	}
	for _, a := range r.DNS {
		st.Answers[answerKey(a)] = StateAnswer{Class: a.Class, Values: a.Values}
	}
	for _, mb := range r.Mailboxes {
		st.Mailboxes[mb.Address] = StateMailbox{Status: mb.Status, Messages: mb.Messages, Newest: mb.Newest, Last: mb.Last}
	}
	return st
}

// changes says, for people, what differs between the previous run (nil:
// none) and this one.
func changes(prev, now *State) []string {
	if prev == nil {
		return nil
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(now.Answers)) {
		was, ok := prev.Answers[k]
		is := now.Answers[k]
		switch {
		case !ok:
			continue
		case was.Class != is.Class:
			out = append(out, fmt.Sprintf("%s: %s, was %s (%s → %s)", k, is.Class, was.Class, orNone(was.Values), orNone(is.Values)))
		case !slices.Equal(was.Values, is.Values):
			out = append(out, fmt.Sprintf("%s: still %s, but %s → %s", k, is.Class, orNone(was.Values), orNone(is.Values)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(now.Mailboxes)) {
		was, ok := prev.Mailboxes[k]
		is := now.Mailboxes[k]
		if !ok {
			continue
		}
		var what []string
		if was.Status != is.Status {
			what = append(what, fmt.Sprintf("%s, was %s", is.Status, was.Status))
		}
		if was.Messages != is.Messages {
			what = append(what, fmt.Sprintf("%d messages, was %d", is.Messages, was.Messages))
		}
		if was.Last != "" && is.Last != "" && was.Last != is.Last {
			what = append(what, "new mail arrived since")
		}
		if len(what) > 0 {
			out = append(out, k+": "+strings.Join(what, "; "))
		}
	}
	return out
}

package timeline_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mailprofile/mailprofile"
	"github.com/mailprofile/mailprofile/timeline"
)

func TestSteps(t *testing.T) {
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	for _, lang := range []string{"ja", "en"} {
		steps, err := timeline.Steps(site, lang)
		require.NoError(t, err)
		var days, keys []string
		for _, s := range steps {
			days = append(days, s.Day.Format(time.DateOnly))
			keys = append(keys, s.Key)
		}
		// switch_date 2026-12-05, overlap_until 2026-12-19.
		assert.Equal(t, []string{"2026-12-03", "2026-12-04", "2026-12-05", "2026-12-19", "2026-12-20"}, days, lang)
		assert.Equal(t, []string{"ttl", "sheets", "switch", "overlap-end", "old-accounts"}, keys, lang)
		var text bytes.Buffer
		require.NoError(t, timeline.WriteText(&text, steps))
		assert.Equal(t, 5, strings.Count(text.String(), "\n"))
		if lang == "en" {
			assert.Contains(t, text.String(), "2026-12-05  Switch the MX record (and autoconfig, autodiscover) to the new server (new server)\n")
			assert.Contains(t, text.String(), "on the old server (old server)", "the label in English")
		} else {
			assert.Contains(t, text.String(), "2026-12-19  並行期間の終わり。旧サーバー（旧サーバー）のメールボックスを開き")
		}
	}
}

func TestStepsNeedDates(t *testing.T) {
	const doc = `domain: example.co.jp
migration: {from: old, to: new, switch_date: 2026-12-05, overlap_until: 2026-12-19}
servers:
  old: {incoming: [{protocol: imap, host: old.example.net}], outgoing: [{host: old.example.net}]}
  new: {incoming: [{protocol: imap, host: new.example.net}], outgoing: [{host: new.example.net}]}
`
	for _, tt := range []struct{ from, to, want string }{
		{"migration: {from: old, to: new, switch_date: 2026-12-05, overlap_until: 2026-12-19}\n", "", "the description has no migration: there is no move to plan"},
		{", switch_date: 2026-12-05", "", "site.yaml: migration.switch_date is needed to date the steps"},
		{", overlap_until: 2026-12-19", "", "site.yaml: migration.overlap_until is needed to date the steps"},
	} {
		site, err := mailprofile.Parse("site.yaml", []byte(strings.Replace(doc, tt.from, tt.to, 1)))
		require.NoError(t, err)
		_, err = timeline.Steps(site, "en")
		assert.EqualError(t, err, tt.want)
	}
}

// TestICS reads the calendar file back with another iCalendar library
// than the one that wrote it.
func TestICS(t *testing.T) {
	site, err := mailprofile.Load("../examples/migration.yaml")
	require.NoError(t, err)
	steps, err := timeline.Steps(site, "ja")
	require.NoError(t, err)
	var buf bytes.Buffer
	stamp := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	require.NoError(t, timeline.WriteICS(&buf, site, steps, stamp))
	assert.True(t, strings.HasPrefix(buf.String(), "BEGIN:VCALENDAR\r\n"), "CRLF line ends")

	cal, err := ics.ParseCalendar(&buf)
	require.NoError(t, err)
	events := cal.Events()
	require.Len(t, events, len(steps))
	uids := map[string]bool{}
	for i, e := range events {
		start, err := e.GetAllDayStartAt()
		require.NoError(t, err)
		end, err := e.GetAllDayEndAt()
		require.NoError(t, err)
		assert.Equal(t, steps[i].Day.Format(time.DateOnly), start.Format(time.DateOnly))
		assert.Equal(t, steps[i].Day.AddDate(0, 0, 1).Format(time.DateOnly), end.Format(time.DateOnly), "an all-day event ends the next day")
		assert.Equal(t, steps[i].What, e.GetProperty(ics.ComponentPropertySummary).Value)
		stampProp := e.GetProperty(ics.ComponentPropertyDtstamp)
		require.NotNil(t, stampProp)
		assert.Equal(t, "20261201T093000Z", stampProp.Value)
		uid := e.Id()
		assert.False(t, uids[uid], "UID %s twice", uid)
		uids[uid] = true
		assert.True(t, strings.HasSuffix(uid, "-20261205@example.co.jp"), uid)
	}
}

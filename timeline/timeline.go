// Package timeline lays out the dated steps of a move from the dates of the
// description's migration: lower the MX record's TTL, hand out the sheets
// so that people add the new account, switch, end the overlap, remove the
// old accounts. mailprofile plan prints them, in Japanese or English, and
// writes them as an iCalendar file (RFC 5545) for the agency's calendar.
package timeline

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-ical"

	"github.com/mailprofile/mailprofile"
)

// Step is one dated step of a move.
type Step struct {
	Day  time.Time // the day it is done
	Key  string    // what it is, the same in every language: "ttl", "sheets", "switch", "overlap-end", "old-accounts"
	What string    // what to do, in the language asked
}

// Steps are the steps of site's migration in lang ("ja" or "en"; other
// values mean the site's language), in order. The migration needs both of
// its dates.
func Steps(site *mailprofile.Site, lang string) ([]Step, error) {
	m := site.Migration
	switch {
	case m == nil:
		return nil, errors.New("the description has no migration: there is no move to plan")
	case m.SwitchDate.IsZero():
		return nil, fmt.Errorf("%s: migration.switch_date is needed to date the steps", site.Source.File)
	case m.OverlapEnd.IsZero():
		return nil, fmt.Errorf("%s: migration.overlap_until is needed to date the steps", site.Source.File)
	}
	if lang != "ja" && lang != "en" {
		lang = site.Language
	}
	if lang != "en" {
		lang = "ja"
	}
	from, to := site.Set(m.From), site.Set(m.To)
	t := texts[lang]
	day := func(d time.Time, days int) time.Time { return d.AddDate(0, 0, days) }
	return []Step{
		{day(m.SwitchDate, -2), "ttl", t.ttl},
		{day(m.SwitchDate, -1), "sheets", t.sheets},
		{m.SwitchDate, "switch", fmt.Sprintf(t.switchTo, to.LabelIn(lang))},
		{m.OverlapEnd, "overlap-end", fmt.Sprintf(t.overlapEnd, from.LabelIn(lang))},
		{day(m.OverlapEnd, 1), "old-accounts", fmt.Sprintf(t.oldAccounts, from.LabelIn(lang))},
	}, nil
}

// texts are the steps in each language.
var texts = map[string]struct{ ttl, sheets, switchTo, overlapEnd, oldAccounts string }{
	"ja": {
		ttl:         "MX レコードの TTL を 300 秒ほどに下げる（レコードは mailprofile dns で確認）",
		sheets:      "設定シートを配る。全員が今のアカウントはそのままに、新しいアカウントを追加する（mailprofile sheet）",
		switchTo:    "MX レコード（と autoconfig・autodiscover）を新しいサーバー（%s）に切り替える",
		overlapEnd:  "並行期間の終わり。旧サーバー（%s）のメールボックスを開き、メールが届かなくなったことを確かめる",
		oldAccounts: "各端末から旧サーバー（%s）のアカウントを削除し、旧サーバーを解約する。MX の TTL を元に戻す",
	},
	"en": {
		ttl:         "Lower the MX record's TTL to about 300 seconds (mailprofile dns shows the records)",
		sheets:      "Hand out the setup sheets: everyone adds the new account beside the current one (mailprofile sheet)",
		switchTo:    "Switch the MX record (and autoconfig, autodiscover) to the new server (%s)",
		overlapEnd:  "The overlap ends: look into mailboxes on the old server (%s) to check that mail no longer arrives there",
		oldAccounts: "Remove the accounts on the old server (%s) from every device and cancel it; raise the MX TTL again",
	},
}

// WriteText writes the steps a line each: the day, then what to do.
func WriteText(w io.Writer, steps []Step) error {
	for _, s := range steps {
		if _, err := fmt.Fprintf(w, "%s  %s\n", s.Day.Format(time.DateOnly), s.What); err != nil {
			return err
		}
	}
	return nil
}

// WriteICS writes the steps as an iCalendar file: one all-day event a
// step, each with a UID made of the domain, the switch date and the step,
// so that importing a newer plan of the same move replaces its events.
// stamp is the file's DTSTAMP: when it was made.
func WriteICS(w io.Writer, site *mailprofile.Site, steps []Step, stamp time.Time) error {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//mailprofile//plan//EN")
	for _, s := range steps {
		e := ical.NewEvent()
		e.Props.SetText(ical.PropUID, fmt.Sprintf("%s-%s@%s", s.Key, site.Migration.SwitchDate.Format("20060102"), site.Domain))
		e.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
		e.Props.SetDate(ical.PropDateTimeStart, s.Day)
		e.Props.SetDate(ical.PropDateTimeEnd, s.Day.AddDate(0, 0, 1))
		e.Props.SetText(ical.PropSummary, s.What)
		cal.Children = append(cal.Children, e.Component)
	}
	return ical.NewEncoder(w).Encode(cal)
}

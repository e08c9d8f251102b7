package cells

import (
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDate(t *testing.T) {
	oct20 := day(2023, 10, 20)
	for _, c := range []struct {
		in     string
		opts   DateOptions
		want   time.Time
		noted  bool       // a Note is expected
		reason crm.Reason // the error's, "" when it reads
		msg    string     // part of the error's message
	}{
		{in: "2023-10-20", want: oct20},
		{in: " 2023-10-20 ", want: oct20},
		{in: "2023/10/20", want: oct20, noted: true},
		{in: "2023.10.20", want: oct20, noted: true},
		{in: "2023年10月20日", want: oct20, noted: true},
		{in: "2023 年 10 月 20 日", want: oct20, noted: true},
		{in: "2023年10月20号", want: oct20, noted: true},
		{in: "2023-1-5", want: day(2023, 1, 5), noted: true},
		{in: "2023/1/5", want: day(2023, 1, 5), noted: true},
		{in: "２０２３－１０－２０", want: oct20, noted: true},
		{in: "２０２３年１０月２０日", want: oct20, noted: true},
		{in: "20231020", want: oct20, noted: true},
		{in: "45219", want: oct20, noted: true},           // Excel serial
		{in: "45219.604166667", want: oct20, noted: true}, // with a time of day: the day
		{in: "45219.99999999", want: oct20, noted: true},  // a hair before midnight stays on its day
		{in: "43890", want: day(2020, 2, 29), noted: true},
		{in: "43831", opts: DateOptions{Date1904: true}, want: day(2024, 1, 2), noted: true},
		{in: "2023-10-20 14:30", want: oct20, noted: true},
		{in: "2023-10-20 00:00:00", want: oct20, noted: true},
		{in: "2023/10/20 9:05:07.123", want: oct20, noted: true},
		{in: "2023-10-20T14:30", want: oct20, noted: true},
		{in: "2024-02-29", want: day(2024, 2, 29)},
		{in: "2000-02-29", want: day(2000, 2, 29)},
		{in: "2023-12-31", opts: DateOptions{NotAfter: day(2023, 12, 31)}, want: day(2023, 12, 31)},
		{in: "1990-01-01", opts: DateOptions{NotBefore: day(1990, 1, 1)}, want: day(1990, 1, 1)},

		{in: "", reason: crm.ReasonRequired},
		{in: " \u3000 ", reason: crm.ReasonRequired},
		{in: "2023-02-30", reason: crm.ReasonInvalidDate, msg: "days 1 to 28"},
		{in: "2023-02-29", reason: crm.ReasonInvalidDate, msg: "days 1 to 28"},
		{in: "1900-02-29", reason: crm.ReasonInvalidDate, msg: "days 1 to 28"},
		{in: "2023-04-31", reason: crm.ReasonInvalidDate, msg: "days 1 to 30"},
		{in: "2023-13-01", reason: crm.ReasonInvalidDate, msg: "no month 13"},
		{in: "2023-00-10", reason: crm.ReasonInvalidDate, msg: "no month 0"},
		{in: "2023-10-00", reason: crm.ReasonInvalidDate},
		{in: "2023年2月30日", reason: crm.ReasonInvalidDate},
		{in: "20230230", reason: crm.ReasonInvalidDate},
		{in: "03-01-23", reason: crm.ReasonInvalidDate, msg: "ambiguous"},
		{in: "10/20/2023", reason: crm.ReasonInvalidDate, msg: "ambiguous"},
		{in: "20/10/2023", reason: crm.ReasonInvalidDate, msg: "ambiguous"},
		{in: "23-10-20", reason: crm.ReasonInvalidDate, msg: "ambiguous"},
		{in: "2023-10/20", reason: crm.ReasonInvalidDate, msg: "yyyy-mm-dd"},
		{in: "2023-10-200", reason: crm.ReasonInvalidDate},
		{in: "2023年10月", reason: crm.ReasonInvalidDate},
		{in: "2023", reason: crm.ReasonInvalidDate, msg: "a year"},
		{in: "123", reason: crm.ReasonInvalidDate, msg: "five digits"},
		{in: "452190", reason: crm.ReasonInvalidDate},
		{in: "09999", reason: crm.ReasonInvalidDate},
		{in: "-45219", reason: crm.ReasonInvalidDate},
		{in: "0823-10-20", reason: crm.ReasonInvalidDate, msg: "year"},
		{in: "yesterday", reason: crm.ReasonInvalidDate},
		{in: "二〇二三年十月二十日", reason: crm.ReasonInvalidDate},
		{in: "2023-10-20 25:00", reason: crm.ReasonInvalidDate, msg: "time of day"},
		{in: "2023-10-20 14:60", reason: crm.ReasonInvalidDate, msg: "time of day"},
		{in: "2023-10-20 later", reason: crm.ReasonInvalidDate},
		{in: "2023-10-20T14:30:00Z", reason: crm.ReasonInvalidDate, msg: "time zone"},
		{in: "2024-01-01", opts: DateOptions{NotAfter: day(2023, 12, 31)}, reason: crm.ReasonOutOfRange, msg: "after 2023-12-31"},
		{in: "1989-12-31", opts: DateOptions{NotBefore: day(1990, 1, 1)}, reason: crm.ReasonOutOfRange, msg: "before 1990-01-01"},
	} {
		got, n, err := Date(c.in, c.opts)
		if r := reasonOf(err); r != c.reason {
			t.Errorf("Date(%q): error %v (%s), want reason %q", c.in, err, r, c.reason)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), c.msg) || (strings.TrimSpace(c.in) != "" && !strings.Contains(err.Error(), strings.TrimSpace(c.in))) {
				t.Errorf("Date(%q): message %q should quote the cell and say %q", c.in, err, c.msg)
			}
			continue
		}
		if !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("Date(%q) = %v, want %v", c.in, got, c.want)
		}
		if !n.IsZero() != c.noted || (c.noted && (n.From != strings.TrimSpace(c.in) || n.To != c.want.Format("2006-01-02"))) {
			t.Errorf("Date(%q): note %+v, noted %v", c.in, n, c.noted)
		}
	}
}

func TestDateTime(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, c := range []struct {
		in     string
		loc    *time.Location
		want   time.Time
		note   string
		reason crm.Reason
	}{
		{in: "2023-10-20 14:30", want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC)}, // nil: Asia/Shanghai
		{in: "2023-10-20 14:30", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC)},
		{in: "2023-10-20 14:30", loc: time.UTC, want: time.Date(2023, 10, 20, 14, 30, 0, 0, time.UTC)},
		{in: "2023-10-20 14:30:15", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 15, 0, time.UTC)},
		{in: "2023/10/20 9:05", loc: sh, want: time.Date(2023, 10, 20, 1, 5, 0, 0, time.UTC), note: "2023-10-20 09:05"},
		{in: "2023-10-20T14:30:00+08:00", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC), note: "2023-10-20 14:30"},
		{in: "2023-10-20T06:30:00Z", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC), note: "2023-10-20 14:30"},
		{in: "2023-10-20 14:30 -0500", loc: time.UTC, want: time.Date(2023, 10, 20, 19, 30, 0, 0, time.UTC), note: "2023-10-20 19:30"},
		{in: "2023年10月20日 14:30", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC), note: "2023-10-20 14:30"},
		{in: "2023年10月20日14:30", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC), note: "2023-10-20 14:30"},
		{in: "２０２３－１０－２０　１４：３０", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC), note: "2023-10-20 14:30"},
		{in: "2023-10-20", loc: sh, want: time.Date(2023, 10, 19, 16, 0, 0, 0, time.UTC), note: "2023-10-20 00:00"},
		{in: "45219.604166667", loc: sh, want: time.Date(2023, 10, 20, 6, 30, 0, 0, time.UTC), note: "2023-10-20 14:30"},
		{in: "45219.5", loc: time.UTC, want: time.Date(2023, 10, 20, 12, 0, 0, 0, time.UTC), note: "2023-10-20 12:00"},
		{in: "45219.99999999", loc: time.UTC, want: time.Date(2023, 10, 20, 23, 59, 59, 0, time.UTC), note: "2023-10-20 23:59:59"},

		{in: "", reason: crm.ReasonRequired},
		{in: "2023-10-20 24:00", reason: crm.ReasonInvalidDate},
		{in: "2023-10-20 14:30:61", reason: crm.ReasonInvalidDate},
		{in: "2023-10-20 14:30 +15:00", reason: crm.ReasonInvalidDate},
		{in: "2023-10-20 2:30 PM", reason: crm.ReasonInvalidDate},
		{in: "10/20/2023 14:30", reason: crm.ReasonInvalidDate},
		{in: "14:30", reason: crm.ReasonInvalidDate},
	} {
		got, n, err := DateTime(c.in, c.loc, DateOptions{})
		if r := reasonOf(err); r != c.reason {
			t.Errorf("DateTime(%q): error %v, want reason %q", c.in, err, c.reason)
			continue
		}
		if err != nil {
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("DateTime(%q) = %v, want %v", c.in, got, c.want.In(sh))
		}
		if n.To != c.note {
			t.Errorf("DateTime(%q): note %+v, want To %q", c.in, n, c.note)
		}
	}
	// The bounds compare the date in the location.
	_, _, err := DateTime("2024-01-01 00:30", sh, DateOptions{NotAfter: day(2023, 12, 31)})
	if reasonOf(err) != crm.ReasonOutOfRange {
		t.Errorf("after NotAfter in Shanghai: %v", err)
	}
	if _, _, err := DateTime("2023-12-31 23:30", sh, DateOptions{NotAfter: day(2023, 12, 31)}); err != nil {
		t.Errorf("on NotAfter's day in Shanghai: %v", err)
	}
}

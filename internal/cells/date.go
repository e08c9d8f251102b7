package cells

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// DateOptions qualify how a column's dates are read.
type DateOptions struct {
	// Date1904: the workbook counts serial numbers from 1904-01-01 (old
	// Mac Excel; excelize reports it in the workbook's properties).
	Date1904 bool
	// NotBefore and NotAfter bound the date (inclusive; for DateTime, the
	// calendar date in its location); zero means no bound. A first
	// cooperation date, for example, is not after today.
	NotBefore, NotAfter time.Time
}

const dateExample = "yyyy-mm-dd, e.g. 2023-10-20"

// Date reads a calendar date and returns it as midnight UTC (crm.DateOf's
// form). It accepts 2023-10-20, 2023-1-5, 2023/10/20, 2023.10.20,
// 2023年10月20日 (or 号), 20231020, an Excel serial number of five digits
// (45219 is 2023-10-20; a fraction is a time of day and is dropped), and
// any of these followed by a time of day without a zone, which is dropped.
// Errors (Reason): REQUIRED for an empty cell; INVALID_DATE for anything
// else that is not a date, an impossible date (2023-02-30) or an ambiguous
// one (03-01-23, 10/20/2023: the year must come first); OUT_OF_RANGE
// outside opts' bounds.
func Date(s string, opts DateOptions) (time.Time, Note, error) {
	v, err := readDateTime(s, opts)
	if err != nil {
		return time.Time{}, Note{}, err
	}
	if v.zone != nil {
		return time.Time{}, Note{}, fail(crm.ReasonInvalidDate, nil,
			"%s is a time with a time zone, not a date: write the date as %s", quote(s), dateExample)
	}
	d := time.Date(v.y, time.Month(v.m), v.d, 0, 0, 0, 0, time.UTC)
	if err := inBounds(s, d, opts); err != nil {
		return time.Time{}, Note{}, err
	}
	return d, note(s, d.Format(time.DateOnly), false), nil
}

// DateTime reads an instant given in loc (nil: crm.DefaultLocation), for
// interaction times: any form Date accepts, optionally followed (after a
// space or T) by a time of day H:MM or H:MM:SS (a fraction of a second is
// dropped) and an offset (Z, +08:00), which then overrides loc. A date
// without a time is its midnight in loc; an Excel serial's fraction is the
// time of day, to the nearest second. The Note's To is the time in loc,
// "2023-10-20 14:30" (with seconds when they are not zero). Errors as
// Date's.
func DateTime(s string, loc *time.Location, opts DateOptions) (time.Time, Note, error) {
	if loc == nil {
		loc = crm.DefaultLocation
	}
	v, err := readDateTime(s, opts)
	if err != nil {
		return time.Time{}, Note{}, err
	}
	zone := loc
	if v.zone != nil {
		zone = v.zone
	}
	t := time.Date(v.y, time.Month(v.m), v.d, 0, 0, v.sec, 0, zone).In(loc)
	if err := inBounds(s, crm.DateOf(t, loc), opts); err != nil {
		return time.Time{}, Note{}, err
	}
	return t, note(s, formatDateTime(t), false), nil
}

// formatDateTime is DateTime's canonical form of t (in t's location).
func formatDateTime(t time.Time) string {
	if t.Second() != 0 {
		return t.Format(time.DateTime)
	}
	return t.Format("2006-01-02 15:04")
}

func inBounds(s string, d time.Time, opts DateOptions) error {
	if !opts.NotBefore.IsZero() && d.Before(opts.NotBefore) {
		min := opts.NotBefore.Format(time.DateOnly)
		return fail(crm.ReasonOutOfRange, map[string]any{"min": min}, "%s is before %s", quote(s), min)
	}
	if !opts.NotAfter.IsZero() && d.After(opts.NotAfter) {
		max := opts.NotAfter.Format(time.DateOnly)
		return fail(crm.ReasonOutOfRange, map[string]any{"max": max}, "%s is after %s", quote(s), max)
	}
	return nil
}

// dateTime is a date, the seconds since its midnight, and the zone of an
// explicit offset (nil: none).
type dateTime struct {
	y, m, d int
	sec     int
	zone    *time.Location
}

var (
	// A date with separators, a compact date, a Chinese date; then the rest.
	sepDateRe     = regexp.MustCompile(`^(\d+) ?([-/.]) ?(\d+) ?([-/.]) ?(\d+)`)
	chineseDateRe = regexp.MustCompile(`^(\d+) ?年 ?(\d+) ?月 ?(\d+) ?[日号]?`)
	serialRe      = regexp.MustCompile(`^(\d+)(?:\.(\d+))?$`)
	// A time of day after the date: H:MM[:SS[.fff]] and an optional offset.
	timeRe = regexp.MustCompile(`^(?: ?T ?| ?)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?: ?(Z|[+-]\d{2}:?\d{2}))?$`)
)

func readDateTime(s string, opts DateOptions) (dateTime, error) {
	t := Fold(s)
	if t == "" {
		return dateTime{}, required("a date (" + dateExample + ")")
	}
	if m := serialRe.FindStringSubmatch(t); m != nil {
		return readNumber(s, m[1], m[2], opts)
	}
	var v dateTime
	var rest string
	if m := sepDateRe.FindStringSubmatch(t); m != nil {
		switch {
		case len(m[1]) == 4 && m[2] == m[4] && len(m[3]) <= 2 && len(m[5]) <= 2:
		case len(m[1]) <= 2 && len(m[3]) <= 2 && (len(m[5]) == 2 || len(m[5]) == 4):
			return v, ambiguous(s)
		default:
			return v, notDate(s)
		}
		v.y, v.m, v.d = atoi(m[1]), atoi(m[3]), atoi(m[5])
		rest = t[len(m[0]):]
	} else if m := chineseDateRe.FindStringSubmatch(t); m != nil {
		if len(m[1]) != 4 || len(m[2]) > 2 || len(m[3]) > 2 {
			return v, notDate(s)
		}
		v.y, v.m, v.d = atoi(m[1]), atoi(m[2]), atoi(m[3])
		rest = t[len(m[0]):]
	} else {
		return v, notDate(s)
	}
	if err := checkDate(s, v.y, v.m, v.d); err != nil {
		return v, err
	}
	if rest == "" {
		return v, nil
	}
	m := timeRe.FindStringSubmatch(rest)
	if m == nil {
		return v, notDate(s)
	}
	h, mi, sec := atoi(m[1]), atoi(m[2]), 0
	if m[3] != "" {
		sec = atoi(m[3])
	}
	if h > 23 || mi > 59 || sec > 59 {
		return v, fail(crm.ReasonInvalidDate, nil, "%s has an impossible time of day (00:00 to 23:59:59)", quote(s))
	}
	v.sec = h*3600 + mi*60 + sec
	if z := m[4]; z != "" {
		off := 0
		if z != "Z" {
			z = strings.ReplaceAll(z, ":", "")
			off = (atoi(z[1:3])*60 + atoi(z[3:5])) * 60
			if atoi(z[1:3]) > 14 || atoi(z[3:5]) > 59 {
				return v, fail(crm.ReasonInvalidDate, nil, "%s has an impossible time zone offset", quote(s))
			}
			if z[0] == '-' {
				off = -off
			}
		}
		v.zone = time.FixedZone("", off)
	}
	return v, nil
}

// readNumber reads a cell that is a plain number: yyyymmdd, or an Excel
// serial of five digits (1927-05-18 to 2173-10-13) with an optional
// fraction of a day. Other numbers are refused: a four-digit number is
// more likely a year than a serial in 1900-1927.
func readNumber(s, whole, frac string, opts DateOptions) (dateTime, error) {
	var v dateTime
	switch {
	case len(whole) == 8 && frac == "":
		v.y, v.m, v.d = atoi(whole[:4]), atoi(whole[4:6]), atoi(whole[6:])
		return v, checkDate(s, v.y, v.m, v.d)
	case len(whole) == 5 && whole[0] != '0':
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		if opts.Date1904 {
			base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		day := base.AddDate(0, 0, atoi(whole))
		y, m, d := day.Date()
		v.y, v.m, v.d = y, int(m), d
		if frac != "" {
			// The fraction of a day, to the nearest second: twelve digits
			// are far below a second (86 ns) and keep f*86400 in range.
			if len(frac) > 12 {
				frac = frac[:12]
			}
			f, _ := strconv.ParseUint(frac, 10, 64)
			scale := uint64(1)
			for range len(frac) {
				scale *= 10
			}
			// A fraction a hair under the next day stays on its day.
			v.sec = int(min((f*86400+scale/2)/scale, 86399))
		}
		return v, nil
	}
	if frac == "" && len(whole) == 4 {
		return v, fail(crm.ReasonInvalidDate, nil, "%s is a year, not a date: write the date as %s", quote(s), dateExample)
	}
	return v, fail(crm.ReasonInvalidDate, nil,
		"%s is a number, not a date: write the date as %s (an Excel date serial has five digits: 45219 is 2023-10-20)", quote(s), dateExample)
}

func checkDate(s string, y, m, d int) error {
	if y < 1900 || y > 9999 {
		return fail(crm.ReasonInvalidDate, nil, "%s has an impossible year: write the date as %s", quote(s), dateExample)
	}
	if m < 1 || m > 12 {
		return fail(crm.ReasonInvalidDate, nil, "%s has no month %d: write the date as %s", quote(s), m, dateExample)
	}
	if last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day(); d < 1 || d > last {
		return fail(crm.ReasonInvalidDate, nil, "%s is not a date: %d-%02d has days 1 to %d", quote(s), y, m, last)
	}
	return nil
}

func ambiguous(s string) error {
	return fail(crm.ReasonInvalidDate, nil,
		"%s is ambiguous (which part is the year, the month, the day?): write the date as %s", quote(s), dateExample)
}

func notDate(s string) error {
	return fail(crm.ReasonInvalidDate, nil, "%s is not a date: write it as %s", quote(s), dateExample)
}

// atoi reads a run of at most 9 ASCII digits (the regular expressions
// guarantee the digits; longer runs read as a huge number).
func atoi(s string) int {
	if len(s) > 9 {
		return 1 << 40
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

package segment

import (
	"strconv"
	"time"
)

// Unit is the unit of a relative Duration.
type Unit byte

const (
	Days   Unit = 'd'
	Weeks  Unit = 'w'
	Months Unit = 'm'
	Years  Unit = 'y'
)

// Duration is a calendar duration such as 90d, 2w, 6m or 1y. Days and weeks
// are calendar days and months and years calendar months in Options.Loc:
// 1m before March 31 is February 28 (or 29): the day is clamped to the
// month's end, never carried into the next month.
type Duration struct {
	N    int
	Unit Unit
}

// maxDuration bounds every relative duration: 100 years.
var maxDuration = map[Unit]int{Days: 36525, Weeks: 5218, Months: 1200, Years: 100}

// ParseDuration reads "90d", "2w", "6m" or "1y" (a non-negative integer and a
// unit; upper-case units and the Chinese 天 周 月 年 are accepted too).
func ParseDuration(s string) (Duration, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 6 {
		return Duration{}, false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return Duration{}, false
	}
	var u Unit
	switch s[i:] {
	case "d", "D", "天":
		u = Days
	case "w", "W", "周":
		u = Weeks
	case "m", "M", "月", "个月":
		u = Months
	case "y", "Y", "年":
		u = Years
	default:
		return Duration{}, false
	}
	return Duration{N: n, Unit: u}, true
}

// String formats the duration as it is parsed: "90d".
func (d Duration) String() string { return strconv.Itoa(d.N) + string(rune(d.Unit)) }

// valid reports a known unit, a non-negative count and at most 100 years.
func (d Duration) valid() bool {
	max, ok := maxDuration[d.Unit]
	return ok && d.N >= 0 && d.N <= max
}

// before returns t (read in t's location) moved back by d on the calendar.
func (d Duration) before(t time.Time) time.Time {
	switch d.Unit {
	case Days:
		return t.AddDate(0, 0, -d.N)
	case Weeks:
		return t.AddDate(0, 0, -7*d.N)
	case Months:
		return addMonthsClamped(t, -d.N)
	case Years:
		return addMonthsClamped(t, -12*d.N)
	}
	return t
}

func addMonthsClamped(t time.Time, months int) time.Time {
	y, m, day := t.Date()
	hh, mm, ss := t.Clock()
	total := int(m) - 1 + months
	ny, nm := y+floorDiv(total, 12), time.Month(floorMod(total, 12)+1)
	if last := daysIn(ny, nm); day > last {
		day = last
	}
	return time.Date(ny, nm, day, hh, mm, ss, t.Nanosecond(), t.Location())
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// approxDays is used only to order two relative durations of different
// units when validating a range statically.
func (d Duration) approxDays() (lo, hi int) {
	switch d.Unit {
	case Days:
		return d.N, d.N
	case Weeks:
		return 7 * d.N, 7 * d.N
	case Months:
		return 28 * d.N, 31 * d.N
	case Years:
		return 365 * d.N, 366 * d.N
	}
	return 0, 0
}

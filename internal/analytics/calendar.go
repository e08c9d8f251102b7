package analytics

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Date is a calendar date.
type Date = segment.Date

// Range is a span of whole calendar days, First to Last inclusive, in the
// request's time zone. On a fact with an instant (an interaction's time) it
// is First 00:00 to the end of Last in that zone; on a fact with a date (a
// deal's) it is those dates.
type Range struct{ First, Last Date }

// RangeInput is a request's range: absolute (From and To, both inclusive)
// or relative (the Last Units ending today, the current one included:
// Last 12 MONTH on 6 December 2026 is 1 January to 6 December 2026).
type RangeInput struct {
	From, To *Date
	Last     int
	Unit     Dimension // a time unit, with Last
}

// MaxRangeYears bounds a range's length.
const MaxRangeYears = 100

// resolve turns the input into a Range in loc as of now. Errors name the
// field under "range".
func (in RangeInput) resolve(now time.Time, loc *time.Location, p crm.Problems) (Range, bool) {
	abs := in.From != nil || in.To != nil
	rel := in.Last != 0 || in.Unit != ""
	switch {
	case abs && rel:
		p.Fail("", crm.ReasonNotAllowed, nil, "give from and to, or last and unit, not both")
		return Range{}, false
	case rel:
		if !in.Unit.IsTime() {
			p.Fail("unit", crm.ReasonNotAllowed, map[string]any{"value": string(in.Unit)}, "must be DAY, WEEK, MONTH, QUARTER or YEAR")
			return Range{}, false
		}
		if in.Last < 1 || in.Last > maxLast(in.Unit) {
			p.Fail("last", crm.ReasonOutOfRange, map[string]any{"min": 1, "max": maxLast(in.Unit)},
				"must be between 1 and %d", maxLast(in.Unit))
			return Range{}, false
		}
		today := segment.DateOf(now, loc)
		first := addUnits(startOf(in.Unit, today), in.Unit, -(in.Last - 1))
		return Range{first, today}, true
	case in.From == nil || in.To == nil:
		f := "to"
		if in.From == nil {
			f = "from"
		}
		p.Fail(f, crm.ReasonRequired, nil, "a range needs both ends (from and to), or last and unit")
		return Range{}, false
	}
	r := Range{*in.From, *in.To}
	if !validDate(r.First) || !validDate(r.Last) {
		p.Fail("", crm.ReasonInvalid, nil, "dates must exist and lie between 1900 and 9999")
		return Range{}, false
	}
	if less(r.Last, r.First) {
		p.Fail("to", crm.ReasonOutOfRange, map[string]any{"min": r.First.String()}, "must not be before from (%s)", r.First)
		return Range{}, false
	}
	if r.Last.Year-r.First.Year > MaxRangeYears {
		p.Fail("", crm.ReasonOutOfRange, map[string]any{"max": MaxRangeYears}, "may span at most %d years", MaxRangeYears)
		return Range{}, false
	}
	return r, true
}

func maxLast(u Dimension) int {
	switch u {
	case Day:
		return 366 * MaxRangeYears
	case Week:
		return 53 * MaxRangeYears
	case Month:
		return 12 * MaxRangeYears
	case Quarter:
		return 4 * MaxRangeYears
	}
	return MaxRangeYears
}

func validDate(d Date) bool {
	if d.Year < 1900 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	t := midnight(d, time.UTC)
	return t.Day() == d.Day && t.Month() == d.Month
}

func less(a, b Date) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

func midnight(d Date, loc *time.Location) time.Time { return d.Start(loc) }

func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

func addDays(d Date, n int) Date { return dateOf(midnight(d, time.UTC).AddDate(0, 0, n)) }

// addMonths adds n months, clamping the day to the month's end (31 March
// minus one month is 28 or 29 February).
func addMonths(d Date, n int) Date {
	first := midnight(Date{Year: d.Year, Month: d.Month, Day: 1}, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}

// startOf is the first day of the unit containing d.
func startOf(u Dimension, d Date) Date {
	switch u {
	case Week:
		wd := int(midnight(d, time.UTC).Weekday()+6) % 7 // Monday 0
		return addDays(d, -wd)
	case Month:
		return Date{Year: d.Year, Month: d.Month, Day: 1}
	case Quarter:
		return Date{Year: d.Year, Month: (d.Month-1)/3*3 + 1, Day: 1}
	case Year:
		return Date{Year: d.Year, Month: 1, Day: 1}
	}
	return d
}

// addUnits moves a unit's first day by n units.
func addUnits(d Date, u Dimension, n int) Date {
	switch u {
	case Week:
		return addDays(d, 7*n)
	case Month:
		return addMonths(d, n)
	case Quarter:
		return addMonths(d, 3*n)
	case Year:
		return addMonths(d, 12*n)
	}
	return addDays(d, n)
}

// isMonthEnd reports whether d is the last day of its month.
func isMonthEnd(d Date) bool { return addDays(d, 1).Day == 1 }

// Previous returns the range compared with r: for PREVIOUS_YEAR the same
// dates a year earlier (29 February becomes the 28th); for PREVIOUS_PERIOD
// the period of the same calendar length just before r: when r starts on a
// month's first day, the same number of months earlier (1 January to 6
// December against 1 January to 6 December of the year before; March
// against February, whole), otherwise the same number of days just before.
func (r Range) Previous(c Compare) Range {
	if c == PreviousYear {
		return Range{addMonths(r.First, -12), addMonths(r.Last, -12)}
	}
	if r.First.Day == 1 {
		n := (r.Last.Year-r.First.Year)*12 + int(r.Last.Month-r.First.Month) + 1
		last := addMonths(r.Last, -n)
		if isMonthEnd(r.Last) {
			last = addDays(addMonths(Date{Year: r.Last.Year, Month: r.Last.Month, Day: 1}, -n+1), -1)
		}
		return Range{addMonths(r.First, -n), last}
	}
	n := r.days()
	return Range{addDays(r.First, -n), addDays(r.Last, -n)}
}

// days is the number of days in r.
func (r Range) days() int {
	return int(midnight(r.Last, time.UTC).Sub(midnight(r.First, time.UTC)).Hours()/24) + 1
}

// Millis returns r as Unix milliseconds [lo, hi): in loc for a fact with
// an instant, or as dates stored at midnight UTC when loc is UTC.
func (r Range) Millis(loc *time.Location) (lo, hi int64) {
	return midnight(r.First, loc).UnixMilli(), midnight(addDays(r.Last, 1), loc).UnixMilli()
}

// Buckets lists the keys of the unit's buckets that meet r, in order.
func (r Range) Buckets(u Dimension) []string {
	var out []string
	for d := startOf(u, r.First); !less(r.Last, d); d = addUnits(d, u, 1) {
		out = append(out, bucketKey(u, d))
	}
	return out
}

// bucketCount is len(r.Buckets(u)) without building them.
func (r Range) bucketCount(u Dimension) int {
	first, last := startOf(u, r.First), startOf(u, r.Last)
	switch u {
	case Day:
		return r.days()
	case Week:
		return Range{first, last}.days()/7 + 1
	}
	months := (last.Year-first.Year)*12 + int(last.Month-first.Month)
	switch u {
	case Quarter:
		return months/3 + 1
	case Year:
		return last.Year - first.Year + 1
	}
	return months + 1
}

// bucketKey is the key of the bucket of unit u that starts on d:
// 2026-03-01, 2026-W09 (ISO week), 2026-03, 2026-Q1, 2026.
func bucketKey(u Dimension, d Date) string {
	switch u {
	case Week:
		y, w := midnight(d, time.UTC).ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", d.Year, (int(d.Month)-1)/3+1)
	case Year:
		return fmt.Sprintf("%04d", d.Year)
	}
	return d.String()
}

// bucketSpan parses a bucket key back to its first and last day.
func bucketSpan(u Dimension, key string) (first, last Date, ok bool) {
	var y, n int
	switch u {
	case Day:
		t, err := time.Parse(time.DateOnly, key)
		if err != nil {
			return first, last, false
		}
		return dateOf(t), dateOf(t), true
	case Week:
		if _, err := fmt.Sscanf(key, "%4d-W%2d", &y, &n); err != nil {
			return first, last, false
		}
		// ISO week 1 holds 4 January.
		first = addDays(startOf(Week, Date{Year: y, Month: 1, Day: 4}), 7*(n-1))
		return first, addDays(first, 6), true
	case Month:
		if _, err := fmt.Sscanf(key, "%4d-%2d", &y, &n); err != nil {
			return first, last, false
		}
		first = Date{Year: y, Month: time.Month(n), Day: 1}
	case Quarter:
		if _, err := fmt.Sscanf(key, "%4d-Q%1d", &y, &n); err != nil {
			return first, last, false
		}
		first = Date{Year: y, Month: time.Month(3*(n-1) + 1), Day: 1}
	case Year:
		v, err := strconv.Atoi(key)
		if err != nil {
			return first, last, false
		}
		first = Date{Year: v, Month: 1, Day: 1}
	default:
		return first, last, false
	}
	return first, addDays(addUnits(first, u, 1), -1), true
}

// bucketLabel words a bucket key in the locale.
func bucketLabel(u Dimension, key string, loc crm.Locale) string {
	first, _, ok := bucketSpan(u, key)
	if !ok {
		return key
	}
	en := loc == crm.LocaleEn
	switch u {
	case Week:
		var y, w int
		fmt.Sscanf(key, "%4d-W%2d", &y, &w)
		if en {
			return fmt.Sprintf("%d W%02d", y, w)
		}
		return fmt.Sprintf("%d年第%d周", y, w)
	case Month:
		if en {
			return midnight(first, time.UTC).Format("Jan 2006")
		}
		return fmt.Sprintf("%d年%d月", first.Year, int(first.Month))
	case Quarter:
		q := (int(first.Month)-1)/3 + 1
		if en {
			return fmt.Sprintf("%d Q%d", first.Year, q)
		}
		return fmt.Sprintf("%d年第%d季度", first.Year, q)
	case Year:
		if en {
			return strconv.Itoa(first.Year)
		}
		return fmt.Sprintf("%d年", first.Year)
	}
	return key
}

// bucketer finds the bucket of a time quickly: it keeps the buckets it has
// met in order and converts a time to the zone's calendar only for a time
// outside every one of them (a few times per query, not once per row).
type bucketer struct {
	unit    Dimension
	loc     *time.Location
	spans   []span   // sorted by lo, not overlapping
	keys    []string // by span id
	last    int      // index of the span found last
	created int      // spans made (the calendar conversions)
}

type span struct {
	lo, hi int64 // [lo, hi) in Unix milliseconds
	key    string
	date   int64 // the first day as a date is stored: midnight UTC, Unix ms
	id     int   // in order of creation: the index of its key in keys
}

func newBucketer(u Dimension, loc *time.Location) *bucketer {
	return &bucketer{unit: u, loc: loc, last: -1}
}

// key returns the key of the bucket holding the time ms.
func (b *bucketer) key(ms int64) string { return b.find(ms).key }

// dateMillis returns the first day of the bucket holding ms as a date is
// stored (midnight UTC, Unix ms): with unit DAY, the calendar day of ms.
func (b *bucketer) dateMillis(ms int64) int64 { return b.find(ms).date }

func (b *bucketer) find(ms int64) *span {
	if b.last >= 0 {
		if s := &b.spans[b.last]; ms >= s.lo && ms < s.hi {
			return s
		}
	}
	i := sort.Search(len(b.spans), func(i int) bool { return b.spans[i].hi > ms })
	if i < len(b.spans) && b.spans[i].lo <= ms {
		b.last = i
		return &b.spans[i]
	}
	d := startOf(b.unit, dateOf(time.UnixMilli(ms).In(b.loc)))
	s := span{midnight(d, b.loc).UnixMilli(), midnight(addUnits(d, b.unit, 1), b.loc).UnixMilli(), bucketKey(b.unit, d),
		midnight(d, time.UTC).UnixMilli(), len(b.keys)}
	b.keys = append(b.keys, s.key)
	b.spans = append(b.spans, span{})
	copy(b.spans[i+1:], b.spans[i:])
	b.spans[i] = s
	b.last = i
	b.created++
	return &b.spans[i]
}

// grid finds the bucket of a time in constant time over a known stretch
// [lo, hi): the stretch is cut into slots of 2^shift milliseconds, shorter
// than the unit's shortest bucket, so a slot holds at most one bucket
// boundary; each slot keeps its first bucket and, when another starts in
// it, where and which. It is built from a bucketer (which converts a few
// slot starts to the calendar) and then never converts a time again:
// what the columnar engine looks a row's bucket up with.
type grid struct {
	origin int64
	shift  uint
	slots  []gridSlot
}

type gridSlot struct {
	cut    int64  // offset in the slot where bucket next starts (1<<shift: none)
	bucket uint32 // the bucket at the slot's start
	next   uint32
}

// maxGridSlots bounds a grid's size (16 bytes a slot); a stretch needing
// more slots (data centuries apart) is looked up through the bucketer.
const maxGridSlots = 1 << 16

// gridShift is the slot size for a unit, as a power of two milliseconds:
// shorter than its shortest bucket (a day of 23 hours, a week, a month of
// 28 days).
func gridShift(u Dimension) uint {
	switch u {
	case Day:
		return 26 // 18.6 hours
	case Week:
		return 29 // 6.2 days
	}
	return 31 // 24.9 days
}

// newGrid builds the grid of b's unit over [lo, hi]; ok is false when the
// stretch needs too many slots or the zone has a bucket shorter than a
// slot (none does today; the check keeps the lookup exact regardless).
func newGrid(b *bucketer, lo, hi int64) (*grid, bool) {
	if hi < lo {
		hi = lo
	}
	shift := gridShift(b.unit)
	n := (hi-lo)>>shift + 1
	if n > maxGridSlots {
		return nil, false
	}
	g := &grid{origin: lo, shift: shift, slots: make([]gridSlot, n)}
	size := int64(1) << shift
	for i := range g.slots {
		start := lo + int64(i)<<shift
		s := b.find(start)
		sl := gridSlot{cut: size, bucket: uint32(s.id)}
		if end := s.hi; end < start+size {
			t := b.find(end)
			if t.hi < start+size {
				return nil, false
			}
			sl.cut, sl.next = end-start, uint32(t.id)
		}
		g.slots[i] = sl
	}
	return g, true
}

// id is the bucket of ms, which must lie in the grid's stretch.
func (g *grid) id(ms int64) uint32 {
	off := ms - g.origin
	s := &g.slots[off>>g.shift]
	if off&(1<<g.shift-1) >= s.cut {
		return s.next
	}
	return s.bucket
}

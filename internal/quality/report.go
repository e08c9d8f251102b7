package quality

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Kind is a kind of finding.
type Kind string

// The kinds of finding, in the order a report lists them (see the package
// documentation).
const (
	KindStale               Kind = "STALE"
	KindUnreachableContacts Kind = "UNREACHABLE_CONTACTS"
	KindNoOwner             Kind = "NO_OWNER"
	KindInactiveOwner       Kind = "INACTIVE_OWNER"
	KindInvalidCreditCode   Kind = "INVALID_CREDIT_CODE"
	KindSharedPhone         Kind = "SHARED_PHONE"
	KindRepeatedFollowUps   Kind = "REPEATED_FOLLOW_UPS"
)

var kinds = []Kind{KindStale, KindUnreachableContacts, KindNoOwner, KindInactiveOwner, KindInvalidCreditCode,
	KindSharedPhone, KindRepeatedFollowUps}

// Kinds lists the kinds of finding in report order.
func Kinds() []Kind { return slices.Clone(kinds) }

// StaleAfter is how long without a change or a follow-up makes a customer
// stale, in calendar months.
const StaleAfter = 6

// DrillLen is how many customers a finding, a missing field and the least
// complete list name.
const DrillLen = 20

// Ref names a customer for the app to link to.
type Ref struct {
	ID   string
	Code string
	Name string
}

// Scored is a customer and its completeness score.
type Scored struct {
	Ref
	Score int
}

// Finding is one kind of problem found on customers.
type Finding struct {
	Kind      Kind
	Customers int // customers concerned
	// Records are the things found: contacts (UNREACHABLE_CONTACTS),
	// phones (SHARED_PHONE), repeated interactions (REPEATED_FOLLOW_UPS),
	// else the customers.
	Records int
	Drill   []Ref // the first DrillLen customers concerned, by code
}

// Missing is an essential field and the customers that miss it.
type Missing struct {
	Field     string
	Weight    int
	Customers int
	Drill     []Ref // the first DrillLen, by code
}

// Bucket is a range of scores, Min to Max inclusive, and how many
// customers score in it.
type Bucket struct {
	Min, Max  int
	Customers int
}

// Report is the data quality report over the active customers.
type Report struct {
	At          time.Time // the time it was computed for
	StaleBefore time.Time // STALE: no change and no interaction since then
	Customers   int       // active customers
	// AvgCompleteness is the mean score, to one decimal; 0 without
	// customers.
	AvgCompleteness float64
	// Histogram counts the scores in fifths: 0-19, 20-39, 40-59, 60-79,
	// 80-100.
	Histogram []Bucket
	// Missing has every essential field, by customers missing it (most
	// first), then in the order of Fields.
	Missing []Missing
	// LeastComplete are the DrillLen customers of lowest score, then by
	// code.
	LeastComplete []Scored
	// Findings has every kind, in the order of Kinds.
	Findings []Finding
	// ReadWhole is how many customers were read as whole documents (the
	// rest from the read model): what the report cost.
	ReadWhole int
}

// Finding returns the finding of kind k (zero when k is not a kind).
func (r *Report) Finding(k Kind) Finding {
	for _, f := range r.Findings {
		if f.Kind == k {
			return f
		}
	}
	return Finding{Kind: k}
}

// Config is what an Analyzer needs to know besides the customers.
type Config struct {
	Now time.Time
	Loc *time.Location // for the six calendar months; crm.DefaultLocation when nil
	// Owners tells whether a user id may own customers (an active user who
	// is not an analyst); nil: every owner may (no INACTIVE_OWNER).
	Owners func(id string) bool
}

// StaleBefore returns the cut-off of the STALE rule for now in loc (nil:
// crm.DefaultLocation): StaleAfter calendar months earlier.
func StaleBefore(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = crm.DefaultLocation
	}
	return now.In(loc).AddDate(0, -StaleAfter, 0)
}

// Analyzer builds a report from customers given one at a time (Add), as a
// scan of the store hands them out. It keeps the customers' ids, codes and
// names, and the phone keys, not the customers. Not safe for concurrent
// use.
type Analyzer struct {
	cfg    Config
	cutoff time.Time

	customers int
	scoreSum  int
	histogram [5]int
	missing   []drill // by field index
	least     []Scored
	found     map[Kind]*drill
	whole     int

	refs   []Ref // customers with phone keys, indexed by phones' members
	phones map[string]*phoneUse
}

// phoneUse is the customers sharing a phone key.
type phoneUse struct {
	name    string // the first customer's name key
	mixed   bool   // customers of another name key share it
	members []int32
}

// drill counts customers and records and keeps the first DrillLen
// customers by code.
type drill struct {
	customers, records int
	refs               []Ref
}

func (d *drill) add(r Ref, records int) {
	d.customers++
	d.records += records
	d.refs = keepFirst(d.refs, r, func(a, b Ref) int { return strings.Compare(a.Code, b.Code) })
}

// keepFirst inserts x into xs, sorted by cmp, keeping the first DrillLen.
func keepFirst[T any](xs []T, x T, cmp func(a, b T) int) []T {
	if len(xs) == DrillLen && cmp(x, xs[len(xs)-1]) >= 0 {
		return xs
	}
	i, _ := slices.BinarySearchFunc(xs, x, cmp)
	xs = slices.Insert(xs, i, x)
	if len(xs) > DrillLen {
		xs = xs[:DrillLen]
	}
	return xs
}

// NewAnalyzer returns an empty Analyzer.
func NewAnalyzer(cfg Config) *Analyzer {
	z := &Analyzer{cfg: cfg, cutoff: StaleBefore(cfg.Now, cfg.Loc), missing: make([]drill, len(fields)),
		found: map[Kind]*drill{}, phones: map[string]*phoneUse{}}
	for _, k := range kinds {
		z.found[k] = &drill{}
	}
	return z
}

// Add adds a customer, as CustomerStore.Each hands it out, and reports
// whether it was added. An archived customer is passed by (true). A Partial
// customer whose brief leaves something open (see the package
// documentation) is not added (false): add its whole document instead.
// The customer is neither kept nor modified.
func (z *Analyzer) Add(c *crm.Customer) bool {
	if c.Archived() {
		return true
	}
	f, exact := assess(c)
	unreached, known := unreachable(c)
	repeats := 0
	switch {
	case !exact || !known:
		return false
	case !c.Partial:
		repeats = RepeatCount(c.Interactions)
	case c.Brief == nil || mayRepeat(c.Brief):
		return false
	}
	keys := c.Match
	if !keys.Current() {
		if c.Partial {
			return false
		}
		keys = crm.MatchKeysOf(c)
	}
	if !c.Partial {
		z.whole++
	}

	ref := Ref{ID: c.ID, Code: c.Code, Name: c.Name}
	z.customers++
	score := f.score()
	z.scoreSum += score
	z.histogram[min(score/20, len(z.histogram)-1)]++
	z.least = keepFirst(z.least, Scored{ref, score}, func(a, b Scored) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), strings.Compare(a.Code, b.Code))
	})
	for i := range fields {
		if f&(1<<i) == 0 {
			z.missing[i].add(ref, 1)
		}
	}
	if c.UpdatedAt.Before(z.cutoff) && c.Stats.LastInteractionAt.Before(z.cutoff) {
		z.found[KindStale].add(ref, 1)
	}
	if unreached > 0 {
		z.found[KindUnreachableContacts].add(ref, unreached)
	}
	switch {
	case c.OwnerID == "":
		z.found[KindNoOwner].add(ref, 1)
	case z.cfg.Owners != nil && !z.cfg.Owners(c.OwnerID):
		z.found[KindInactiveOwner].add(ref, 1)
	}
	if c.CreditCode != "" && !crm.ValidCreditCode(c.CreditCode) {
		z.found[KindInvalidCreditCode].add(ref, 1)
	}
	if repeats > 0 {
		z.found[KindRepeatedFollowUps].add(ref, repeats)
	}
	if len(keys.Phones) > 0 {
		m := int32(len(z.refs))
		z.refs = append(z.refs, ref)
		for _, p := range keys.Phones {
			u := z.phones[p]
			if u == nil {
				u = &phoneUse{name: keys.Name}
				z.phones[p] = u
			} else if u.name != keys.Name {
				u.mixed = true
			}
			u.members = append(u.members, m)
		}
	}
	return true
}

// Report returns the report of the customers added. The Analyzer may not
// be used after.
func (z *Analyzer) Report() *Report {
	r := &Report{At: z.cfg.Now, StaleBefore: z.cutoff, Customers: z.customers, LeastComplete: z.least, ReadWhole: z.whole}
	if z.customers > 0 {
		r.AvgCompleteness = math.Round(float64(z.scoreSum)/float64(z.customers)*10) / 10
	}
	for i, n := range z.histogram {
		b := Bucket{Min: 20 * i, Max: 20*i + 19, Customers: n}
		if i == len(z.histogram)-1 {
			b.Max = 100
		}
		r.Histogram = append(r.Histogram, b)
	}
	for i, fd := range fields {
		m := z.missing[i]
		r.Missing = append(r.Missing, Missing{Field: fd.Key, Weight: fd.Weight, Customers: m.customers, Drill: m.refs})
	}
	slices.SortStableFunc(r.Missing, func(a, b Missing) int { return cmp.Compare(b.Customers, a.Customers) })

	shared := z.found[KindSharedPhone]
	in := map[int32]bool{}
	for _, u := range z.phones {
		if !u.mixed {
			continue
		}
		shared.records++
		for _, m := range u.members {
			if !in[m] {
				in[m] = true
				shared.add(z.refs[m], 0)
			}
		}
	}
	for _, k := range kinds {
		d := z.found[k]
		r.Findings = append(r.Findings, Finding{Kind: k, Customers: d.customers, Records: d.records, Drill: d.refs})
	}
	return r
}

package analytics

import (
	"slices"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Accessors of a Spec and of the catalog for an Engine that compiles the
// Spec itself (the MongoDB store), so it reads the same tables as
// Evaluate instead of copying them.

// Location is the request's time zone (the configured default when the
// Spec has none).
func (s *Spec) Location() *time.Location {
	if s.Loc == nil {
		return crm.DefaultLocation
	}
	return s.Loc
}

// FactLocation is the zone of the fact's time: UTC for a calendar date (a
// deal's, stored at midnight UTC), the request's zone for an instant.
func (s *Spec) FactLocation() *time.Location {
	if s.DateFact() {
		return time.UTC
	}
	return s.Location()
}

// WindowMillis is the window on the fact's time as Unix milliseconds
// [lo, hi); ok is false without a window.
func (s *Spec) WindowMillis() (lo, hi int64, ok bool) {
	if s.Window == nil {
		return 0, 0, false
	}
	lo, hi = s.Window.Millis(s.FactLocation())
	return lo, hi, true
}

// Own reports whether d is a dimension of the fact's rows besides its
// time (an interaction's CHANNEL), not the customer's.
func (f Fact) Own(d Dimension) bool { return slices.Contains(own[f], d) }

// Calendar returns the calendar unit of a dimension that buckets a time
// other than the fact's (CREATED_MONTH: Month of the customer's creation
// in the request's zone; FIRST_DEAL_MONTH, FIRST_DEAL_QUARTER: Month,
// Quarter of a date, utc true);
// ok is false for the other dimensions.
func (d Dimension) Calendar() (unit Dimension, utc bool, ok bool) {
	switch d {
	case CreatedMonth, OpenedMonth:
		return Month, false, true
	case CreatedQuarter:
		return Quarter, false, true
	case CreatedYear:
		return Year, false, true
	case FirstDealMonth:
		return Month, true, true
	case FirstDealQuarter:
		return Quarter, true, true
	}
	return "", false, false
}

// ScoreBands returns the lowest scores of the HIGH and MEDIUM bands and
// the bands' keys (SCORE_BAND); lower scores are LOW.
func ScoreBands() (high, medium int, highKey, mediumKey, lowKey string) {
	return scoreHigh, scoreMediumLow, bandHigh, bandMedium, bandLow
}

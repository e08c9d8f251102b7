package analytics

import (
	"math/big"
)

// Figures of a group are written as exact decimals in the metric's unit
// (Metric.Unit): money in yuan with two decimals ("680000.00"), counts,
// minutes and scores as whole numbers, days with two decimals. Averages and
// medians have two decimals, rounded half away from zero.

// Sum is the sum of m over the rows that have it; ok is false when none has.
func (r *Row) Sum(m Metric) (string, bool) {
	f, ok := r.figure(m)
	if !ok {
		return "", false
	}
	u := m.Unit()
	return decimal(big.NewRat(f.Sum, u.Scale), u.Decimals), true
}

// Min is the smallest value of m.
func (r *Row) Min(m Metric) (string, bool) {
	f, ok := r.figure(m)
	if !ok {
		return "", false
	}
	u := m.Unit()
	return decimal(big.NewRat(f.Min, u.Scale), u.Decimals), true
}

// Max is the largest value of m.
func (r *Row) Max(m Metric) (string, bool) {
	f, ok := r.figure(m)
	if !ok {
		return "", false
	}
	u := m.Unit()
	return decimal(big.NewRat(f.Max, u.Scale), u.Decimals), true
}

// Avg is the mean of m over the rows that have it, to two decimals.
func (r *Row) Avg(m Metric) (string, bool) {
	f, ok := r.figure(m)
	if !ok {
		return "", false
	}
	return decimal(big.NewRat(f.Sum, f.N*m.Unit().Scale), 2), true
}

// Median is the middle value of m (the mean of the two middle ones for an
// even number), to two decimals; ok is false when the median was not
// asked for (Spec.Medians) or no row has a value.
func (r *Row) Median(m Metric) (string, bool) {
	f, ok := r.figure(m)
	if !ok {
		return "", false
	}
	twice, ok := f.median()
	if !ok {
		return "", false
	}
	return decimal(big.NewRat(twice, 2*m.Unit().Scale), 2), true
}

// Number is the figure's value as a float (for ordering).
func (r *Row) number(by Measure, m Metric) float64 {
	switch by {
	case ByCount:
		return float64(r.Count)
	case ByCustomers:
		return float64(r.Customers)
	}
	f, ok := r.figure(m)
	if !ok {
		return -1e300 // groups without a value come last in descending order
	}
	scale := float64(m.Unit().Scale)
	switch by {
	case BySum:
		return float64(f.Sum) / scale
	case ByAvg:
		return float64(f.Sum) / float64(f.N) / scale
	case ByMin:
		return float64(f.Min) / scale
	case ByMax:
		return float64(f.Max) / scale
	}
	return 0
}

func (r *Row) figure(m Metric) (*Figure, bool) {
	i := r.fact.metricIndex(m)
	if i < 0 || i >= len(r.Figures) || r.Figures[i].N == 0 {
		return nil, false
	}
	return &r.Figures[i], true
}

// decimal writes x with exactly d decimals, rounded half away from zero.
func decimal(x *big.Rat, d int) string {
	return x.FloatString(d)
}

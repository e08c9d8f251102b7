package segment

import (
	"math/big"
	"strconv"

	"github.com/kehu-crm/kehu/internal/crm"
)

// A Change compares percents exactly: "the change is at least 30%" is
// 100·(current − earlier) ≥ 30·earlier in whole cents, never a float, so
// that the evaluator and MongoDB (which multiplies the same 64-bit
// integers) agree on every boundary.

// changeCmp returns the sign of 100·(current − earlier) − v·earlier: the
// change of current against earlier compared with v percent.
func changeCmp(current, earlier, v int64) int {
	const lim = 1 << 40 // products stay within int64 below these
	if abs(current) < lim && abs(earlier) < lim && abs(v) < 1<<20 {
		l, r := 100*(current-earlier), v*earlier
		switch {
		case l < r:
			return -1
		case l > r:
			return 1
		}
		return 0
	}
	l := new(big.Int).Mul(big.NewInt(100), new(big.Int).Sub(big.NewInt(current), big.NewInt(earlier)))
	return l.Cmp(new(big.Int).Mul(big.NewInt(v), big.NewInt(earlier)))
}

// changeHolds reports whether the change of current against earlier
// compares with v percent as op says; never when earlier is not positive
// (no change to speak of).
func changeHolds(op Op, current, earlier, v int64) bool {
	if earlier <= 0 {
		return false
	}
	s := changeCmp(current, earlier, v)
	switch op {
	case Eq:
		return s == 0
	case Gt:
		return s > 0
	case Gte:
		return s >= 0
	case Lt:
		return s < 0
	case Lte:
		return s <= 0
	}
	return false
}

// changeText writes the change for people: "+25.5%", "-100%"; "" when
// earlier is not positive.
func changeText(current, earlier crm.Money) string {
	if earlier <= 0 {
		return ""
	}
	pct := float64(current-earlier) / float64(earlier) * 100
	s := strconv.FormatFloat(pct, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	if pct >= 0 {
		s = "+" + s
	}
	return s + "%"
}

// windowSums adds up the amounts of the elements in a Change's current
// window and in its earlier one.
func windowSums[E any](es []E, current, earlier pred[E], amount func(*E) crm.Money) (cur, earl crm.Money) {
	for i := range es {
		switch {
		case current(&es[i]):
			cur += amount(&es[i])
		case earlier(&es[i]):
			earl += amount(&es[i])
		}
	}
	return cur, earl
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

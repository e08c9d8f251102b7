package segment

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAnyInAgreesWithAScan: the galloping search for an element in a
// window, from either end, answers as a scan of every element does, on
// sorted times with repeats (none, one, many) and every window over the
// times around them.
func TestAnyInAgreesWithAScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 12))
	at := func(x *int64) int64 { return *x }
	checked := 0
	for n := 0; n <= 70; n++ {
		for range 4 {
			xs := make([]int64, n)
			for i := range xs {
				xs[i] = int64(r.IntN(3 * (n + 1)))
			}
			slices.Sort(xs)
			for lo := int64(-1); lo <= int64(3*(n+1)); lo++ {
				for hi := lo; hi <= int64(3*(n+1)); hi++ {
					want := slices.ContainsFunc(xs, func(x int64) bool { return x >= lo && x <= hi })
					for _, fromEnd := range []bool{false, true} {
						if got := anyIn(xs, at, lo, hi, fromEnd); got != want {
							t.Fatalf("%v in [%d, %d] from the end %v: %v, want %v", xs, lo, hi, fromEnd, got, want)
						}
						checked++
					}
				}
			}
		}
	}
	t.Logf("%d windows", checked)
}

package segment

import (
	"math"
	"math/big"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// changeCmp's 64-bit path agrees with exact arithmetic wherever it is
// taken, and the whole function at the extremes.
func FuzzChangeCmp(f *testing.F) {
	for _, x := range [][3]int64{{130, 100, 30}, {129, 100, 30}, {0, 100, -100}, {1 << 40, 1, 1 << 19}, {math.MaxInt64, math.MaxInt64, math.MinInt64}, {-5, 3, 0}} {
		f.Add(x[0], x[1], x[2])
	}
	f.Fuzz(func(t *testing.T, cur, earl, v int64) {
		l := new(big.Int).Mul(big.NewInt(100), new(big.Int).Sub(big.NewInt(cur), big.NewInt(earl)))
		want := l.Cmp(new(big.Int).Mul(big.NewInt(v), big.NewInt(earl)))
		if got := changeCmp(cur, earl, v); got != want {
			t.Fatalf("changeCmp(%d, %d, %d) = %d, want %d", cur, earl, v, got, want)
		}
	})
}

func TestChangeText(t *testing.T) {
	for _, tc := range []struct {
		cur, earl int64
		want      string
	}{{130, 100, "+30%"}, {100, 100, "+0%"}, {0, 100, "-100%"}, {1, 3, "-66.7%"}, {5, 0, ""}, {5, -1, ""}} {
		if got := changeText(crm.Money(tc.cur), crm.Money(tc.earl)); got != tc.want {
			t.Errorf("changeText(%d, %d) = %q, want %q", tc.cur, tc.earl, got, tc.want)
		}
	}
}

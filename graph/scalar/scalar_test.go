package scalar

import (
	"bytes"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	d, err := UnmarshalDate("2026-02-28")
	if err != nil || !d.Equal(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%v %v", d, err)
	}
	var b bytes.Buffer
	MarshalDate(d).MarshalGQL(&b)
	if b.String() != `"2026-02-28"` {
		t.Fatalf("marshal: %s", b.String())
	}
	for _, bad := range []any{"2026-02-30", "2026/02/28", "28.02.2026", "", 20260228, nil} {
		if _, err := UnmarshalDate(bad); err == nil {
			t.Errorf("accepted %v", bad)
		}
	}
}

func FuzzUnmarshalDate(f *testing.F) {
	f.Add("2026-11-23")
	f.Add("0000-00-00")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			return
		}
		var b bytes.Buffer
		MarshalDate(d).MarshalGQL(&b)
		if b.String() != `"`+s+`"` {
			t.Fatalf("%q round-trips as %s", s, b.String())
		}
	})
}

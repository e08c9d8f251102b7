package dedupe

import "testing"

// A cursor survives its round trip, and no string a client sends makes
// DecodeCursor panic or hand back a cursor it did not encode.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(Cursor{Score: 90, A: "C202611001", B: "C202611002"}.Encode())
	f.Add("")
	f.Add("e30")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s)
		if err != nil {
			return
		}
		if c.A == "" || c.B == "" {
			t.Fatalf("%q decodes to %+v", s, c)
		}
		back, err := DecodeCursor(c.Encode())
		if err != nil || back != c {
			t.Fatalf("round trip of %+v: %+v, %v", c, back, err)
		}
	})
}

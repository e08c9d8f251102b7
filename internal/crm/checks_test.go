package crm

import (
	"strings"
	"testing"
)

func TestValidCreditCode(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"91350100M000100Y43", true},
		{"91110108MA01G7YQ3L", CreditCodeCheckChar("91110108MA01G7YQ3") == 'L'},
		{"91350100M000100Y44", false}, // wrong check character
		{"91350100M000100Y4", false},  // 17 characters
		{"91350100M000100Y433", false},
		{"91350100I000100Y43", false}, // I is not in the alphabet
		{"91350100m000100Y43", false}, // lower case is normalized by the caller, not here
		{"", false},
		{"中文中文中文", false},
	}
	for _, tc := range tests {
		if got := ValidCreditCode(tc.code); got != tc.want {
			t.Errorf("ValidCreditCode(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
	// Every 17-character prefix with its computed check character is valid.
	for _, prefix := range []string{"91310000MA1FL8XQ2", "12100000400000624", "Y1440300MA5DCA7R4"} {
		code := prefix + string(CreditCodeCheckChar(prefix))
		if !ValidCreditCode(code) {
			t.Errorf("%s with its check char is invalid", code)
		}
	}
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "", "Y1440300MA5DCA7R4", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidCreditCode(s)
		if ok && len(s) != 18 {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		if len(s) >= 17 {
			c := CreditCodeCheckChar(s[:17])
			if c != 0 && !ValidCreditCode(s[:17]+string(c)) {
				t.Fatalf("check char %c for %q does not validate", c, s[:17])
			}
			if ok && c != s[17] {
				t.Fatalf("accepted %q whose check char should be %c", s, c)
			}
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"+86 138-1234-5678", "13812345678"},
		{"010-12345678", "010-12345678"},
		{"0755-8765432", "0755-8765432"},
		{"021-12345678-801", "021-12345678-801"},
		{"400-123-4567", "400-123-4567"},
		{"12812345678", ""},
		{"1381234567", ""},
		{"abc", ""},
		{"1385678", ""},
	}
	for _, tc := range tests {
		got, ok := NormalizePhone(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestEmailAndWebsite(t *testing.T) {
	for s, want := range map[string]bool{"a@b.cn": true, "wang.li@example.com.cn": true, "a@b": false,
		"Wang <a@b.cn>": false, "a b@c.cn": false, "": false, "@b.cn": false} {
		if ValidEmail(s) != want {
			t.Errorf("ValidEmail(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"https://www.example.com": true, "http://example.cn/about": true,
		"ftp://example.com": false, "www.example.com": false, "https://": false, "javascript:alert(1)": false} {
		if ValidWebsite(s) != want {
			t.Errorf("ValidWebsite(%q) != %v", s, want)
		}
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		err  bool
	}{
		{"0", 0, false}, {"12500", 1250000, false}, {"12500.5", 1250050, false}, {"12500.05", 1250005, false},
		{"0.01", 1, false}, {"007", 700, false}, {" 1.10 ", 110, false},
		{"1.234", 0, true}, {"-1", 0, true}, {"1,000", 0, true}, {"1e3", 0, true}, {"", 0, true}, {".5", 0, true},
		{"5.", 0, true}, {"99999999999999", 0, true}, {"NaN", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseMoney(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v err=%v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if s := Money(1250005).String(); s != "12500.05" {
		t.Errorf("String = %s", s)
	}
	if _, err := ParseMoney("-3"); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("negative money error should say so: %v", err)
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"0", "12500.50", "-1", "1.234", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		if m < 0 || m > MaxMoney {
			t.Fatalf("%q parsed out of range: %d", s, m)
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}

func TestRecompute(t *testing.T) {
	c := &Customer{}
	c.Recompute()
	if c.Tags == nil || c.Interactions == nil || c.Stats != (Stats{}) {
		t.Fatalf("empty customer not normalized: %+v", c)
	}
	d := func(m int) Deal { return Deal{Amount: Money(m)} }
	c.Deals = []Deal{d(100), d(250)}
	c.Satisfaction = []Satisfaction{{Score: 80}, {Score: 91}, {Score: 90}}
	c.Needs = []Need{{Status: NeedStatusOpen}, {Status: NeedStatusResolved}, {Status: NeedStatusInProgress}, {Status: NeedStatusAbandoned}}
	c.Recompute()
	if c.Stats.TotalAmount != 350 || c.Stats.DealCount != 2 || c.Stats.OpenNeedCount != 2 || c.Stats.AvgSatisfaction != 87 {
		t.Fatalf("stats %+v", c.Stats)
	}
}

func TestFormatCode(t *testing.T) {
	for n, want := range map[int64]string{1: "C202611001", 42: "C202611042", 999: "C202611999", 1000: "C2026111000"} {
		if got := FormatCode("202611", n); got != want {
			t.Errorf("FormatCode(%d) = %s", n, got)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "010-12345678", "400-123-4567", "1385678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, ok := NormalizePhone(s)
		if !ok {
			return
		}
		again, ok2 := NormalizePhone(norm)
		if !ok2 || again != norm {
			t.Fatalf("%q normalizes to %q, which normalizes to %q (%v)", s, norm, again, ok2)
		}
		if ContainsResidentID(norm) {
			t.Fatalf("phone %q holds an ID number", norm)
		}
	})
}

func TestParseCode(t *testing.T) {
	tests := []struct {
		code   string
		period string
		n      int64
		ok     bool
	}{
		{"C202611001", "202611", 1, true}, {"C2026111000", "202611", 1000, true},
		{"C20261101", "", 0, false}, {"X202611001", "", 0, false}, {"C2026110a1", "", 0, false}, {"KH-0001", "", 0, false},
	}
	for _, tc := range tests {
		p, n, ok := ParseCode(tc.code)
		if p != tc.period || n != tc.n || ok != tc.ok {
			t.Errorf("ParseCode(%q) = %q %d %v", tc.code, p, n, ok)
		}
		if ok && FormatCode(p, n) != tc.code {
			t.Errorf("FormatCode does not give %q back", tc.code)
		}
	}
}

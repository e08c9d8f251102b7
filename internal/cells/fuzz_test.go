package cells

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

var fuzzDates = []string{"2023-10-20", "2023/1/5", "2023.10.20", "2023年10月20日", "２０２３－１０－２０", "20231020",
	"45219", "45219.604166667", "2023-02-30", "03-01-23", "2023-10-20 14:30", "2023-10-20T14:30:00+08:00",
	"2023-10-20 23:59:59.999", "2023", "99999.9999999999999"}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"６８万", " a \u3000 b ", "13\u200b8", "ｶﾀｶﾅ", "\xff\xfe", "（）￥，"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if Fold(got) != got {
			t.Fatalf("Fold(%q) = %q is not stable: %q", s, got, Fold(got))
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q keeps spaces", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not UTF-8", s, got)
		}
		m := foldMap(s)
		if m.s != got || len(m.start) != len(got) || len(m.end) != len(got) {
			t.Fatalf("foldMap(%q) = %q, %d offsets; Fold: %q", s, m.s, len(m.start), got)
		}
		if len(got) > 0 && Fold(m.original(0, len(got))) != got {
			t.Fatalf("foldMap(%q): the original of it all folds to %q", s, Fold(m.original(0, len(got))))
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range fuzzDates {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, date1904 bool) {
		opts := DateOptions{Date1904: date1904}
		d, n, err := Date(s, opts)
		if err != nil {
			if reasonOf(err) == "not *Error" || err.Error() == "" {
				t.Fatalf("Date(%q): error %#v", s, err)
			}
			return
		}
		canon := d.Format(time.DateOnly)
		if d.Location() != time.UTC || d.Hour()+d.Minute()+d.Second()+d.Nanosecond() != 0 {
			t.Fatalf("Date(%q) = %v, not midnight UTC", s, d)
		}
		if !n.IsZero() && n.To != canon {
			t.Fatalf("Date(%q) = %s, note %+v", s, canon, n)
		}
		again, n2, err := Date(canon, opts)
		if err != nil || !again.Equal(d) || !n2.IsZero() {
			t.Fatalf("Date(%q) = %s, which reads as %v, %+v, %v", s, canon, again, n2, err)
		}
		// DateTime reads the same day.
		at, _, err := DateTime(s, crm.DefaultLocation, opts)
		if err != nil || !crm.DateOf(at, crm.DefaultLocation).Equal(d) {
			t.Fatalf("Date(%q) = %s, DateTime: %v, %v", s, canon, at, err)
		}
	})
}

func FuzzDateTime(f *testing.F) {
	for _, s := range fuzzDates {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, utc bool) {
		loc := crm.DefaultLocation
		if utc {
			loc = time.UTC
		}
		at, n, err := DateTime(s, loc, DateOptions{})
		if err != nil {
			if reasonOf(err) == "not *Error" {
				t.Fatalf("DateTime(%q): error %#v", s, err)
			}
			return
		}
		canon := formatDateTime(at.In(loc))
		if at.Location() != loc || (!n.IsZero() && n.To != canon) {
			t.Fatalf("DateTime(%q) = %v, note %+v", s, at, n)
		}
		again, n2, err := DateTime(canon, loc, DateOptions{})
		if err != nil || !again.Equal(at) || !n2.IsZero() {
			t.Fatalf("DateTime(%q) = %s, which reads as %v, %+v, %v", s, canon, again, n2, err)
		}
	})
}

func FuzzMoney(f *testing.F) {
	for _, s := range []string{"680,000", "680000.5", "68万", "1.2亿", "¥1,000", "￥1000", "1000元", "68万元", "６８万",
		"-100", "(100)", "6.8E+05", "1000000000000", "0.00000001亿", "1,234,567.89", "10000亿"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, tenThousand bool) {
		unit := Yuan
		if tenThousand {
			unit = TenThousand
		}
		m, n, err := Money(s, unit)
		if api, apiErr := crm.ParseMoney(s); apiErr == nil && unit == Yuan && (err != nil || m != api || !n.IsZero()) {
			t.Fatalf("Money(%q) = %v, %+v, %v; the API reads %v", s, m, n, err, api)
		}
		if err != nil {
			if reasonOf(err) == "not *Error" {
				t.Fatalf("Money(%q): error %#v", s, err)
			}
			return
		}
		if m < 0 || m > crm.MaxMoney || (!n.IsZero() && n.To != m.String()) {
			t.Fatalf("Money(%q) = %d fen, note %+v", s, m, n)
		}
		again, n2, err := Money(m.String(), Yuan)
		if err != nil || again != m || !n2.IsZero() {
			t.Fatalf("Money(%q) = %s, which reads as %v, %+v, %v", s, m, again, n2, err)
		}
		if api, err := crm.ParseMoney(m.String()); err != nil || api != m {
			t.Fatalf("Money(%q) = %s, which the API reads as %v, %v", s, m, api, err)
		}
	})
}

func FuzzVocabulary(f *testing.F) {
	for _, s := range []string{"A", "A级", "高价值", "售后", "after-sales", "Ａ类（高价值）", "重要客户", ""} {
		f.Add(s, uint8(0))
	}
	vocabs := []*Vocabulary{Stages, ValueTiers, IntentGrades, Lifecycles, CustomerTypes, NeedTypes, ContactRoles,
		Channels, KeyEvents, NeedKinds, Priorities, NeedStatuses}
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		v := vocabs[int(which)%len(vocabs)]
		val, n, err := v.Read(s)
		if err != nil {
			if reasonOf(err) == "not *Error" {
				t.Fatalf("%s.Read(%q): error %#v", v.name, s, err)
			}
			return
		}
		if !slices.Contains(v.Values(), val) {
			t.Fatalf("%s.Read(%q) = %q, not a value", v.name, s, val)
		}
		label := v.labels[val].Zh
		if !n.IsZero() && n.To != label {
			t.Fatalf("%s.Read(%q) = %q, note %+v", v.name, s, val, n)
		}
		for _, w := range []string{val, label} {
			if again, n2, err := v.Read(w); err != nil || again != val || !n2.IsZero() {
				t.Fatalf("%s.Read(%q) = %q, but %q reads as %q, %+v, %v", v.name, s, val, w, again, n2, err)
			}
		}
	})
}

func FuzzTags(f *testing.F) {
	for _, s := range []string{"高意向，价格敏感型、VIP", "a;b；c\nd", " , ", "ＶＩＰ,VIP", "制造业　 华东"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, n := Tags(s)
		seen := map[string]bool{}
		for _, tag := range tags {
			if tag == "" || Fold(tag) != tag || strings.IndexFunc(tag, tagSeparator) >= 0 || seen[tag] {
				t.Fatalf("Tags(%q) = %q: %q is empty, not folded, split or repeated", s, tags, tag)
			}
			seen[tag] = true
		}
		joined := strings.Join(tags, ",")
		if !n.IsZero() && n.To != joined {
			t.Fatalf("Tags(%q) = %q, note %+v", s, tags, n)
		}
		again, n2 := Tags(joined)
		if !slices.Equal(again, tags) || !n2.IsZero() {
			t.Fatalf("Tags(%q) = %q, which reads as %q, %+v", s, tags, again, n2)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"138 1234 5678", "+86 138 1234 5678", "8613812345678", "(010) 1234 5678", "0755-1234567",
		"+86 10 12345678", "010-12345678转8001", "010-12345678-8001", "4001234567", "13812345678，13912345678",
		"110105199003070017"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, n, err := Phone(s)
		if err != nil {
			if reasonOf(err) == "not *Error" {
				t.Fatalf("Phone(%q): error %#v", s, err)
			}
			return
		}
		if api, ok := crm.NormalizePhone(p); !ok || api != p {
			t.Fatalf("Phone(%q) = %q, which the API reads as %q, %v", s, p, api, ok)
		}
		if _, ok := crm.PhoneKey(p); !ok {
			t.Fatalf("Phone(%q) = %q has no match key", s, p)
		}
		if !n.IsZero() && n.To != p {
			t.Fatalf("Phone(%q) = %q, note %+v", s, p, n)
		}
		if again, n2, err := Phone(p); err != nil || again != p || !n2.IsZero() {
			t.Fatalf("Phone(%q) = %q, which reads as %q, %+v, %v", s, p, again, n2, err)
		}
	})
}

// FuzzPhones: a cell of several numbers reads as numbers Phone reads alone,
// without repeats; one number reads as Phone reads it.
func FuzzPhones(f *testing.F) {
	for _, s := range []string{"13812345678", "13812345678/13987654321", "13812345678 / 0571-88886666",
		"13812345678，13987654321、010-12345678转8001", "13812345678；138-1234-5678", "13812345678/12345", "/", "1/2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, _, err := Phones(s)
		if err != nil {
			if reasonOf(err) == "not *Error" {
				t.Fatalf("Phones(%q): error %#v", s, err)
			}
			return
		}
		if len(ps) == 0 {
			t.Fatalf("Phones(%q): no number and no error", s)
		}
		for i, p := range ps {
			if again, _, err := Phone(p); err != nil || again != p || slices.Contains(ps[:i], p) {
				t.Fatalf("Phones(%q) = %q: %q reads as %q, %v, or repeats", s, ps, p, again, err)
			}
		}
		if one, _, err := Phone(s); err == nil && (len(ps) != 1 || ps[0] != one) {
			t.Fatalf("Phones(%q) = %q, Phone reads %q", s, ps, one)
		}
	})
}

func FuzzHistory(f *testing.F) {
	for _, s := range []string{"2023-01-01 电话联系，了解需求", "2022-12-01 购买产品A，1000元",
		"2023-01-01 电话联系\n2023/3/5 14:30 视频会议：方案评审；2023年4月1日 采购了产品B 20台，金额5.5万元",
		"2023-06-01 续费，2万元", "2023-06-01 签单 CRM系统 ¥12,800", "2022-12-01 购买产品A，6,80,000元", "电话联系",
		`2023-01-01 10:30:00.250 【电话】a\n\；b\`, "2022-12-01 【购买】产品A ¥1000.00", "[2 earlier entries left out]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc := crm.DefaultLocation
		// Both readers, a deals column's too: what they read is written
		// back (Interaction.String, Deal.String) and read the same.
		for _, r := range []struct {
			name string
			read func(string, *time.Location, DateOptions) (HistoryEntries, error)
		}{{"History", History}, {"DealHistory", DealHistory}} {
			h, err := r.read(s, loc, DateOptions{})
			if err != nil {
				if reasonOf(err) == "not *Error" {
					t.Fatalf("%s(%q): error %#v", r.name, s, err)
				}
				continue
			}
			if len(h.Interactions)+len(h.Deals) == 0 && h.Omitted == 0 {
				t.Fatalf("%s(%q): no entries and no error", r.name, s)
			}
			for _, x := range h.Interactions {
				again, err := History(x.String(), loc, DateOptions{})
				if err != nil || len(again.Interactions) != 1 || len(again.Deals) != 0 || !again.Interactions[0].At.Equal(x.At) ||
					again.Interactions[0].Summary != x.Summary || again.Interactions[0].Channel != x.Channel || x.Summary == "" {
					t.Fatalf("%s(%q): %+v, which reads as %+v, %v", r.name, s, x, again, err)
				}
			}
			for _, d := range h.Deals {
				again, err := History(d.String(), loc, DateOptions{})
				if err != nil || len(again.Deals) != 1 || len(again.Interactions) != 0 || again.Deals[0] != d || d.Product == "" {
					t.Fatalf("%s(%q): %+v (%s), which reads as %+v, %v", r.name, s, d, d, again, err)
				}
			}
		}
	})
}

// FuzzHistoryFormat: any interaction or deal the API can hold, written by
// HistoryFormat, reads back the same (time to the millisecond, channel,
// summary; date, product, amount), alone and in a cell with others.
func FuzzHistoryFormat(f *testing.F) {
	f.Add(int64(1672540200000), uint8(0), "电话联系，了解需求", "产品A", int64(100000), false, uint8(0))
	f.Add(int64(527013000000), uint8(1), "第一行\n第二行；第三行;C:\\new\\", "CRM 系统; 年费", int64(1), true, uint8(0))
	f.Add(int64(-2208988800000), uint8(7), "\u200b 【电话】 \\n", "购买了 5台，金额 ¥5", int64(0), false, uint8(1))
	f.Add(int64(1699999999999), uint8(3), "[Phone] x\u2028y\u0085z\r\n", "- 续费 -", int64(crm.MaxMoney), true, uint8(2))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Skip(err)
	}
	zones := []*time.Location{crm.DefaultLocation, time.UTC, ny}
	channels := Channels.Values()
	f.Fuzz(func(t *testing.T, ms int64, ch uint8, summary, product string, amount int64, english bool, zone uint8) {
		// What the API keeps: trimmed valid text, no control characters
		// but line breaks and tabs in a summary, none in a product; times
		// to the millisecond; dates from 1900.
		if !apiText(summary, true) || !apiText(product, false) || amount < 0 || amount > int64(crm.MaxMoney) ||
			ms < -2208988800000 || ms > 253402300799999 {
			return
		}
		loc := zones[int(zone)%len(zones)]
		form := HistoryFormat{Loc: loc, English: english}
		at := time.UnixMilli(ms).In(loc)
		if at.Year() < 1900 {
			return
		}
		x := Interaction{At: at, Channel: crm.InteractionChannel(channels[int(ch)%len(channels)]), Summary: summary}
		d := Deal{Date: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC), Product: product, Amount: crm.Money(amount)}
		for _, e := range []string{form.Interaction(x), form.Deal(d)} {
			if utf16Len(e) > MaxCellChars {
				t.Fatalf("%q is longer than a cell", e)
			}
		}
		cell, _ := form.Cell([]string{form.Interaction(x), form.Deal(d), form.Interaction(x)}, 0)
		for _, s := range []string{form.Interaction(x), form.Deal(d), cell} {
			h, err := History(s, loc, DateOptions{})
			if err != nil {
				t.Fatalf("History(%q): %v", s, err)
			}
			var want HistoryEntries
			switch s {
			case cell:
				want = HistoryEntries{Interactions: []Interaction{x, x}, Deals: []Deal{d}}
			case form.Deal(d):
				want.Deals = []Deal{d}
			default:
				want.Interactions = []Interaction{x}
			}
			if !equalHistory(h, want) || h.Omitted != 0 {
				t.Fatalf("History(%q) = %+v, want %+v", s, h, want)
			}
		}
	})
}

// apiText reports whether s is text the API keeps as it is (crm's
// checkText): valid UTF-8, trimmed, not empty, without control characters
// (a long text may have line breaks and tabs).
func apiText(s string, long bool) bool {
	if s == "" || !utf8.ValidString(s) || strings.TrimSpace(s) != s || utf8.RuneCountInString(s) > 5000 {
		return false
	}
	for _, r := range s {
		if (r < 0x20 || r == 0x7f) && !(long && (r == '\n' || r == '\r' || r == '\t')) {
			return false
		}
	}
	return true
}

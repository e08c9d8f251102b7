package dedupe_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/dedupe"
)

// cust is a customer of a test: its name, credit code, contacts' phones
// and e-mails, as typed.
type cust struct {
	name     string
	credit   string
	phones   []string
	emails   []string
	archived bool
}

// Valid credit codes (their check characters computed apart, with GB
// 32100-2015's weights) and one failing the check.
const (
	creditA   = "91330100MA2H3J4K5P"
	creditB   = "91110108MA01N2P3QM"
	creditBad = "91330100MA2H3J4K5Q"
)

func code(i int) string { return fmt.Sprintf("C2026110%03d", i+1) }

// whole returns the i-th customer of a test as it is stored.
func whole(i int, x cust) *crm.Customer {
	c := &crm.Customer{ID: fmt.Sprintf("id%03d", i+1), Code: code(i), Name: x.name, CreditCode: x.credit, OwnerID: "u1"}
	for j := range max(len(x.phones), len(x.emails)) {
		ct := crm.Contact{ID: fmt.Sprint("c", j), Name: "联系人"}
		if j < len(x.phones) {
			ct.Phone = x.phones[j]
		}
		if j < len(x.emails) {
			ct.Email = x.emails[j]
		}
		c.Contacts = append(c.Contacts, ct)
	}
	if x.archived {
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		c.ArchivedAt = &at
	}
	c.Recompute()
	return c
}

// lean returns c as a read model's Each hands it out: the fields Add may
// read, no contacts.
func lean(c *crm.Customer) *crm.Customer {
	return &crm.Customer{ID: c.ID, Code: c.Code, Name: c.Name, CreditCode: c.CreditCode, OwnerID: c.OwnerID,
		ArchivedAt: c.ArchivedAt, UpdatedAt: c.UpdatedAt, Match: c.Match, Partial: true}
}

func find(in []cust) *dedupe.Finder {
	f := dedupe.NewFinder()
	for i, x := range in {
		f.Add(lean(whole(i, x)))
	}
	return f
}

// describe writes a pair as "1-2 90 NAME PHONE", with the customers'
// places in the test's list, and " ~" when the legal forms differ.
func describe(p dedupe.Pair) string {
	var n [2]int
	for i, code := range []string{p.A.Code, p.B.Code} {
		if _, err := fmt.Sscanf(code, "C2026110%03d", &n[i]); err != nil {
			return "bad code " + code
		}
	}
	s := fmt.Sprintf("%d-%d %d", n[0], n[1], p.Score)
	for _, r := range p.Reasons {
		s += " " + string(r)
	}
	if p.LegalFormsDiffer {
		s += " ~"
	}
	return s
}

func describeAll(ps []dedupe.Pair) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, describe(p))
	}
	return out
}

// many returns n customers like x with names of their own.
func many(n int, prefix string, x cust) []cust {
	out := make([]cust, n)
	for i := range out {
		out[i] = x
		out[i].name = fmt.Sprintf("%s%d号", prefix, i)
	}
	return out
}

// TestPairs pins each rule of the package documentation: removing one
// (the region kept in the key, the legal form, the credit code veto,
// archived customers, the bound, the score of a reason) fails a row.
func TestPairs(t *testing.T) {
	p1, p2, e1 := "13812345678", "0571-88886666", "wang@yunfan.cn"
	for _, tt := range []struct {
		name    string
		in      []cust
		want    []string
		skipped []string
	}{
		{"one name, spelled three ways",
			[]cust{{name: "华为技术有限公司"}, {name: "华为技术"}, {name: "华为 技术（有限公司）"}},
			[]string{"1-2 60 NAME", "1-3 60 NAME", "2-3 60 NAME"}, nil},
		{"width, brackets and (中国)",
			[]cust{{name: "ＡＢＣ科技（中国）有限公司"}, {name: "ABC科技有限公司"}},
			[]string{"1-2 60 NAME"}, nil},
		{"a region prefix keeps names apart; 市 does not",
			[]cust{{name: "北京华为技术有限公司"}, {name: "上海华为技术有限公司"}, {name: "华为技术有限公司"}, {name: "北京市华为技术有限公司"}},
			[]string{"1-4 60 NAME"}, nil},
		{"only a region and a legal form in common",
			[]cust{{name: "北京华为科技有限公司"}, {name: "北京中兴科技有限公司"}, {name: "北京华为技术有限公司"}},
			nil, nil},
		{"different legal forms: a lower score",
			[]cust{{name: "华为技术有限公司"}, {name: "华为技术股份有限公司"}},
			[]string{"1-2 40 NAME ~"}, nil},
		{"different legal forms and a phone",
			[]cust{{name: "华为技术有限公司", phones: []string{p1}}, {name: "华为技术股份有限公司", phones: []string{p1}}},
			[]string{"1-2 70 NAME PHONE ~"}, nil},
		{"a name without a form differs from no form",
			[]cust{{name: "华为技术股份有限公司"}, {name: "华为技术"}, {name: "华为技术集团"}},
			[]string{"1-2 60 NAME", "1-3 60 NAME", "2-3 60 NAME"}, nil},
		{"a branch is not its parent; one branch in two forms",
			[]cust{{name: "华为技术有限公司北京分公司"}, {name: "华为技术有限公司"}, {name: "华为技术股份有限公司北京分公司"}},
			[]string{"1-3 40 NAME ~"}, nil},
		{"a phone spelled two ways",
			[]cust{{name: "杭州云帆数据", phones: []string{"+86 138 1234 5678"}}, {name: "杭州云帆智能", phones: []string{"138-1234-5678"}}},
			[]string{"1-2 30 PHONE"}, nil},
		{"a landline with and without an extension",
			[]cust{{name: "甲", phones: []string{"0571-88886666-12"}}, {name: "乙", phones: []string{"(0571) 8888 6666"}}},
			[]string{"1-2 30 PHONE"}, nil},
		{"an e-mail in two cases and widths",
			[]cust{{name: "甲", emails: []string{"Wang@YunFan.CN"}}, {name: "乙", emails: []string{"ｗａｎｇ＠ｙｕｎｆａｎ．ｃｎ"}}},
			[]string{"1-2 30 EMAIL"}, nil},
		{"a phone and an e-mail",
			[]cust{{name: "甲", phones: []string{p1}, emails: []string{e1}}, {name: "乙", phones: []string{p1}, emails: []string{e1}}},
			[]string{"1-2 60 PHONE EMAIL"}, nil},
		{"name, phone and e-mail: capped",
			[]cust{{name: "华为技术", phones: []string{p1}, emails: []string{e1}}, {name: "华为技术有限公司", phones: []string{p1}, emails: []string{e1}}},
			[]string{"1-2 100 NAME PHONE EMAIL"}, nil},
		{"reasons merged: two shared phones count once",
			[]cust{{name: "华为技术", phones: []string{p1, p2}}, {name: "华为技术有限公司", phones: []string{p2, p1}}},
			[]string{"1-2 90 NAME PHONE"}, nil},
		{"a region never pairs, a shared phone does",
			[]cust{{name: "北京华为技术", phones: []string{p1}}, {name: "上海华为技术", phones: []string{p1}}},
			[]string{"1-2 30 PHONE"}, nil},
		{"values that are no keys",
			[]cust{{name: "甲", phones: []string{"12345"}, emails: []string{"wang"}}, {name: "乙", phones: []string{"12345"}, emails: []string{"wang"}}, {name: " "}, {name: "（）"}},
			nil, nil},
		{"two valid credit codes: two companies, whatever they share",
			[]cust{{name: "华为技术有限公司", credit: creditA, phones: []string{p1}, emails: []string{e1}},
				{name: "华为技术", credit: creditB, phones: []string{p1}, emails: []string{e1}}},
			nil, nil},
		{"one credit code vetoes nothing",
			[]cust{{name: "华为技术有限公司", credit: creditA}, {name: "华为技术"}},
			[]string{"1-2 60 NAME"}, nil},
		{"an invalid credit code vetoes nothing",
			[]cust{{name: "华为技术有限公司", credit: creditA}, {name: "华为技术", credit: creditBad}},
			[]string{"1-2 60 NAME"}, nil},
		{"the same credit code (from elsewhere: stores keep it unique)",
			[]cust{{name: "甲", credit: creditA}, {name: "乙", credit: creditA}, {name: "甲", credit: creditA}},
			[]string{"1-2 100 CREDIT_CODE", "1-3 100 CREDIT_CODE NAME", "2-3 100 CREDIT_CODE"}, nil},
		{"archived customers are left out",
			[]cust{{name: "华为技术有限公司"}, {name: "华为技术", archived: true}, {name: "华为技术公司", phones: []string{p1}}, {name: "乙", phones: []string{p1}, archived: true}},
			[]string{"1-3 60 NAME"}, nil},
		{"a key shared by too many pairs none; another key still pairs",
			append([]cust{{name: "华为技术", phones: []string{"400-800-1234"}}, {name: "华为技术有限公司", phones: []string{"400-800-1234"}}},
				many(dedupe.MaxShared-1, "加盟店", cust{phones: []string{"4008001234"}})...),
			[]string{"1-2 60 NAME"}, []string{"PHONE 21"}},
		{"ordered by score, then codes",
			[]cust{{name: "乙", phones: []string{p1}}, {name: "甲"}, {name: "甲有限公司", phones: []string{p2}}, {name: "丙", phones: []string{p1}},
				{name: "甲股份有限公司", phones: []string{p2}}},
			[]string{"3-5 70 NAME PHONE ~", "2-3 60 NAME", "2-5 60 NAME", "1-4 30 PHONE"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := find(tt.in)
			if got := describeAll(f.Pairs()); !slices.Equal(got, orEmpty(tt.want)) {
				t.Errorf("pairs\n got %q\nwant %q", got, tt.want)
			}
			var skipped []string
			for _, s := range f.Skipped() {
				skipped = append(skipped, fmt.Sprint(s.Reason, " ", s.Count))
			}
			if !slices.Equal(skipped, tt.skipped) {
				t.Errorf("skipped %q, want %q", skipped, tt.skipped)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestBound: MaxShared customers sharing a key are all paired; one more
// and the key is skipped, reported with the others most shared first.
func TestBound(t *testing.T) {
	at := dedupe.MaxShared
	f := find(many(at, "客户", cust{emails: []string{"info@yunfan.cn"}}))
	if got, want := len(f.Pairs()), at*(at-1)/2; got != want || len(f.Skipped()) != 0 {
		t.Errorf("%d sharing: %d pairs (want %d), skipped %v", at, got, want, f.Skipped())
	}
	in := append(many(at+1, "客户", cust{emails: []string{"info@yunfan.cn"}}), many(at+5, "加盟店", cust{phones: []string{"4008001234"}})...)
	f = find(in)
	if got := f.Pairs(); len(got) != 0 {
		t.Errorf("over the bound: %q", describeAll(got))
	}
	want := []dedupe.Skip{{Reason: crm.DuplicatePhone, Count: at + 5}, {Reason: crm.DuplicateEmail, Count: at + 1}}
	if got := f.Skipped(); !slices.Equal(got, want) {
		t.Errorf("skipped %v, want %v", got, want)
	}
	if f.Len() != len(in) {
		t.Errorf("Len %d, want %d", f.Len(), len(in))
	}
}

// TestMembers: a pair names its customers, the lower code first,
// whichever was added first.
func TestMembers(t *testing.T) {
	a, b := whole(0, cust{name: "华为技术"}), whole(1, cust{name: "华为技术有限公司"})
	b.OwnerID = "u2"
	f := dedupe.NewFinder()
	f.Add(lean(b))
	f.Add(lean(a))
	got := f.Pairs()
	want := dedupe.Pair{A: dedupe.Member{ID: "id001", Code: code(0), Name: "华为技术", OwnerID: "u1"},
		B: dedupe.Member{ID: "id002", Code: code(1), Name: "华为技术有限公司", OwnerID: "u2"}, Score: 60,
		Reasons: []crm.DuplicateReason{crm.DuplicateName}}
	if len(got) != 1 || got[0].A != want.A || got[0].B != want.B || got[0].Score != want.Score ||
		!slices.Equal(got[0].Reasons, want.Reasons) || got[0].LegalFormsDiffer {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// A customer added again (a scan that handed it out twice) counts once.
	f.Add(lean(a))
	f.Add(lean(whole(2, cust{name: "华为技术公司"})))
	if got := describeAll(f.Pairs()); !slices.Equal(got, []string{"1-2 60 NAME", "1-3 60 NAME", "2-3 60 NAME"}) || f.Len() != 3 {
		t.Errorf("a customer added twice: %q, Len %d", got, f.Len())
	}
}

// TestStaleKeys: keys of version 1 (no e-mails) are recomputed from a
// whole document's contacts; on a Partial customer without contacts only
// the name key can be.
func TestStaleKeys(t *testing.T) {
	a := whole(0, cust{name: "甲", emails: []string{"wang@yunfan.cn"}})
	b := whole(1, cust{name: "乙", emails: []string{"Wang@yunfan.cn"}})
	b.Match = crm.MatchKeys{V: 1, Name: b.Match.Name}
	f := dedupe.NewFinder()
	f.Add(lean(a))
	f.Add(b)
	if got := describeAll(f.Pairs()); !slices.Equal(got, []string{"1-2 30 EMAIL"}) {
		t.Errorf("whole document: %q", got)
	}
	c := lean(whole(2, cust{name: "乙有限公司"}))
	c.Match = crm.MatchKeys{V: 1, Name: "stale"}
	f.Add(c)
	if got := describeAll(f.Pairs()); !slices.Equal(got, []string{"2-3 60 NAME", "1-2 30 EMAIL"}) {
		t.Errorf("partial: %q", got)
	}
}

// TestPaging walks the pairs a page at a time and finds each once, in
// order; a place that is no longer a pair's still leads to the next one.
func TestPaging(t *testing.T) {
	var in []cust
	for i := range 7 {
		n := fmt.Sprintf("云帆%d号", i)
		in = append(in, cust{name: n + "有限公司", phones: []string{fmt.Sprintf("1381234560%d", i%3)}}, cust{name: n})
	}
	all := find(in).Pairs()
	if len(all) < 10 {
		t.Fatalf("only %d pairs", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Cursor().Compare(all[i].Cursor()) >= 0 {
			t.Fatalf("not in order at %d: %q", i, describeAll(all))
		}
	}
	for _, first := range []int{1, 3, len(all), len(all) + 1} {
		var got []dedupe.Pair
		var after *dedupe.Cursor
		for pages := 0; ; pages++ {
			page, more := dedupe.Page(all, first, after)
			if len(page) > first || pages > len(all) {
				t.Fatalf("first %d: a page of %d", first, len(page))
			}
			got = append(got, page...)
			if !more {
				break
			}
			c := page[len(page)-1].Cursor()
			after = &c
		}
		if !slices.Equal(describeAll(got), describeAll(all)) {
			t.Errorf("first %d: got %q", first, describeAll(got))
		}
	}
	// A place between two pairs: the one after it comes next.
	gone := all[4].Cursor()
	rest := slices.Delete(slices.Clone(all), 4, 5)
	if page, _ := dedupe.Page(rest, 1, &gone); len(page) != 1 || describe(page[0]) != describe(all[5]) {
		t.Errorf("after a gone pair: %q, want %q", describeAll(page), describe(all[5]))
	}
	end := all[len(all)-1].Cursor()
	if page, more := dedupe.Page(all, 5, &end); len(page) != 0 || more {
		t.Errorf("after the last: %q, %v", describeAll(page), more)
	}
	if page, more := dedupe.Page(all, 0, nil); len(page) != 0 || !more {
		t.Errorf("first 0: %q, %v", describeAll(page), more)
	}
	if got := dedupe.After(all, dedupe.Cursor{Score: dedupe.MaxScore + 1}); len(got) != len(all) {
		t.Errorf("after a place before all: %d", len(got))
	}
}

// TestCursorOrder: the order is by score, highest first, then A's code,
// then B's.
func TestCursorOrder(t *testing.T) {
	ordered := []dedupe.Cursor{
		{Score: 90, A: "C2", B: "C9"},
		{Score: 60, A: "C1", B: "C3"},
		{Score: 60, A: "C1", B: "C4"},
		{Score: 60, A: "C2", B: "C3"},
		{Score: 30, A: "C0", B: "C1"},
	}
	for i, c := range ordered {
		for j, d := range ordered {
			if got, want := c.Compare(d), cmpInt(i, j); got != want {
				t.Errorf("%v vs %v: %d, want %d", c, d, got, want)
			}
		}
	}
}

func cmpInt(i, j int) int {
	switch {
	case i < j:
		return -1
	case i > j:
		return 1
	}
	return 0
}

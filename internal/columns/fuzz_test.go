package columns

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

var fuzzHeaders = []string{"客户名称", "＊客户名称（必填）", "累计交易金额（万元）", "累计交易金额/万元", "联系人(职位)", "联系人2", "电话(2)",
	"手机/电话", "电话/邮箱", "【客户名称】：", "((必填))", "E-mail", "Total amount (10k CNY)", "企业规模(人数)", "(a)(b)(", "))((", "/", "联系人99"}

// FuzzMatchHeader: no panic; folding is stable and keeps what a header
// means; a match names a target of the catalog.
func FuzzMatchHeader(f *testing.F) {
	for _, h := range fuzzHeaders {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		folded := FoldHeader(h)
		if FoldHeader(folded) != folded {
			t.Fatalf("FoldHeader(%q) = %q is not stable: %q", h, folded, FoldHeader(folded))
		}
		if utf8.ValidString(h) && !utf8.ValidString(folded) {
			t.Fatalf("FoldHeader(%q) = %q is not UTF-8", h, folded)
		}
		m := MatchHeader(h)
		if mf := MatchHeader(folded); !reflect.DeepEqual(m, mf) {
			t.Fatalf("MatchHeader(%q) = %+v, but of its folded form %q: %+v", h, m, folded, mf)
		}
		if m.Field != "" {
			if _, ok := Lookup(m.Field); !ok || m.How == NotMapped || m.Reason != "" {
				t.Fatalf("MatchHeader(%q) = %+v", h, m)
			}
		} else if m.How != NotMapped || (folded != "" && m.Reason == "") {
			t.Fatalf("MatchHeader(%q) = %+v", h, m)
		}
		for _, k := range m.Candidates {
			if _, ok := Lookup(k); !ok {
				t.Fatalf("MatchHeader(%q): candidate %q", h, k)
			}
		}
		if m.Ordinal < 0 || m.Ordinal > maxOrdinal {
			t.Fatalf("MatchHeader(%q): ordinal %d", h, m.Ordinal)
		}
	})
}

// FuzzDetect: no panic on any header and cells; every column mapped to a
// known target, and the problems are Err's.
func FuzzDetect(f *testing.F) {
	f.Add("客户名称", "联系电话", "甲", "a@b.cn", "91350100M000100Y43")
	f.Add("", "类型", "2023-01-01 电话联系，了解需求", "新客户", "13812345678")
	f.Fuzz(func(t *testing.T, h1, h2, c1, c2, c3 string) {
		m := Detect([]string{h1, h2, ""}, [][]string{{c1, c2, c3}, {c3, c1, c2}})
		if len(m.Columns) != 3 {
			t.Fatalf("%d columns", len(m.Columns))
		}
		for _, c := range m.Columns {
			if c.Field != "" {
				if _, ok := Lookup(c.Field); !ok || c.Confidence == Unsure {
					t.Fatalf("column %+v", c)
				}
			}
		}
		if (m.Err() == nil) != (len(m.Problems) == 0) {
			t.Fatalf("Err() = %v with problems %v", m.Err(), m.Problems)
		}
	})
}

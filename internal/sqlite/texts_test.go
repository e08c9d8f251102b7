package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
	"github.com/kehu-crm/kehu/internal/storetest"
)

// textRunes: storetest's alphabet and FTS5 syntax characters.
var textRunes = []rune(storetest.TextRunes + "\"'*()")

var phones = storetest.ContactPieces

func randText(r *rand.Rand, n int) string { return storetest.RandText(r, textRunes, n) }

// needle picks a pattern: a piece of one of the texts with its case
// changed at random, or random runes.
func needle(r *rand.Rand, texts []string) string {
	if r.IntN(3) > 0 && len(texts) > 0 {
		rs := []rune(texts[r.IntN(len(texts))])
		if len(rs) == 0 {
			return ""
		}
		i := r.IntN(len(rs))
		j := min(len(rs), i+1+r.IntN(6))
		out := []rune(string(rs[i:j]))
		for k, c := range out {
			if r.IntN(2) == 0 {
				switch {
				case c >= 'a' && c <= 'z':
					out[k] = c - 'a' + 'A'
				case c >= 'A' && c <= 'Z':
					out[k] = c - 'A' + 'a'
				case c == 's':
					out[k] = 'ſ'
				case c == 'σ':
					out[k] = 'Σ'
				}
			}
		}
		return string(out)
	}
	return randText(r, 1+r.IntN(4))
}

// TestTextIndexAgreesWithTheEvaluator: the differential test of the text
// index. Over random texts and patterns (Chinese, case variants, FTS5
// syntax), every text filter answers through the index exactly what the
// evaluator answers on the whole documents; after random rewrites and
// appends (the index follows every write), and after a restart.
func TestTextIndexAgreesWithTheEvaluator(t *testing.T) {
	viewer := crm.Actor{UserID: "viewer", Role: crm.RoleSales}
	dir := t.TempDir()
	s := openAt(t, dir)
	r := rand.New(rand.NewPCG(14, 14))
	var texts []string
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 60 {
		c := &crm.Customer{ID: crm.NewID(), Name: fmt.Sprint("文本客户", i), Type: crm.CustomerTypeNew, Stage: crm.StagePotential}
		if i%2 == 0 {
			c.OwnerID = viewer.UserID
		}
		for j := range r.IntN(5) {
			sum := randText(r, r.IntN(12))
			if r.IntN(3) == 0 {
				sum += phones[r.IntN(len(phones))] + randText(r, r.IntN(3))
			}
			texts = append(texts, sum)
			c.Interactions = append(c.Interactions, crm.Interaction{ID: fmt.Sprint("i", j), At: at, Channel: crm.ChannelPhone,
				Summary: sum, CreatedBy: "u"})
		}
		c.Recompute()
		if err := s.Customers().Insert(ctx(t), c, "202611"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	maskedDiffer := 0 // filters whose answer masking changed
	check := func(t *testing.T, s *sqlite.Store, round int) {
		t.Helper()
		docs, err := s.Customers().GetMany(ctx(t), ids)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 150 {
			n := needle(r, texts)
			for n == "" {
				n = needle(r, texts)
			}
			sum := func(op segment.Op, v segment.Value) segment.Node {
				return segment.Cond{Field: "summary", Op: op, Value: v}
			}
			some := func(w segment.Node) segment.Node {
				return segment.Quant{Array: segment.Interactions, Q: segment.Some, Where: w}
			}
			var node segment.Node
			switch k % 6 {
			case 0, 1:
				node = some(sum(segment.Contains, segment.String(n)))
			case 2:
				node = segment.Quant{Array: segment.Interactions, Q: segment.None, Where: sum(segment.StartsWith, segment.String(n))}
			case 3:
				node = segment.Agg{Array: segment.Interactions, Fn: segment.Count, Where: sum(segment.Contains, segment.String(n)),
					Op: segment.Gte, Value: segment.Int(2)}
			case 4:
				node = segment.Or{Nodes: []segment.Node{
					segment.Quant{Array: segment.Interactions, Q: segment.Every, Where: segment.Not{Node: sum(segment.Contains, segment.String(n))}},
					some(sum(segment.Eq, segment.String(texts[r.IntN(len(texts))]+n[:0]+"x"[:r.IntN(2)]))),
				}}
			case 5:
				node = segment.Or{Nodes: []segment.Node{
					some(segment.And{Nodes: []segment.Node{sum(segment.Contains, segment.String(n)),
						segment.Cond{Field: "channel", Op: segment.Eq, Value: segment.String("PHONE")}}}),
					some(sum(segment.IsNull, segment.Bool(true))),
					some(sum(segment.Ne, segment.String(n))),
					segment.Quant{Array: segment.Interactions, Q: segment.Every,
						Where: sum(segment.NotIn, segment.Strings{n, texts[r.IntN(len(texts))] + "x"[:r.IntN(2)]})},
				}}
			}
			line := fmt.Sprintf("%#v", node)
			f, err := segment.NewFilter(node, segment.Options{})
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			var totals []int
			for _, v := range []*crm.Actor{nil, &viewer} {
				ref := crm.ForViewer(f, v)
				want := 0
				for _, d := range docs {
					if ref.Match(d) {
						want++
					}
				}
				page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 5, WithTotal: true, Filter: f, Viewer: v})
				if err != nil {
					t.Fatal(err)
				}
				counts, err := s.Customers().Counts(ctx(t), []crm.Filter{f}, crm.CountQuery{Viewer: v})
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != want || counts[0] != want {
					t.Fatalf("round %d, viewer %v, %s: list %d, counts %d, evaluator %d", round, v != nil, line, page.Total, counts[0], want)
				}
				totals = append(totals, want)
			}
			if totals[0] != totals[1] {
				maskedDiffer++
			}
		}
	}
	lookups, scans := sqlite.TextPaths()
	check(t, s, 0)
	// Rewrites: texts changed, removed, added, interactions appended.
	for _, id := range ids[:30] {
		c, err := s.Customers().Get(ctx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		for j := range c.Interactions {
			if r.IntN(2) == 0 {
				c.Interactions[j].Summary = randText(r, r.IntN(10))
				texts = append(texts, c.Interactions[j].Summary)
			}
		}
		if len(c.Interactions) > 0 && r.IntN(3) == 0 {
			c.Interactions = c.Interactions[1:]
		}
		c.Interactions = append(c.Interactions, crm.Interaction{ID: "new", At: at, Channel: crm.ChannelVisit, Summary: randText(r, 8), CreatedBy: "u"})
		c.Version++
		c.Recompute()
		if err := s.Customers().Replace(ctx(t), c, c.Version-1); err != nil {
			t.Fatal(err)
		}
	}
	check(t, s, 1)
	s.Close()
	s = openAt(t, dir)
	check(t, s, 2)
	l2, s2 := sqlite.TextPaths()
	if maskedDiffer == 0 {
		t.Fatal("masking never changed an answer: the masked path went untested")
	}
	t.Logf("%d answers changed by masking", maskedDiffer)
	if l2 == lookups || s2 == scans {
		t.Fatalf("index lookups %d, scans %d: a path went untested", l2-lookups, s2-scans)
	}
}

// FuzzTextNeedle: whatever needle a user types (FTS5 syntax, quotes,
// invalid or odd Unicode), the index answers contains, startsWith and eq
// exactly as the evaluator does, or the filter is refused as bad input.
func FuzzTextNeedle(f *testing.F) {
	for _, seed := range []string{"物流", "物流效率", "x", `"`, `""`, "*", "a OR b", "NEAR(a b)", "^客户", "ſ", "K", "σ", "138****5678",
		"li.lei@", "\x00", "\xff", "a\"b", "客户反馈现有物流效率低", " ", "-:^()"} {
		f.Add(seed)
	}
	dir := f.TempDir()
	s := openAt(f, dir)
	r := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := range 30 {
		c := &crm.Customer{ID: crm.NewID(), Name: fmt.Sprint("模糊客户", i), Type: crm.CustomerTypeNew, Stage: crm.StagePotential}
		for j := range 3 {
			sum := randText(r, r.IntN(15))
			if j == 0 {
				sum += phones[i%len(phones)]
			}
			c.Interactions = append(c.Interactions, crm.Interaction{ID: fmt.Sprint("i", j), At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
				Channel: crm.ChannelPhone, Summary: sum, CreatedBy: "u"})
		}
		c.Recompute()
		if err := s.Customers().Insert(context.Background(), c, "202611"); err != nil {
			f.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	docs, err := s.Customers().GetMany(context.Background(), ids)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, needle string) {
		for _, op := range []segment.Op{segment.Contains, segment.StartsWith, segment.Eq, segment.Ne} {
			n := segment.Quant{Array: segment.Interactions, Q: segment.Some,
				Where: segment.Cond{Field: "summary", Op: op, Value: segment.String(needle)}}
			flt, err := segment.NewFilter(n, segment.Options{})
			if err != nil {
				if !crm.IsCode(err, crm.CodeBadUserInput) {
					t.Fatalf("%q: %v", needle, err)
				}
				return
			}
			want := 0
			for _, d := range docs {
				if flt.Match(d) {
					want++
				}
			}
			page, err := s.Customers().List(context.Background(), crm.ListQuery{First: 1, WithTotal: true, Filter: flt})
			if err != nil {
				t.Fatalf("%s %q: %v", op, needle, err)
			}
			if page.Total != want {
				t.Fatalf("%s %q: index %d, evaluator %d", op, needle, page.Total, want)
			}
		}
	})
}

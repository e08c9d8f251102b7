package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

func init() {
	register("CustomerRoundTrip", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		want := insert(t, s, sample(1))
		if want.Code != "C202611001" {
			t.Fatalf("first code of 2026-11 = %q, want C202611001", want.Code)
		}
		got, err := s.Customers().Get(ctx(t), want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameDoc(t, want, got)
		byCode, err := s.Customers().GetByCode(ctx(t), want.Code)
		if err != nil {
			t.Fatal(err)
		}
		sameDoc(t, want, byCode)
		_, err = s.Customers().Get(ctx(t), crm.NewID())
		mustCode(t, err, crm.CodeNotFound)
		_, err = s.Customers().GetByCode(ctx(t), "C209901001")
		mustCode(t, err, crm.CodeNotFound)
	})

	register("CodeSequence", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		nov := base
		dec := time.Date(2026, 12, 1, 1, 0, 0, 0, crm.DefaultLocation)
		var codes []string
		for i, at := range []time.Time{nov, nov, dec, nov, dec} {
			codes = append(codes, insert(t, s, plain(fmt.Sprint("公司", i), at)).Code)
		}
		want := []string{"C202611001", "C202611002", "C202612001", "C202611003", "C202612002"}
		if fmt.Sprint(codes) != fmt.Sprint(want) {
			t.Fatalf("codes %v, want %v", codes, want)
		}
		// A preset code (import, migration) is kept; a taken one is CONFLICT on "code".
		c := plain("预设编号", nov)
		c.Code = "C201901007"
		insert(t, s, c)
		dup := plain("重复编号", nov)
		dup.Code = "C201901007"
		err := s.Customers().Insert(ctx(t), dup, "201901")
		mustField(t, err, crm.CodeConflict, "code")
		// A failed insert never makes a code reusable or visible.
		if _, err := s.Customers().Get(ctx(t), dup.ID); !crm.IsCode(err, crm.CodeNotFound) {
			t.Fatalf("failed insert left a document: %v", err)
		}
		if got := insert(t, s, plain("下一个", nov)).Code; got <= "C202611003" {
			t.Fatalf("code after failures = %s, want > C202611003", got)
		}
	})

	register("CreditCodeUnique", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		a := plain("甲公司", base)
		a.CreditCode = "91350100M000100Y43"
		insert(t, s, a)
		b := plain("乙公司", base)
		b.CreditCode = a.CreditCode
		mustField(t, s.Customers().Insert(ctx(t), b, "202611"), crm.CodeConflict, "creditCode")
		// Customers without a credit code never collide.
		for i := 0; i < 3; i++ {
			insert(t, s, plain(fmt.Sprint("无代码", i), base))
		}
		// Replace onto a taken code is CONFLICT on the field; freeing it lets another take it.
		c := insert(t, s, plain("丙公司", base))
		next := *c
		next.CreditCode = a.CreditCode
		next.Version = 2
		mustField(t, s.Customers().Replace(ctx(t), &next, 1), crm.CodeConflict, "creditCode")
		freed := *a
		freed.CreditCode = ""
		freed.Version = 2
		if err := s.Customers().Replace(ctx(t), &freed, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.Customers().Replace(ctx(t), &next, 1); err != nil {
			t.Fatalf("credit code freed by another customer: %v", err)
		}
		got, _ := s.Customers().Get(ctx(t), c.ID)
		if got.CreditCode != a.CreditCode || got.Version != 2 {
			t.Fatalf("got %q v%d", got.CreditCode, got.Version)
		}
	})

	register("VersionedReplace", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		c := insert(t, s, sample(2))
		v2 := *c
		v2.Name = "改名后的公司"
		v2.Version = 2
		if err := s.Customers().Replace(ctx(t), &v2, 1); err != nil {
			t.Fatal(err)
		}
		stale := *c
		stale.Name = "过期的修改"
		stale.Version = 2
		err := s.Customers().Replace(ctx(t), &stale, 1)
		if !crm.IsVersionConflict(err) {
			t.Fatalf("stale replace: want version CONFLICT, got %v", err)
		}
		got, _ := s.Customers().Get(ctx(t), c.ID)
		sameDoc(t, &v2, got)
		missing := plain("不存在", base)
		missing.Version = 2
		mustCode(t, s.Customers().Replace(ctx(t), missing, 1), crm.CodeNotFound)
	})

	register("GetMany", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		a := insert(t, s, sample(3))
		b := insert(t, s, sample(4))
		got, err := s.Customers().GetMany(ctx(t), []string{b.ID, crm.NewID(), a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
			t.Fatalf("GetMany order/contents wrong: %d", len(got))
		}
		sameDoc(t, a, got[1])
		if got, err := s.Customers().GetMany(ctx(t), nil); err != nil || len(got) != 0 {
			t.Fatalf("empty GetMany: %v %v", got, err)
		}
	})

	register("Restart", false, func(t *testing.T, h Harness) {
		if h.Reopen == nil {
			t.Skip("no Reopen")
		}
		s := h.Open(t)
		c := insert(t, s, sample(5))
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		got, err := s.Customers().Get(ctx(t), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameDoc(t, c, got)
		page, err := s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 10, WithTotal: true})
		if err != nil || page.Total != 1 || len(page.Customers) != 1 {
			t.Fatalf("list after restart: %+v %v", page, err)
		}
		if next := insert(t, s, plain("重启后", base)); next.Code != "C202611002" {
			t.Fatalf("sequence after restart: %s", next.Code)
		}
	})
}

func init() {
	register("PresetCodeRaisesSequence", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		c := plain("导入的客户", base)
		c.Code = "C202611050"
		insert(t, s, c)
		if got := insert(t, s, plain("新客户", base)).Code; got != "C202611051" {
			t.Fatalf("code after an imported C202611050 = %s, want C202611051", got)
		}
		// A lower preset code does not lower the sequence.
		low := plain("更早导入", base)
		low.Code = "C202611007"
		insert(t, s, low)
		if got := insert(t, s, plain("再一个", base)).Code; got != "C202611052" {
			t.Fatalf("code after a lower preset = %s, want C202611052", got)
		}
		// Codes in another format are kept as they are and do not touch it.
		odd := plain("旧编号", base)
		odd.Code = "KH-0001"
		insert(t, s, odd)
		if got := insert(t, s, plain("最后", base)).Code; got != "C202611053" {
			t.Fatalf("code after a foreign-format preset = %s", got)
		}
	})
}

func init() {
	// InsertMany inserts a batch as Insert inserts each customer: codes
	// drawn in order after the batch's preset codes raised the sequence,
	// a customer whose key is taken (stored, or earlier in the batch) or
	// whose document is too large left out with its error at its index,
	// the others inserted, readable and listed at once.
	register("InsertMany", false, func(t *testing.T, h Harness) {
		const taken = "91350100M000100Y43"
		type member struct {
			code, credit string // as given
			noID         bool   // given without an ID
			// want is the code stored: "+" for one of the period drawn
			// after the codes before it (a store may skip the numbers of
			// customers left out), "" for a customer left out with err
			// (on field; BAD_USER_INPUT is for a document made larger than
			// crm.MaxDocumentBytes, refused as DOCUMENT_TOO_LARGE).
			want  string
			err   crm.Code
			field string
		}
		for _, tc := range []struct {
			name   string
			stored []member // inserted one at a time first (code, credit)
			batch  []member
			next   string // the code of an Insert after the batch; "+" as in member.want
		}{
			{name: "codes in order", stored: []member{{}},
				batch: []member{{want: "C202611002"}, {noID: true, want: "C202611003"}, {want: "C202611004"}},
				next:  "C202611005"},
			{name: "preset codes raise the sequence first",
				batch: []member{{want: "C202611051"}, {code: "C202611050", want: "C202611050"}, {want: "C202611052"},
					{code: "C202611007", want: "C202611007"}, {code: "KH-0001", want: "KH-0001"}},
				next: "C202611053"},
			{name: "credit code stored", stored: []member{{credit: taken}},
				batch: []member{{want: "C202611002"}, {credit: taken, err: crm.CodeConflict, field: "creditCode"},
					{credit: "91350100M000200Y43", want: "+"}},
				next: "+"},
			{name: "credit code twice in the batch",
				batch: []member{{credit: taken, want: "C202611001"}, {credit: taken, err: crm.CodeConflict, field: "creditCode"},
					{want: "+"}},
				next: "+"},
			{name: "preset code taken", stored: []member{{code: "C202611030"}},
				batch: []member{{code: "C202611030", err: crm.CodeConflict, field: "code"}, {want: "C202611032"},
					{code: "C202611031", want: "C202611031"}, {code: "C202611031", err: crm.CodeConflict, field: "code"}},
				next: "C202611033"},
			{name: "document too large",
				batch: []member{{err: crm.CodeBadUserInput}, {want: "+"}, {err: crm.CodeBadUserInput}},
				next:  "+"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := open(t, h)
				codes := map[string]bool{} // stored codes
				for k, m := range tc.stored {
					c := plain(fmt.Sprint("已有", k), base)
					c.Code, c.CreditCode = m.code, m.credit
					codes[insert(t, s, c).Code] = true
				}
				batch := make([]*crm.Customer, len(tc.batch))
				given := make([]crm.Customer, len(tc.batch))
				// Ids made last to first: a store may not count on their order.
				for k := len(tc.batch) - 1; k >= 0; k-- {
					m := tc.batch[k]
					c := plain(fmt.Sprint("批量", k), base)
					c.Code, c.CreditCode, c.Version = m.code, m.credit, 0
					if m.noID {
						c.ID = ""
					}
					if m.err == crm.CodeBadUserInput {
						note := strings.Repeat("备注", 2500) // 15 KB
						for i := 0; i*len(note) <= crm.MaxDocumentBytes; i++ {
							c.Interactions = append(c.Interactions, crm.Interaction{ID: crm.NewID(), At: base, Channel: crm.ChannelPhone, Summary: note})
						}
					}
					batch[k], given[k] = c, *c
				}
				errs, err := s.Customers().InsertMany(ctx(t), batch, crm.CodePeriod(base, crm.DefaultLocation))
				if err != nil || len(errs) != len(batch) {
					t.Fatalf("InsertMany: %d errors for %d customers, %v", len(errs), len(batch), err)
				}
				after := func(code string) {
					t.Helper()
					for c := range codes {
						if p, _, ok := crm.ParseCode(c); ok && p == "202611" && code <= c {
							t.Fatalf("code %s, want one after %s", code, c)
						}
					}
					if p, _, ok := crm.ParseCode(code); !ok || p != "202611" {
						t.Fatalf("code %s, want one of 202611", code)
					}
				}
				var ids []string
				for k, m := range tc.batch {
					c := batch[k]
					if m.want == "" {
						if m.field != "" {
							mustField(t, errs[k], m.err, m.field)
						} else if e, ok := errs[k].(*crm.Error); !ok || e.Code != m.err || e.Reason != crm.ReasonDocumentTooLarge {
							t.Fatalf("customer %d: want %s DOCUMENT_TOO_LARGE, got %v", k, m.err, errs[k])
						}
						if c.ID != given[k].ID || c.Code != given[k].Code || c.Version != given[k].Version {
							t.Fatalf("customer %d left out was changed: id %q code %q version %d", k, c.ID, c.Code, c.Version)
						}
						if _, err := s.Customers().Get(ctx(t), c.ID); !crm.IsCode(err, crm.CodeNotFound) {
							t.Fatalf("customer %d left out was stored: %v", k, err)
						}
						continue
					}
					if errs[k] != nil {
						t.Fatalf("customer %d: %v", k, errs[k])
					}
					if m.want == "+" {
						after(c.Code)
					} else if c.Code != m.want {
						t.Fatalf("customer %d: code %s, want %s", k, c.Code, m.want)
					}
					codes[c.Code] = true
					if c.Version != 1 || c.ID == "" || (!m.noID && c.ID != given[k].ID) {
						t.Fatalf("customer %d: id %q (given %q), version %d", k, c.ID, given[k].ID, c.Version)
					}
					got, err := s.Customers().Get(ctx(t), c.ID)
					if err != nil {
						t.Fatalf("customer %d: %v", k, err)
					}
					sameDoc(t, c, got)
					ids = append(ids, c.ID)
				}
				// The lists see the batch at once.
				page, err := s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 50, Scope: crm.ScopeAll, WithTotal: true})
				if err != nil || page.Total != len(tc.stored)+len(ids) {
					t.Fatalf("listed %+v (%v), want %d customers", page, err, len(tc.stored)+len(ids))
				}
				listed := map[string]bool{}
				for _, c := range page.Customers {
					listed[c.ID] = true
				}
				for _, id := range ids {
					if !listed[id] {
						t.Fatalf("customer %s inserted but not listed", id)
					}
				}
				// The read model holds each once: a write after finds it.
				for k, c := range batch {
					if errs[k] != nil {
						continue
					}
					x := *c
					x.Name, x.Version = c.Name+"（改）", 2
					if err := s.Customers().Replace(ctx(t), &x, 1); err != nil {
						t.Fatal(err)
					}
				}
				page, err = s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 50, Scope: crm.ScopeAll, WithTotal: true})
				if err != nil || page.Total != len(tc.stored)+len(ids) {
					t.Fatalf("listed after replaces %+v (%v), want %d customers", page, err, len(tc.stored)+len(ids))
				}
				for _, c := range page.Customers {
					if listed[c.ID] && strings.HasPrefix(c.Name, "批量") && !strings.HasSuffix(c.Name, "（改）") {
						t.Fatalf("customer %s listed as before its replace: %s", c.ID, c.Name)
					}
				}
				next := insert(t, s, plain("之后", base)).Code
				if tc.next == "+" {
					after(next)
				} else if next != tc.next {
					t.Fatalf("code of an Insert after the batch: %s, want %s", next, tc.next)
				}
			})
		}

		s := open(t, h)
		if errs, err := s.Customers().InsertMany(ctx(t), nil, "202611"); err != nil || len(errs) != 0 {
			t.Fatalf("an empty batch: %v %v", errs, err)
		}
		// An error of the batch (a nil customer) inserts nothing.
		c := plain("整批失败", base)
		c.Version = 0
		errs, err := s.Customers().InsertMany(ctx(t), []*crm.Customer{c, nil}, "202611")
		mustCode(t, err, crm.CodeInternal)
		if errs != nil || c.Code != "" || c.Version != 0 {
			t.Fatalf("a failed batch: errs %v, customer code %q version %d", errs, c.Code, c.Version)
		}
		if _, err := s.Customers().Get(ctx(t), c.ID); !crm.IsCode(err, crm.CodeNotFound) {
			t.Fatalf("a failed batch stored a customer: %v", err)
		}
	})
}

func init() {
	// DeleteMany removes for good the customers still at their expected
	// versions and reports apart those changed meanwhile and those gone:
	// every read (text filters and searches included) misses a deleted
	// customer, at once, after another insert and after a restart; its
	// credit code is free again, and its code is not given out again.
	register("DeleteMany", false, func(t *testing.T, h Harness) {
		const unknown = -1
		for _, tc := range []struct {
			name          string
			batch         []int // stored customers by number, or unknown: an id never stored
			bump          []int // stored customers replaced (version 2) before the batch, which expects 1
			changed, gone []int // indexes in batch
		}{
			{name: "an empty batch"},
			{name: "the last inserted", batch: []int{3}},
			{name: "several in any order", batch: []int{3, 0, 2}},
			{name: "one changed since", batch: []int{1, 3, 2}, bump: []int{3}, changed: []int{1}},
			{name: "unknown ids", batch: []int{unknown, 3, unknown}, gone: []int{0, 2}},
			{name: "every customer", batch: []int{2, unknown, 0, 3, 1}, bump: []int{1}, changed: []int{4}, gone: []int{1}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := h.Open(t)
				t.Cleanup(func() { _ = s.Close() }) // the store open at the end
				var stored []*crm.Customer
				for k := range 4 {
					c := sample(k) // its interaction says "物流效率"
					c.CreditCode = fmt.Sprintf("91350100M00%04dY43", k)
					if k == 2 {
						at := base
						c.ArchivedAt = &at
					}
					c.Recompute()
					stored = append(stored, insert(t, s, c))
				}
				if stored[3].Code != "C202611004" {
					t.Fatalf("last stored code %s, want C202611004", stored[3].Code)
				}
				for _, k := range tc.bump {
					x := *stored[k]
					x.Name, x.Version = x.Name+"（改）", 2
					if err := s.Customers().Replace(ctx(t), &x, 1); err != nil {
						t.Fatal(err)
					}
					stored[k] = &x
				}
				ids := make([]string, len(tc.batch))
				expected := make([]int64, len(tc.batch))
				for i, k := range tc.batch {
					ids[i], expected[i] = crm.NewID(), 1
					if k != unknown {
						ids[i] = stored[k].ID
					}
				}
				changed, gone, err := s.Customers().DeleteMany(ctx(t), ids, expected)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(changed, tc.changed) || !slices.Equal(gone, tc.gone) {
					t.Fatalf("changed %v, gone %v; want %v and %v", changed, gone, tc.changed, tc.gone)
				}
				var kept, deleted []*crm.Customer
				for k, c := range stored {
					if i := slices.Index(tc.batch, k); i >= 0 && !slices.Contains(tc.changed, i) {
						deleted = append(deleted, c)
					} else {
						kept = append(kept, c)
					}
				}
				checkDeleted(t, s, h, kept, deleted)

				// A customer inserted after: the next code, a deleted
				// customer's credit code, and texts of its own.
				after := plain("之后", base)
				after.Interactions = []crm.Interaction{{ID: "in1", At: base, Channel: crm.ChannelPhone, Summary: "电话沟通", CreatedBy: "u"}}
				if len(deleted) > 0 {
					after.CreditCode = deleted[0].CreditCode
				}
				after.Recompute()
				if insert(t, s, after).Code != "C202611005" {
					t.Fatalf("code after the delete %s, want C202611005", after.Code)
				}
				kept = append(kept, after)
				checkDeleted(t, s, h, kept, deleted)

				if h.Reopen != nil {
					s = h.Reopen(t, s)
					checkDeleted(t, s, h, kept, deleted)
				}
				// Deleted ones are gone for a second delete.
				ids, expected = nil, nil
				var wantGone []int
				for i, c := range deleted {
					ids, expected = append(ids, c.ID), append(expected, c.Version)
					wantGone = append(wantGone, i)
				}
				changed, gone, err = s.Customers().DeleteMany(ctx(t), ids, expected)
				if err != nil || len(changed) != 0 || !slices.Equal(gone, wantGone) {
					t.Fatalf("deleted again: changed %v, gone %v (%v), want gone %v", changed, gone, err, wantGone)
				}
				if next := insert(t, s, plain("最后", base)).Code; next != "C202611006" {
					t.Fatalf("code after a restart %s, want C202611006", next)
				}
			})
		}

		// An error of the batch deletes nothing.
		s := open(t, h)
		a, b := insert(t, s, plain("甲", base)), insert(t, s, plain("乙", base))
		for _, bad := range []struct {
			name     string
			ids      []string
			expected []int64
		}{
			{"an id twice", []string{a.ID, b.ID, a.ID}, []int64{1, 1, 1}},
			{"fewer versions than ids", []string{a.ID, b.ID}, []int64{1}},
		} {
			changed, gone, err := s.Customers().DeleteMany(ctx(t), bad.ids, bad.expected)
			mustCode(t, err, crm.CodeInternal)
			if changed != nil || gone != nil {
				t.Fatalf("%s: changed %v, gone %v", bad.name, changed, gone)
			}
		}
		checkDeleted(t, s, h, []*crm.Customer{a, b}, nil)
	})
}

// checkDeleted checks that every read sees the customers kept as stored and
// misses the ones deleted.
func checkDeleted(t *testing.T, s crm.Store, h Harness, kept, deleted []*crm.Customer) {
	t.Helper()
	cs := s.Customers()
	for _, c := range kept {
		got, err := cs.Get(ctx(t), c.ID)
		if err != nil {
			t.Fatalf("kept %s: %v", c.Name, err)
		}
		sameDoc(t, c, got)
		if _, err := cs.GetByCode(ctx(t), c.Code); err != nil {
			t.Fatalf("kept %s by code: %v", c.Name, err)
		}
	}
	for _, c := range deleted {
		_, err := cs.Get(ctx(t), c.ID)
		mustCode(t, err, crm.CodeNotFound)
		_, err = cs.GetByCode(ctx(t), c.Code)
		mustCode(t, err, crm.CodeNotFound)
	}
	if got, err := cs.GetMany(ctx(t), idsOf(append(slices.Clone(kept), deleted...))); err != nil || len(got) != len(kept) {
		t.Fatalf("GetMany: %d customers (%v), want %d", len(got), err, len(kept))
	}
	has := func(cs []*crm.Customer, text string) []string {
		var ids []string
		for _, c := range cs {
			for _, in := range c.Interactions {
				if strings.Contains(in.Summary, text) {
					ids = append(ids, c.ID)
					break
				}
			}
		}
		return sorted(ids)
	}
	var text crm.Filter // a filter of the texts every deleted customer has
	if h.SkipNestedFilters == "" {
		f, err := segment.FilterOf(nil, "interactions.some(summary:*物流效率*)", segment.Options{Now: base})
		if err != nil {
			t.Fatal(err)
		}
		text = f
	}
	for _, scope := range []crm.ArchiveScope{crm.ScopeAll, crm.ScopeActive, crm.ScopeArchived} {
		var want []*crm.Customer
		for _, c := range kept {
			if scope == crm.ScopeAll || (c.ArchivedAt != nil) == (scope == crm.ScopeArchived) {
				want = append(want, c)
			}
		}
		page, err := cs.List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 50, Scope: scope, WithTotal: true})
		if err != nil || page.Total != len(want) || !slices.Equal(sorted(idsOf(page.Customers)), sorted(idsOf(want))) {
			t.Fatalf("%s: listed %d of %v (%v), want %d", scope, len(page.Customers), page.Total, err, len(want))
		}
		filters := []crm.Filter{nil}
		if text != nil {
			filters = append(filters, text)
		}
		counts, err := cs.Counts(ctx(t), filters, crm.CountQuery{Scope: scope})
		if err != nil || counts[0] != len(want) {
			t.Fatalf("%s: counts %v (%v), want %d", scope, counts, err, len(want))
		}
		var each []string
		if err := cs.Each(ctx(t), crm.EachQuery{Scope: scope}, func(c *crm.Customer) error {
			each = append(each, c.ID)
			return nil
		}); err != nil || !slices.Equal(sorted(each), sorted(idsOf(want))) {
			t.Fatalf("%s: Each visited %d (%v), want %d", scope, len(each), err, len(want))
		}
		if text != nil {
			page, err := cs.List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 50, Scope: scope, WithTotal: true, Filter: text})
			wantText := has(want, "物流效率")
			if err != nil || page.Total != len(wantText) || counts[1] != len(wantText) || !slices.Equal(sorted(idsOf(page.Customers)), wantText) {
				t.Fatalf("%s: text filter listed %d of %d, counted %d (%v), want %d", scope, len(page.Customers), page.Total, counts[1], err, len(wantText))
			}
		}
	}
	for _, c := range append(slices.Clone(kept), deleted...) {
		wantFound := slices.Contains(kept, c)
		page, err := cs.List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 50, Scope: crm.ScopeAll, Search: c.Name})
		if err != nil || slices.Contains(idsOf(page.Customers), c.ID) != wantFound {
			t.Fatalf("search %s: %d found (%v), want it found: %v", c.Name, len(page.Customers), err, wantFound)
		}
		matches, err := cs.FindMatches(ctx(t), crm.MatchQuery{Name: c.Match.Name, CreditCode: c.CreditCode, Limit: 10})
		if err != nil || slices.Contains(idsOf(matches), c.ID) != wantFound {
			t.Fatalf("matches of %s: %d (%v), want it found: %v", c.Name, len(matches), err, wantFound)
		}
	}
}

func idsOf(cs []*crm.Customer) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func sorted(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

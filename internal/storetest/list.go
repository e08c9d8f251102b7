package storetest

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// listData inserts n customers whose sortable figures vary, with ties, and
// archives every seventh.
func listData(t *testing.T, s crm.Store, n int) []*crm.Customer {
	t.Helper()
	var all []*crm.Customer
	for i := 0; i < n; i++ {
		c := plain(fmt.Sprintf("列表公司%02d", (i*7)%n), base.Add(time.Duration(i%5)*time.Minute))
		// The texts sorted on vary, empty ones (left out of the document) included.
		c.Industry = []string{"", "制造业", "IT", "零售"}[i%4]
		c.Source = []string{"展会", "", "转介绍", "官网", "电话"}[i%5]
		c.ValueTier = []crm.Tier{"", crm.TierA, crm.TierB, crm.TierC}[(i/2)%4]
		c.IntentGrade = []crm.Tier{crm.TierC, "", crm.TierA}[i%3]
		c.Lifecycle = []crm.Lifecycle{crm.LifecycleNew, "", crm.LifecycleChurned, crm.LifecycleStable}[(i/3)%4]
		c.CadenceDays = []int{0, 7, 30}[(i/2)%3] // and so the next follow-up, absent without one
		c.NeedType = []crm.NeedType{"", crm.NeedTypeProduct, crm.NeedTypeSolution}[(i/3)%3]
		c.Region = crm.Region{Province: []string{"", "广东省", "上海市"}[i%3], City: []string{"深圳市", "", "", "广州市"}[i%4]}
		c.Stage = []crm.Stage{crm.StageWon, crm.StagePotential, crm.StageLost, crm.StageNegotiation, crm.StageContacted}[i%5]
		c.Type = []crm.CustomerType{crm.CustomerTypeNew, crm.CustomerTypeExisting, crm.CustomerTypeChannel}[(i/4)%3]
		for j := 0; j < i%4; j++ {
			in := crm.Interaction{ID: fmt.Sprint("i", j), At: base.Add(-time.Duration(i%6+j) * time.Hour),
				Channel: crm.ChannelPhone, Summary: "电话沟通"}
			if (i+j)%3 == 0 {
				in.KeyEvent = crm.KeyEventComplaint
			}
			c.Interactions = append(c.Interactions, in)
		}
		if i%3 == 0 {
			c.Deals = []crm.Deal{{ID: "d", Product: "产品A", Amount: crm.Money(100 * (i % 4)), Date: time.Date(2026, 1, 1+i%3, 0, 0, 0, 0, time.UTC)}}
		}
		if i%2 == 0 {
			c.Satisfaction = []crm.Satisfaction{{ID: "s", At: base, Score: 60 + i%3*10}}
		}
		if i%5 == 0 {
			c.Contacts = []crm.Contact{{ID: "c", Name: fmt.Sprintf("Zhang联系人%d", i)}}
		}
		if i%7 == 6 {
			at := base
			c.ArchivedAt = &at
		}
		c.Recompute()
		all = append(all, insert(t, s, c))
	}
	return all
}

// expected orders the matching customers as a store must.
func expected(all []*crm.Customer, keep func(*crm.Customer) bool, f crm.OrderField, desc bool) []string {
	var rows []*crm.Customer
	for _, c := range all {
		if keep(c) {
			rows = append(rows, c)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		c := crm.CompareSortValues(rows[i].SortValue(f), rows[j].SortValue(f))
		if c == 0 {
			c = cmpString(rows[i].ID, rows[j].ID)
		}
		if desc {
			return c > 0
		}
		return c < 0
	})
	ids := make([]string, len(rows))
	for i, c := range rows {
		ids[i] = c.ID
	}
	return ids
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pageAll reads every page of q and returns the ids in order.
func pageAll(t *testing.T, s crm.Store, q crm.ListQuery) ([]string, int) {
	t.Helper()
	var ids []string
	total := -2
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		p, err := s.Customers().List(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Customers) > q.First {
			t.Fatalf("page of %d rows for first=%d", len(p.Customers), q.First)
		}
		if total == -2 {
			total = p.Total
		} else if q.WithTotal && p.Total != total {
			t.Fatalf("total changed while paging: %d then %d", total, p.Total)
		}
		for _, c := range p.Customers {
			ids = append(ids, c.ID)
			if !q.Full && !c.Partial && len(c.Interactions) == 0 && c.Stats.InteractionCount > 0 {
				t.Fatalf("customer without interactions loaded must be marked Partial")
			}
		}
		if !p.HasNext {
			return ids, total
		}
		if len(p.Customers) == 0 {
			t.Fatal("HasNext with an empty page")
		}
		last := p.Customers[len(p.Customers)-1]
		q.After = &crm.Cursor{Value: last.SortValue(q.OrderBy), ID: last.ID}
	}
}

func init() {
	register("ListOrdersAndPages", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		all := listData(t, s, 30)
		active := func(c *crm.Customer) bool { return c.ArchivedAt == nil }
		for _, f := range crm.OrderFields() {
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s desc=%v", f, desc), func(t *testing.T) {
					want := expected(all, active, f, desc)
					got, total := pageAll(t, s, crm.ListQuery{OrderBy: f, Desc: desc, First: 4, WithTotal: true})
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("order by %s desc=%v:\n got %v\nwant %v", f, desc, got, want)
					}
					if total != len(want) {
						t.Fatalf("total %d, want %d", total, len(want))
					}
				})
			}
		}
	})

	register("ListScopeSearchAndFull", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		all := listData(t, s, 30)
		special := plain("A.B*(测试)[公司]+?", base)
		special.Contacts = []crm.Contact{{ID: "c", Name: "Li Si"}}
		special.Recompute()
		all = append(all, insert(t, s, special))
		tests := []struct {
			name string
			q    crm.ListQuery
			keep func(*crm.Customer) bool
		}{
			{"archived", crm.ListQuery{Scope: crm.ScopeArchived}, func(c *crm.Customer) bool { return c.ArchivedAt != nil }},
			{"all", crm.ListQuery{Scope: crm.ScopeAll}, func(c *crm.Customer) bool { return true }},
			{"name substring", crm.ListQuery{Search: "公司0"}, func(c *crm.Customer) bool { return c.ArchivedAt == nil && contains(c.Name, "公司0") }},
			{"code", crm.ListQuery{Search: all[3].Code}, func(c *crm.Customer) bool { return c.ID == all[3].ID }},
			{"code prefix lower case", crm.ListQuery{Search: "c2026110"}, func(c *crm.Customer) bool { return c.ArchivedAt == nil && contains(c.Code, "C2026110") }},
			{"contact name any case", crm.ListQuery{Search: "zhang联系人1"}, func(c *crm.Customer) bool {
				return c.ArchivedAt == nil && len(c.Contacts) > 0 && contains(c.Contacts[0].Name, "Zhang联系人1")
			}},
			{"regex metacharacters are literal", crm.ListQuery{Search: "b*(测试)[公"}, func(c *crm.Customer) bool { return c.ID == special.ID }},
			{"dot is literal", crm.ListQuery{Search: "司."}, func(c *crm.Customer) bool { return false }},
			{"contact of special", crm.ListQuery{Search: "li si"}, func(c *crm.Customer) bool { return c.ID == special.ID }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.OrderBy, q.First, q.WithTotal = crm.OrderCode, 5, true
				want := expected(all, tc.keep, crm.OrderCode, false)
				got, total := pageAll(t, s, q)
				if fmt.Sprint(got) != fmt.Sprint(want) || total != len(want) {
					t.Fatalf("got %v (total %d), want %v", got, total, want)
				}
			})
		}
		// Without WithTotal the total is -1; Full returns whole documents.
		p, err := s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 100, Full: true, Scope: crm.ScopeAll})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != -1 || p.HasNext || len(p.Customers) != len(all) {
			t.Fatalf("full list: total %d hasNext %v rows %d", p.Total, p.HasNext, len(p.Customers))
		}
		byID := map[string]*crm.Customer{}
		for _, c := range all {
			byID[c.ID] = c
		}
		for _, c := range p.Customers {
			if c.Partial {
				t.Fatal("Full list returned a Partial customer")
			}
			sameDoc(t, byID[c.ID], c)
		}
		// A lean page still carries every scalar and computed figure.
		p, err = s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 100, Scope: crm.ScopeAll})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Customers {
			w := byID[c.ID]
			if c.Name != w.Name || c.Code != w.Code || c.Stats != w.Stats || c.Version != w.Version ||
				!c.CreatedAt.Equal(w.CreatedAt) || (c.ArchivedAt == nil) != (w.ArchivedAt == nil) {
				t.Fatalf("lean row %s differs from stored", c.Code)
			}
		}
	})

	register("ListEmptyAndAfterLast", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		p, err := s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderName, First: 10, WithTotal: true})
		if err != nil || len(p.Customers) != 0 || p.HasNext || p.Total != 0 {
			t.Fatalf("empty store: %+v %v", p, err)
		}
		c := insert(t, s, plain("唯一", base))
		p, err = s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderName, First: 10, After: &crm.Cursor{Value: c.SortValue(crm.OrderName), ID: c.ID}})
		if err != nil || len(p.Customers) != 0 || p.HasNext {
			t.Fatalf("after the last row: %+v %v", p, err)
		}
	})

	// Names sort in pinyin order (crm.OrderKey), not by code point,
	// on every store, a page at a time and in both directions; names that
	// differ only in case or width sort together.
	register("ListByNameInPinyinOrder", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		want := []string{"3M中国有限公司", "Apple Inc", "ＡＰＰＬＥ 科技", "阿里巴巴", "艾派克", "安徽省建工集团", "百度在线", "北京华为", "华为技术有限公司", "万科", "王府井百货", "鑫达", "中国银行", "重庆火锅"}
		byName := map[string]string{}
		for i, name := range slices.Backward(want) { // inserted in reverse, so the ids' order is not the names'
			c := plain(name, base.Add(time.Duration(i)*time.Minute))
			insert(t, s, c)
			byName[c.ID] = name
		}
		for _, desc := range []bool{false, true} {
			for _, first := range []int{3, 20} {
				ids, total := pageAll(t, s, crm.ListQuery{OrderBy: crm.OrderName, Desc: desc, First: first, WithTotal: true})
				var got []string
				for _, id := range ids {
					got = append(got, byName[id])
				}
				exp := slices.Clone(want)
				if desc {
					slices.Reverse(exp)
				}
				if !slices.Equal(got, exp) || total != len(want) {
					t.Fatalf("desc %v, first %d: %d customers\n got %v\nwant %v", desc, first, total, got, exp)
				}
			}
		}
	})

	// Industry, source, province and city sort in pinyin order too, the
	// customers without one first, on every store and in both directions.
	register("ListByTextsInPinyinOrder", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		want := []string{"", "北京", "广东", "零售", "软件", "物流", "医疗", "制造业"}
		byID := map[string]int{}
		for i, text := range slices.Backward(want) { // inserted in reverse, so the ids' order is not the texts'
			c := plain(fmt.Sprintf("公司%d", i), base.Add(time.Duration(i)*time.Minute))
			c.Industry, c.Source, c.Region = text, text, crm.Region{Province: text, City: text}
			c.Recompute()
			insert(t, s, c)
			byID[c.ID] = i
		}
		for _, f := range []crm.OrderField{crm.OrderIndustry, crm.OrderSource, crm.OrderProvince, crm.OrderCity} {
			for _, desc := range []bool{false, true} {
				ids, _ := pageAll(t, s, crm.ListQuery{OrderBy: f, Desc: desc, First: 3})
				var got []string
				for _, id := range ids {
					got = append(got, want[byID[id]])
				}
				exp := slices.Clone(want)
				if desc {
					slices.Reverse(exp)
				}
				if !slices.Equal(got, exp) {
					t.Fatalf("%s, desc %v:\n got %q\nwant %q", f, desc, got, exp)
				}
			}
		}
	})
}

func contains(s, sub string) bool {
	return len(sub) == 0 || indexFold(s, sub) >= 0
}

func indexFold(s, sub string) int {
	ls, lsub := lower(s), lower(sub)
	for i := 0; i+len(lsub) <= len(ls); i++ {
		if ls[i:i+len(lsub)] == lsub {
			return i
		}
	}
	return -1
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func init() {
	register("ListWithContacts", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		listData(t, s, 12)
		withNotes := plain("带备注的公司", base)
		withNotes.Notes = "年底前回访"
		withNotes.Contacts = []crm.Contact{{ID: "c1", Name: "王经理", Phone: "13800000000", Email: "wang@example.com", Primary: true}}
		withNotes.Interactions = []crm.Interaction{{ID: "i", At: base, Channel: crm.ChannelVisit, Summary: "拜访"}}
		withNotes.Recompute()
		insert(t, s, withNotes)
		want, _ := pageAll(t, s, crm.ListQuery{OrderBy: crm.OrderName, First: 5})
		got := 0
		q := crm.ListQuery{OrderBy: crm.OrderName, First: 5, WithContacts: true}
		for {
			p, err := s.Customers().List(ctx(t), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Customers {
				if c.ID != want[got] {
					t.Fatalf("row %d is %s, want %s (the same rows as without contacts)", got, c.ID, want[got])
				}
				got++
				whole, err := s.Customers().Get(ctx(t), c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !c.Partial || !c.ContactsLoaded || len(c.Interactions) != 0 || c.Notes != whole.Notes || fmt.Sprint(c.Contacts) != fmt.Sprint(whole.Contacts) {
					t.Fatalf("%s: partial %v, %d interactions, notes %q (want %q), contacts %v (want %v)", c.Name, c.Partial,
						len(c.Interactions), c.Notes, whole.Notes, c.Contacts, whole.Contacts)
				}
			}
			if !p.HasNext {
				break
			}
			last := p.Customers[len(p.Customers)-1]
			q.After = &crm.Cursor{Value: last.SortValue(q.OrderBy), ID: last.ID}
		}
		if got != len(want) {
			t.Fatalf("%d rows with contacts, %d without", got, len(want))
		}
	})
}

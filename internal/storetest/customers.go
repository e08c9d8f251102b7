package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
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

package importer_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
)

// Undo deletes what an import created and restores what it changed, but
// leaves (and reports) every customer written since.
func TestUndo(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.create(t, crm.CustomerInput{Name: "甲公司"})
	b := w.create(t, crm.CustomerInput{Name: "乙公司"})
	header := []string{"客户编号", "客户名称", "所属行业", "联系人", "手机"}
	_, undo := w.commit(t, source(header,
		[]string{a.Code, "甲公司", "制造", "张三", "13812345678"},
		[]string{b.Code, "乙公司", "零售"},
		[]string{"", "丙公司", "物流"},
		[]string{"", "丁公司", "软件"},
	), importer.CommitOptions{})
	if len(undo.Created) != 2 || len(undo.Updated) != 2 {
		t.Fatalf("undo record: %+v", undo)
	}
	// A person edits 乙公司 and 丁公司 after the import.
	edit := func(id string) {
		c, err := w.crm.Customer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.crm.UpdateCustomer(ctx, w.boss, id, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Source: ptr("转介绍")}}); err != nil {
			t.Fatal(err)
		}
	}
	edit(b.ID)
	ding := undo.Created[1]
	edit(ding)

	if _, err := w.svc.Undo(ctx, w.sales, undo); !crm.IsCode(err, crm.CodeForbidden) {
		t.Fatalf("a salesperson's undo: %v", err)
	}
	rep, err := w.svc.Undo(ctx, w.boss, undo)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, k := range rep.Kept {
		kept = append(kept, fmt.Sprintf("%s:%s", k.ID, k.Reason))
	}
	slices.Sort(kept)
	want := []string{b.ID + ":CHANGED_SINCE", ding + ":CHANGED_SINCE"}
	slices.Sort(want)
	if rep.Deleted != 1 || rep.Restored != 1 || !slices.Equal(kept, want) {
		t.Fatalf("undo: %d deleted, %d restored, kept %q (want %q)", rep.Deleted, rep.Restored, kept, want)
	}
	if _, err := w.crm.Store.Customers().Get(ctx, undo.Created[0]); !crm.IsCode(err, crm.CodeNotFound) {
		t.Errorf("丙公司 after the undo: %v", err)
	}
	got := w.byCode(t, a.Code)
	if got.Industry != "" || len(got.Contacts) != 0 || got.Version != a.Version+2 {
		t.Errorf("甲公司 restored: industry %q, %d contacts, version %d (was %d)", got.Industry, len(got.Contacts), got.Version, a.Version)
	}
	if got := w.byCode(t, b.Code); got.Industry != "零售" || got.Source != "转介绍" {
		t.Errorf("乙公司, edited since, was touched: industry %q, source %q", got.Industry, got.Source)
	}
	if n := w.count(t); n != 3 {
		t.Errorf("%d customers after the undo, want 3", n)
	}

	// Again: nothing left to undo, nothing overwritten.
	rep, err = w.svc.Undo(ctx, w.boss, undo)
	if err != nil || rep.Deleted != 0 || rep.Restored != 0 || len(rep.Kept) != 4 {
		t.Fatalf("a second undo: %v %+v", err, rep)
	}
	if got := w.byCode(t, a.Code); got.Version != a.Version+2 {
		t.Errorf("the second undo wrote 甲公司 again: version %d", got.Version)
	}
}

// TestUndoOverRulesWrites: the classification rules rewriting imported
// customers (they keep UpdatedAt and UpdatedBy) do not stop an undo: the
// customers the import changed are restored and those it created deleted
// all the same, through a job whose undo data went through the store; a
// person's write after the rules' still does.
func TestUndoOverRulesWrites(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	a := w.create(t, crm.CustomerInput{Name: "甲公司"})
	b := w.create(t, crm.CustomerInput{Name: "乙公司"})
	im, err := j.Start(ctx, w.boss, csvFile("客户编号,客户名称,所属行业", a.Code+",甲公司,制造", b.Code+",乙公司,零售", ",丙公司,物流", ",丁公司,软件"),
		"规则.csv", importer.JobInput{})
	if err != nil {
		t.Fatal(err)
	}
	if im = wait(t, j, w.boss, im.ID); im.Created != 2 || im.Updated != 2 {
		t.Fatalf("commit: %+v", im)
	}
	// The rules write each customer twice, as Reclassify does: a new
	// version, UpdatedAt and UpdatedBy kept.
	rules := func(code string) {
		for range 2 {
			c := w.byCode(t, code)
			c.ValueTier = crm.TierB
			c.Version++
			if err := w.crm.Store.Customers().Replace(ctx, c, c.Version-1); err != nil {
				t.Fatal(err)
			}
		}
	}
	var created []string
	if err := w.crm.Store.Customers().Each(ctx, crm.EachQuery{Scope: crm.ScopeAll}, func(c *crm.Customer) error {
		if c.Name == "丙公司" || c.Name == "丁公司" {
			created = append(created, c.Code)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, code := range append([]string{a.Code, b.Code}, created...) {
		rules(code)
	}
	// A person edits 乙公司 after the rules.
	c := w.byCode(t, b.Code)
	if _, err := w.crm.UpdateCustomer(ctx, w.boss, c.ID, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Source: ptr("转介绍")}}); err != nil {
		t.Fatal(err)
	}
	undone, err := j.Undo(ctx, w.boss, im.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u := undone.Undo; u.Deleted != 2 || u.Restored != 1 || len(u.Kept) != 1 || u.Kept[0].ID != b.ID || u.Kept[0].Reason != crm.ReasonChangedSince {
		t.Fatalf("undo: %+v", u)
	}
	if got := w.byCode(t, a.Code); got.Industry != "" || got.ValueTier != "" {
		t.Errorf("甲公司 not restored: industry %q, tier %q", got.Industry, got.ValueTier)
	}
	if got := w.byCode(t, b.Code); got.Industry != "零售" || got.Source != "转介绍" {
		t.Errorf("乙公司, edited by a person since, was touched: industry %q, source %q", got.Industry, got.Source)
	}
	if n := w.count(t); n != 2 {
		t.Errorf("%d customers after the undo, want 2", n)
	}
}

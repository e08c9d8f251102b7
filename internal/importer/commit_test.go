package importer_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
)

func (w *world) commit(t testing.TB, src *importer.Source, opt importer.CommitOptions) (*importer.Plan, *importer.Undo) {
	t.Helper()
	p, undo, err := w.svc.Commit(context.Background(), w.boss, src, detect(src), opt)
	if err != nil {
		t.Fatal(err)
	}
	return p, undo
}

func detect(src *importer.Source) columns.Mapping {
	var sample [][]string
	for _, r := range src.Rows {
		cells, err := r.Cells()
		if err != nil { // rows built in memory: impossible
			panic(err)
		}
		sample = append(sample, cells)
	}
	return columns.Detect(src.Header, sample)
}

func (w *world) byCode(t testing.TB, code string) *crm.Customer {
	t.Helper()
	c, err := w.crm.Store.Customers().GetByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("customer %s: %v", code, err)
	}
	return c
}

func (w *world) count(t testing.TB) int {
	t.Helper()
	n, err := w.crm.Store.Customers().Estimate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A commit writes what the dry run showed; the same file again changes
// nothing; the undo record holds what was created and what was changed as
// it was.
func TestCommit(t *testing.T) {
	w := newWorld(t)
	huaxin := w.create(t, crm.CustomerInput{Name: "华信机械有限公司"})
	lantian := w.create(t, crm.CustomerInput{Name: "蓝天科技有限公司"})
	header := []string{"客户编号", "客户名称", "所属行业", "联系人", "手机", "邮箱", "客户标签", "跟进记录"}
	src := source(header,
		[]string{huaxin.Code, "华信机械有限公司", "机械制造"},
		[]string{"", "蓝天科技", "软件"},
		[]string{"", "新客户甲公司", "制造", "张三", "13812345678", "", "重点，展会", "2026-10-01 电话联系，了解需求；2026-10-15 购买产品A，1000元"},
		[]string{"", "新客户甲公司", "", "李四", "", "li4@example.cn"},
		[]string{"C209901007", "编号新建公司"},
		[]string{"", "错误公司", "", "赵六", "12345"},
	)
	dry := w.plan(t, src, importer.Options{})
	var progress []importer.Progress
	p, undo := w.commit(t, src, importer.CommitOptions{Progress: func(pr importer.Progress) { progress = append(progress, pr) }})
	var got, want []string
	for i := range p.Rows {
		got = append(got, outcome(p.Rows[i]))
		want = append(want, outcome(dry.Rows[i]))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the commit did not do what the dry run showed:\ncommit %q\ndry run %q", got, want)
	}
	if p.Created != 2 || p.Updated != 1 || p.Duplicates != 1 || p.RowErrors != 1 || w.count(t) != 4 {
		t.Fatalf("counts: %d created, %d updated, %d duplicates, %d row errors; %d customers stored",
			p.Created, p.Updated, p.Duplicates, p.RowErrors, w.count(t))
	}
	if len(progress) != 1 || progress[0] != (importer.Progress{Processed: 5, Total: 5}) {
		t.Errorf("progress: %+v", progress)
	}

	if c := w.byCode(t, huaxin.Code); c.Industry != "机械制造" || c.Version != huaxin.Version+1 {
		t.Errorf("updated customer: industry %q, version %d", c.Industry, c.Version)
	}
	if c := w.byCode(t, lantian.Code); c.Industry != "" || c.Version != lantian.Version {
		t.Errorf("the likely duplicate was written: industry %q, version %d", c.Industry, c.Version)
	}
	jia := w.byCode(t, p.Rows[2].Code)
	if p.Rows[3].Code != jia.Code || p.Rows[2].Customer != jia.ID || jia.Name != "新客户甲公司" || len(jia.Contacts) != 2 ||
		jia.Contacts[0].Phone != "13812345678" || jia.Contacts[1].Email != "li4@example.cn" || len(jia.Interactions) != 1 ||
		len(jia.Deals) != 1 || jia.Deals[0].Amount != 100000 || !slices.Equal(jia.Tags, []string{"重点", "展会"}) {
		t.Errorf("created customer: %+v", jia)
	}
	if c := w.byCode(t, "C209901007"); c.Name != "编号新建公司" {
		t.Errorf("the file's code: %s", c.Name)
	}
	if _, err := w.crm.Store.Customers().FindMatches(context.Background(), crm.MatchQuery{Name: crm.CompanyNameKey("错误公司"), Limit: 1}); err != nil {
		t.Fatal(err)
	}

	// The undo record.
	if len(undo.Created) != 2 || len(undo.Updated) != 1 || undo.Updated[0].ID != huaxin.ID || undo.Updated[0].Version != huaxin.Version+1 {
		t.Fatalf("undo: %+v", undo)
	}
	var was crm.Customer
	if err := bson.Unmarshal(undo.Updated[0].Doc, &was); err != nil || was.Industry != "" || was.Version != huaxin.Version {
		t.Errorf("undo's before: %v, industry %q, version %d", err, was.Industry, was.Version)
	}

	// The same file again.
	p, undo = w.commit(t, src, importer.CommitOptions{})
	got = got[:0]
	for _, r := range p.Rows {
		got = append(got, outcome(r))
	}
	if want := []string{"2 UNCHANGED CODE", "3 DUPLICATE", "4 DUPLICATE", "5 DUPLICATE", "6 UNCHANGED CODE", "7 ERROR INVALID_PHONE@E 手机"}; !slices.Equal(got, want) {
		// 新客户甲公司 has no code in the file: its name now matches a
		// stored customer, which without matchBy is a likely duplicate.
		t.Errorf("the same file again:\n got %q\nwant %q", got, want)
	}
	if w.count(t) != 4 || len(undo.Created)+len(undo.Updated) != 0 {
		t.Errorf("the second commit wrote: %d customers, undo %+v", w.count(t), undo)
	}
	p, _ = w.commit(t, src, importer.CommitOptions{Options: importer.Options{MatchBy: importer.ByName}})
	got = got[:0]
	for _, r := range p.Rows[1:5] {
		got = append(got, outcome(r))
	}
	// 蓝天科技 was a likely duplicate, so its industry was not written.
	if want := []string{"3 UPDATE NAME", "4 UNCHANGED NAME", "5 UNCHANGED NAME", "6 UNCHANGED CODE"}; !slices.Equal(got, want) {
		t.Errorf("with matchBy NAME:\n got %q\nwant %q", got, want)
	}
}

// A commit writes Batch customers at a time, reporting progress, and stops
// between batches when its context is done: what was written stays.
func TestCommitBatchesAndCancel(t *testing.T) {
	w := newWorld(t)
	var rows [][]string
	for i := range importer.Batch + 50 {
		rows = append(rows, []string{fmt.Sprintf("批量公司%03d", i), "制造"})
	}
	src := source([]string{"客户名称", "所属行业"}, rows...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var progress []importer.Progress
	p, undo, err := w.svc.Commit(ctx, w.boss, src, detect(src), importer.CommitOptions{Progress: func(pr importer.Progress) {
		progress = append(progress, pr)
		cancel() // after the first batch
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled commit: %v", err)
	}
	if len(progress) != 1 || progress[0].Processed != importer.Batch || progress[0].Total != importer.Batch+50 {
		t.Errorf("progress: %+v", progress)
	}
	if w.count(t) != importer.Batch || len(undo.Created) != importer.Batch || p.Created != importer.Batch {
		t.Errorf("after cancelling: %d stored, %d in undo, %d counted created", w.count(t), len(undo.Created), p.Created)
	}
	if a := p.Rows[importer.Batch].Action; a != "" {
		t.Errorf("a row after the cancel: %q", a)
	}
	p, _ = w.commit(t, src, importer.CommitOptions{Options: importer.Options{MatchBy: importer.ByName}})
	if p.Created != 50 || p.Unchanged != importer.Batch || w.count(t) != importer.Batch+50 {
		t.Errorf("the rest: %d created, %d unchanged, %d stored", p.Created, p.Unchanged, w.count(t))
	}
}

// racingCustomers runs race just before each batch of replacements: a
// person's write between the commit's read and its write.
type racingCustomers struct {
	crm.CustomerStore
	race func()
}

func (r racingCustomers) ReplaceMany(ctx context.Context, cs []*crm.Customer, expected []int64) ([]int, error) {
	r.race()
	return r.CustomerStore.ReplaceMany(ctx, cs, expected)
}

type racingStore struct {
	crm.Store
	customers crm.CustomerStore
}

func (s racingStore) Customers() crm.CustomerStore { return s.customers }

// A customer changed by someone between the commit's read and its write
// is worked out again and written with both changes: nothing is lost.
func TestCommitRacesWriters(t *testing.T) {
	w := newWorld(t)
	c := w.create(t, crm.CustomerInput{Name: "华信机械有限公司"})
	store := w.crm.Store
	raced := 0
	w.crm.Store = racingStore{store, racingCustomers{store.Customers(), func() {
		if raced++; raced > 1 {
			return
		}
		got, err := store.Customers().Get(context.Background(), c.ID)
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := w.crm.UpdateCustomer(context.Background(), w.boss, c.ID, got.Version, crm.CustomerPatch{Name: ptr("华信机械有限公司"),
			CustomerFields: crm.CustomerFields{Source: ptr("展会")}}); err != nil {
			t.Error(err)
		}
	}}}
	src := source([]string{"客户编号", "客户名称", "所属行业"}, []string{c.Code, "华信机械有限公司", "机械制造"})
	p, undo := w.commit(t, src, importer.CommitOptions{})
	w.crm.Store = store
	got := w.byCode(t, c.Code)
	if outcome(p.Rows[0]) != "2 UPDATE CODE" || got.Industry != "机械制造" || got.Source != "展会" || got.Version != c.Version+2 {
		t.Fatalf("%s: industry %q, source %q, version %d (was %d)", outcome(p.Rows[0]), got.Industry, got.Source, got.Version, c.Version)
	}
	var was crm.Customer
	if len(undo.Updated) != 1 || bson.Unmarshal(undo.Updated[0].Doc, &was) != nil || was.Source != "展会" || undo.Updated[0].Version != got.Version {
		t.Errorf("undo holds the customer as the commit found it the second time: %+v", was)
	}
}

package importer_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// world is the importer over an embedded store in a temporary directory.
type world struct {
	svc   *importer.Service
	crm   *crm.Service
	boss  crm.Actor
	sales crm.Actor
}

func newWorld(t testing.TB) *world {
	t.Helper()
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	clock := crm.NewFixedClock(time.Date(2026, 11, 20, 9, 30, 0, 0, crm.DefaultLocation))
	w := &world{boss: crm.Actor{UserID: "u-boss", Role: crm.RoleManager}, sales: crm.Actor{UserID: "u-sales", Role: crm.RoleSales}}
	for _, u := range []*crm.User{
		{ID: w.boss.UserID, Email: "boss@kehu.cn", Name: "王经理", Role: crm.RoleManager, Version: 1},
		{ID: w.sales.UserID, Email: "li@kehu.cn", Name: "李销售", Role: crm.RoleSales, Version: 1},
	} {
		if err := s.Users().Insert(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	w.crm = &crm.Service{Store: s, Clock: clock, Loc: crm.DefaultLocation, Filters: segment.SavedFilters{}}
	w.svc = &importer.Service{CRM: w.crm, Loc: crm.DefaultLocation}
	return w
}

func (w *world) create(t testing.TB, in crm.CustomerInput) *crm.Customer {
	t.Helper()
	c, err := w.crm.CreateCustomer(context.Background(), w.boss, in)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// source builds a worksheet: header row 1, data rows from 2.
func source(header []string, rows ...[]string) *importer.Source {
	src := &importer.Source{HeaderRow: 1, Header: header}
	for i, r := range rows {
		src.Rows = append(src.Rows, importer.NewSourceRow(i+2, r))
	}
	return src
}

func (w *world) plan(t testing.TB, src *importer.Source, opt importer.Options) *importer.Plan {
	t.Helper()
	var sample [][]string
	for _, r := range src.Rows {
		cells, err := r.Cells()
		if err != nil {
			t.Fatal(err)
		}
		sample = append(sample, cells)
	}
	p, err := w.svc.Plan(context.Background(), w.boss, src, columns.Detect(src.Header, sample), opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func creditCode(code17 string) string { return code17 + string(crm.CreditCodeCheckChar(code17)) }

// outcome renders a row as "row ACTION [code] [by] [reason@column ...]".
func outcome(r importer.Row) string {
	s := fmt.Sprintf("%d %s", r.Row, r.Action)
	if r.MatchedBy != "" {
		s += " " + string(r.MatchedBy)
	}
	for _, e := range r.Errors {
		s += fmt.Sprintf(" %s@%s", e.Reason, e.Column)
	}
	return s
}

// The dry run of a worksheet: each row's action, the customer it matched
// and by which key, the diff, and each error at its column.
func TestPlan(t *testing.T) {
	w := newWorld(t)
	huaxin := w.create(t, crm.CustomerInput{Name: "华信机械有限公司"})
	credit := creditCode("91350100M000100Y4")
	xinghe := w.create(t, crm.CustomerInput{Name: "星河贸易有限公司", CustomerFields: crm.CustomerFields{CreditCode: &credit}})
	lantian := w.create(t, crm.CustomerInput{Name: "蓝天科技有限公司",
		Contacts: []crm.ContactInput{{Name: "周", ContactFields: crm.ContactFields{Phone: ptr("13700000003")}}}})

	header := []string{"客户编号", "客户名称", "统一社会信用代码", "所属行业", "联系人", "职位", "手机", "邮箱", "客户标签",
		"累计交易金额(万元)", "跟进记录", "销售负责人"}
	src := source(header,
		[]string{huaxin.Code, "华信机械有限公司", "", "机械制造"},                   // 2: by code
		[]string{"", "星河贸易有限公司", credit, "", "王五", "采购", "13800000002"}, // 3: by credit code
		[]string{"", "蓝天科技", "", "软件"},                                  // 4: a likely duplicate
		[]string{"", "新客户甲公司", "", "制造", "张三", "经理", "138 1234 5678", "", "重点，展会", "68", "2026-10-01 电话联系，了解需求；2026-10-15 购买产品A，1000元", "李销售"}, // 5: new
		[]string{"", "新客户甲公司", "", "", "李四", "", "", "li4@example.cn"},       // 6: its second contact
		[]string{"", "错误公司", "", "", "赵六", "", "12345"},                      // 7: a bad phone
		[]string{"", "错误公司", "", "", "钱七"},                                   // 8: same customer
		[]string{"", "", "", "零售"},                                           // 9: no customer named
		[]string{"C209901007", "编号新建公司"},                                     // 10: new, with the file's code
		[]string{"", "冲突公司", "", "制造"},                                       // 11
		[]string{"", "冲突公司", "", "零售"},                                       // 12: conflicting rows
		[]string{"", "负责人不明公司", "", "", "", "", "", "", "", "", "", "不存在的人"}, // 13: unknown owner
		[]string{lantian.Code, "", credit},                                   // 14: 星河's credit code on 蓝天's code
		[]string{"C209901099", "某新公司", credit},                               // 15: an unknown code with 星河's credit code
	)
	p := w.plan(t, src, importer.Options{})
	var got []string
	for _, r := range p.Rows {
		got = append(got, outcome(r))
	}
	want := []string{
		"2 UPDATE CODE",
		"3 UPDATE CREDIT_CODE",
		"4 DUPLICATE",
		"5 CREATE",
		"6 CREATE",
		"7 ERROR INVALID_PHONE@G 手机",
		"8 ERROR SAME_CUSTOMER_FAILED@",
		"9 ERROR REQUIRED@",
		"10 CREATE",
		"11 ERROR SAME_CUSTOMER_FAILED@",
		"12 ERROR CONFLICTING_ROWS@D 所属行业",
		"13 ERROR NOT_ACTIVE_USER@L 销售负责人",
		"14 ERROR KEY_MISMATCH@C 统一社会信用代码",
		"15 ERROR KEY_MISMATCH@C 统一社会信用代码",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	if p.Created != 2 || p.Updated != 2 || p.Unchanged != 0 || p.Duplicates != 1 || p.RowErrors != 8 {
		t.Errorf("counts: %d created, %d updated, %d unchanged, %d duplicates, %d rows with errors",
			p.Created, p.Updated, p.Unchanged, p.Duplicates, p.RowErrors)
	}
	row := func(n int) importer.Row { return p.Rows[n-2] }
	if r := row(2); r.Customer != huaxin.ID || r.Code != huaxin.Code || !slices.Equal(changes(r), []string{"industry:→机械制造"}) {
		t.Errorf("row 2: customer %s %s, changes %q", r.Customer, r.Code, changes(r))
	}
	if r := row(3); r.Customer != xinghe.ID || !slices.Contains(changes(r), "contacts[王五].phone:→13800000002") {
		t.Errorf("row 3: customer %s, changes %q", r.Customer, changes(r))
	}
	if r := row(4); r.Customer != lantian.ID || !slices.Equal(r.Duplicates, []string{lantian.Code}) || len(r.Warnings) != 1 ||
		r.Warnings[0].Reason != importer.ReasonLikelyDuplicate {
		t.Errorf("row 4: customer %s, duplicates %v, warnings %+v", r.Customer, r.Duplicates, r.Warnings)
	}
	r5 := row(5)
	for _, want := range []string{"contacts[张三].phone:→13812345678", "contacts[李四].email:→li4@example.cn", "interactions:→1",
		"deals:→1", "tags:→重点、展会", "ownerId:→u-sales", "industry:→制造"} {
		if !slices.Contains(changes(r5), want) {
			t.Errorf("row 5 lacks the change %s: %q", want, changes(r5))
		}
	}
	if len(row(6).Changes) != 0 {
		t.Errorf("row 6 repeats its customer's changes: %q", changes(row(6)))
	}
	var notes []string
	for _, n := range r5.Notes {
		notes = append(notes, n.Column+": "+n.From+" → "+n.To)
	}
	if !slices.Contains(notes, "G 手机: 138 1234 5678 → 13812345678") {
		t.Errorf("row 5 notes: %q", notes)
	}
	// A cell's problem names the cell, for clients' wording.
	if r := row(7); r.Errors[0].Params["value"] != "12345" {
		t.Errorf("row 7: params %v", r.Errors[0].Params)
	}
	if r := row(10); r.Code != "C209901007" {
		t.Errorf("row 10: code %q, want the file's", r.Code)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Reason != importer.ReasonNotImported || p.Warnings[0].Column != "J 累计交易金额(万元)" {
		t.Errorf("file warnings: %+v", p.Warnings)
	}
	// A dry run writes nothing.
	if n, err := w.crm.Store.Customers().Estimate(context.Background()); err != nil || n != 3 {
		t.Errorf("customers after a dry run: %d, %v", n, err)
	}

	t.Run("matchBy NAME updates the customer of that name", func(t *testing.T) {
		p := w.plan(t, source(header, []string{"", "蓝天科技", "", "软件"}), importer.Options{MatchBy: importer.ByName})
		if r := p.Rows[0]; outcome(r) != "2 UPDATE NAME" || r.Customer != lantian.ID {
			t.Errorf("row: %s, customer %s", outcome(r), r.Customer)
		}
	})
	t.Run("matchBy PHONE", func(t *testing.T) {
		p := w.plan(t, source(header,
			[]string{"", "星河", "", "", "王五", "", "13900000009"},
			[]string{"", "蓝天", "", "", "周", "", "137-0000-0003"}), importer.Options{MatchBy: importer.ByPhone})
		if r := p.Rows[0]; outcome(r) != "2 CREATE" {
			t.Errorf("no stored phone matches: %s", outcome(r))
		}
		if r := p.Rows[1]; outcome(r) != "3 UPDATE PHONE" || r.Customer != lantian.ID {
			t.Errorf("a stored phone matches: %s, customer %s", outcome(r), r.Customer)
		}
	})
	t.Run("only managers and admins", func(t *testing.T) {
		_, err := w.svc.Plan(context.Background(), w.sales, src, columns.Detect(header, nil), importer.Options{})
		if !crm.IsCode(err, crm.CodeForbidden) {
			t.Errorf("a salesperson's import: %v", err)
		}
	})
	t.Run("an unknown matchBy", func(t *testing.T) {
		_, err := w.svc.Plan(context.Background(), w.boss, src, columns.Detect(header, nil), importer.Options{MatchBy: "EMAIL"})
		if !crm.IsCode(err, crm.CodeBadUserInput) || !strings.Contains(err.Error(), "matchBy") {
			t.Errorf("matchBy EMAIL: %v", err)
		}
	})
}

// TestPlanPlaceholders: a cell that says "no value" (无, -, N/A) is read
// as empty, with a note: it leaves the value alone, never names a company
// 无 or adds a contact 暂无.
func TestPlanPlaceholders(t *testing.T) {
	w := newWorld(t)
	huaxin := w.create(t, crm.CustomerInput{Name: "华信机械有限公司", CustomerFields: crm.CustomerFields{Industry: ptr("机械制造")}})
	header := []string{"客户编号", "客户名称", "所属行业", "联系人", "手机", "客户标签", "客户来源"}
	p := w.plan(t, source(header,
		[]string{huaxin.Code, "华信机械有限公司", "无", "暂无", "-", "N/A", "—"}, // 2: nothing to change
		[]string{"", "占位公司", "／", "张三", "--", "无", "展会"},              // 3: new, only its name, contact and source
		[]string{"", "无", "制造"}, // 4: no customer named
	), importer.Options{})
	var got []string
	for _, r := range p.Rows {
		got = append(got, outcome(r))
	}
	if want := []string{"2 UNCHANGED CODE", "3 CREATE", "4 ERROR REQUIRED@"}; !slices.Equal(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	var notes []string
	for _, n := range p.Rows[0].Notes {
		notes = append(notes, n.Column+": "+n.From+" → "+n.To)
	}
	if want := []string{"C 所属行业: 无 → ", "D 联系人: 暂无 → ", "E 手机: - → ", "F 客户标签: N/A → ", "G 客户来源: — → "}; !slices.Equal(notes, want) {
		t.Errorf("row 2 notes:\n got %q\nwant %q", notes, want)
	}
	c := changes(p.Rows[1])
	slices.Sort(c)
	if want := []string{"contacts[张三].name:→张三", "name:→占位公司", "ownerId:→u-boss", "source:→展会", "stage:→POTENTIAL", "type:→NEW"}; !slices.Equal(c, want) {
		t.Errorf("row 3 changes:\n got %q\nwant %q", c, want)
	}
}

// TestPlanDetailWithinDetailedRows: rows past the first DetailedRows keep
// their action and problems but not their notes or their customer's
// changes, which no one is shown (a job keeps the first rows' outcomes),
// so that a large file's plan does not hold them.
func TestPlanDetailWithinDetailedRows(t *testing.T) {
	w := newWorld(t)
	last := importer.DetailedRows + 1 // the index of a row past the bound
	stored := w.create(t, crm.CustomerInput{Name: "华信机械有限公司"})
	second := w.create(t, crm.CustomerInput{Name: "星河贸易有限公司"})
	header := []string{"客户编号", "客户名称", "所属行业", "联系人", "手机"}
	var rows [][]string
	for i := range last + 1 {
		rows = append(rows, []string{"", fmt.Sprintf("新客户%04d有限公司", i), "制造", "张三", "138 1234 5678"})
	}
	rows[0] = []string{stored.Code, "华信机械有限公司", "机械", "李四", "139 1234 5678"}      // an update with a note
	rows[last-1] = []string{second.Code, "星河贸易有限公司", "零售", "王五", "137 1234 5678"} // an update with a note, past the bound
	rows[last] = []string{"", "错误公司", "零售", "赵六", "12345"}                        // an error, past the bound
	p := w.plan(t, source(header, rows...), importer.Options{})
	if r := p.Rows[0]; r.Action != importer.Update || len(r.Notes) == 0 || len(r.Changes) == 0 || len(p.Rows[1].Notes) == 0 {
		t.Fatalf("rows within the bound: %s, notes %v, changes %v; row 3 notes %v", r.Action, r.Notes, r.Changes, p.Rows[1].Notes)
	}
	if r := p.Rows[last-1]; r.Action != importer.Update || len(r.Notes) != 0 || len(r.Changes) != 0 {
		t.Errorf("row past the bound: %s, notes %v, changes %v; want UPDATE without detail", r.Action, r.Notes, r.Changes)
	}
	if r := p.Rows[last]; r.Action != importer.Failed || len(r.Errors) == 0 || len(r.Notes) != 0 {
		t.Errorf("row past the bound: %s, errors %v, notes %v; want ERROR with its error, without notes", r.Action, r.Errors, r.Notes)
	}
	if p.Created != last-2 || p.Updated != 2 || p.RowErrors != 1 {
		t.Errorf("created %d (want %d), updated %d, rows with errors %d (want 2, 1)", p.Created, last-2, p.Updated, p.RowErrors)
	}
}

// TestPlanSeveralPhones: a phone cell listing several numbers keeps the
// first for the contact and names the others in a warning (a contact has
// one phone); a cell with a bad number among them fails its row.
func TestPlanSeveralPhones(t *testing.T) {
	w := newWorld(t)
	header := []string{"客户名称", "联系人", "联系电话"}
	p := w.plan(t, source(header,
		[]string{"两个号码公司", "张三", "138 1234 5678 / 0571-88886666"},
		[]string{"坏号码公司", "李四", "13812345679/12345"},
		[]string{"长单元格公司", "王五", strings.Repeat("电话", 500)},
	), importer.Options{})
	r := p.Rows[0]
	if outcome(r) != "2 CREATE" || !slices.Contains(changes(r), "contacts[张三].phone:→13812345678") || len(r.Warnings) != 1 ||
		r.Warnings[0].Reason != crm.ReasonTooMany || r.Warnings[0].Column != "C 联系电话" || r.Warnings[0].Params["value"] != "0571-88886666" {
		t.Errorf("row 2: %s, changes %q, warnings %+v", outcome(r), changes(r), r.Warnings)
	}
	if r := p.Rows[1]; outcome(r) != "3 ERROR INVALID_PHONE@C 联系电话" || r.Errors[0].Params["value"] != "12345" {
		t.Errorf("row 3: %s %+v", outcome(r), r.Errors)
	}
	// The value a problem names is an excerpt: a job keeps a thousand
	// problems, not a thousand whole cells.
	if r := p.Rows[2]; outcome(r) != "4 ERROR INVALID_PHONE@C 联系电话" || r.Errors[0].Params["value"] != strings.Repeat("电话", 20)+"…" {
		t.Errorf("row 4: %s %+v", outcome(r), r.Errors[0].Params)
	}
}

// TestPlanUpdateOnly: a file without names (客户编号 and the columns to
// change, or credit codes) updates the customers it names; a row whose key
// matches none cannot create one without a name.
func TestPlanUpdateOnly(t *testing.T) {
	w := newWorld(t)
	huaxin := w.create(t, crm.CustomerInput{Name: "华信机械有限公司"})
	credit := creditCode("91350100M000100Y4")
	xinghe := w.create(t, crm.CustomerInput{Name: "星河贸易有限公司", CustomerFields: crm.CustomerFields{CreditCode: &credit}})
	p := w.plan(t, source([]string{"客户编号", "统一社会信用代码", "所属行业"},
		[]string{huaxin.Code, "", "机械制造"},
		[]string{"", credit, "贸易"},
		[]string{"C209901099", "", "零售"},
	), importer.Options{})
	var got []string
	for _, r := range p.Rows {
		got = append(got, outcome(r))
	}
	if want := []string{"2 UPDATE CODE", "3 UPDATE CREDIT_CODE", "4 ERROR REQUIRED@"}; !slices.Equal(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	if r := p.Rows[1]; r.Customer != xinghe.ID || !slices.Equal(changes(r), []string{"industry:→贸易"}) {
		t.Errorf("row 3: %s %q", r.Customer, changes(r))
	}
	if e := p.Rows[2].Errors[0]; e.Field != "name" || e.Params["value"] != "C209901099" ||
		e.Message != "no customer has C209901099: a new customer needs a name (客户名称)" {
		t.Errorf("row 4: %+v", e)
	}
}

// TestPlanDealsColumn: in a 交易记录 column an entry ending with an amount
// is a deal without a purchase word; in a 跟进记录 column the same entry is
// a follow-up.
func TestPlanDealsColumn(t *testing.T) {
	w := newWorld(t)
	p := w.plan(t, source([]string{"客户名称", "交易记录", "跟进记录"},
		[]string{"交易公司", "2022-12-01 产品A 1000元；2023-03-01 年度维保 2万元", "2023-01-05 报价 1000元"},
	), importer.Options{})
	c := changes(p.Rows[0])
	if outcome(p.Rows[0]) != "2 CREATE" || !slices.Contains(c, "deals:→2") || !slices.Contains(c, "interactions:→1") {
		t.Errorf("row 2: %s, changes %q", outcome(p.Rows[0]), c)
	}
}

func ptr[T any](v T) *T { return &v }

func changes(r importer.Row) []string {
	var out []string
	for _, c := range r.Changes {
		out = append(out, c.Field+":"+c.Old+"→"+c.New)
	}
	return out
}

// readCounter is a real store that counts its reads of customers by id.
type readCounter struct {
	crm.Store
	customers *countingCustomers
}

func (s readCounter) Customers() crm.CustomerStore { return s.customers }

type countingCustomers struct {
	crm.CustomerStore
	gets, getManys int
}

func (c *countingCustomers) Get(ctx context.Context, id string) (*crm.Customer, error) {
	c.gets++
	return c.CustomerStore.Get(ctx, id)
}

func (c *countingCustomers) GetMany(ctx context.Context, ids []string) ([]*crm.Customer, error) {
	c.getManys++
	return c.CustomerStore.GetMany(ctx, ids)
}

// TestPlanReadsStoredCustomersInBatches: a file updating many stored
// customers reads them a batch at a time (by code, credit code or name),
// not one query each; only a match by phone reads its customer alone.
func TestPlanReadsStoredCustomersInBatches(t *testing.T) {
	w := newWorld(t)
	n := importer.Batch + 50
	header := []string{"客户编号", "客户名称", "所属行业"}
	var rows [][]string
	var names [][]string
	for i := range n {
		c := w.create(t, crm.CustomerInput{Name: fmt.Sprintf("批量客户%03d有限公司", i)})
		rows = append(rows, []string{c.Code, "", "制造"})
		names = append(names, []string{"", c.Name, "零售"})
	}
	counter := &countingCustomers{CustomerStore: w.crm.Store.Customers()}
	w.crm.Store = readCounter{Store: w.crm.Store, customers: counter}
	for _, tc := range []struct {
		name string
		rows [][]string
		opt  importer.Options
	}{
		{"by code", rows, importer.Options{}},
		{"by name", names, importer.Options{MatchBy: importer.ByName}},
	} {
		counter.gets, counter.getManys = 0, 0
		p := w.plan(t, source(header, tc.rows...), tc.opt)
		if p.Updated != n || counter.gets != 0 || counter.getManys != 2 {
			t.Errorf("%s: %d updated, %d reads alone, %d batches (want %d, 0, 2)", tc.name, p.Updated, counter.gets, counter.getManys, n)
		}
	}
}

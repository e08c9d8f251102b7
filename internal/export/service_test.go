package export

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// The staff of the service tests: two sales reps and their manager.
var (
	wang = crm.Actor{UserID: "u-wang", Role: crm.RoleSales}
	li   = crm.Actor{UserID: "u-li", Role: crm.RoleSales}
	boss = crm.Actor{UserID: "u-boss", Role: crm.RoleManager}
)

// newTestService runs the export on a real SQLite store in a temp dir,
// with the users above and three customers:
//
//	甲贸易有限公司  王磊's, negotiation, contact 张经理 13812345678
//	乙科技有限公司  李娜's, potential, contact 赵工 13987654321
//	丙物流有限公司  王磊's, potential, no contact
func newTestService(t *testing.T) *Service {
	t.Helper()
	st, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := crm.NewFixedClock(time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC))
	svc := &crm.Service{Store: st, Clock: clock, Filters: segment.SavedFilters{}}
	ctx := context.Background()
	for _, u := range []struct {
		a          crm.Actor
		name, mail string
	}{{wang, "王磊", "wang@kehu.test"}, {li, "李娜", "li@kehu.test"}, {boss, "周总", "boss@kehu.test"}} {
		err := st.Users().Insert(ctx, &crm.User{ID: u.a.UserID, Email: u.mail, Name: u.name, Role: u.a.Role,
			CreatedAt: clock.Now(), UpdatedAt: clock.Now(), Version: 1})
		if err != nil {
			t.Fatal(err)
		}
	}
	ptr := func(s string) *string { return &s }
	negotiation := crm.StageNegotiation
	for _, in := range []struct {
		by crm.Actor
		in crm.CustomerInput
	}{
		{wang, crm.CustomerInput{Name: "甲贸易有限公司", CustomerFields: crm.CustomerFields{Stage: &negotiation},
			Contacts: []crm.ContactInput{{Name: "张经理", ContactFields: crm.ContactFields{Phone: ptr("13812345678")}}}}},
		{li, crm.CustomerInput{Name: "乙科技有限公司",
			Contacts: []crm.ContactInput{{Name: "赵工", ContactFields: crm.ContactFields{Phone: ptr("13987654321")}}}}},
		{wang, crm.CustomerInput{Name: "丙物流有限公司"}},
	} {
		if _, err := svc.CreateCustomer(ctx, in.by, in.in); err != nil {
			t.Fatal(err)
		}
	}
	return &Service{CRM: svc, Users: st.Users()}
}

// flushCounter is an io.Writer with a Flush, like an HTTP response.
type flushCounter struct {
	bytes.Buffer
	flushes int
}

func (f *flushCounter) Flush() error { f.flushes++; return nil }

// exportCSV runs a whole export of params as a and returns its records.
func exportCSV(t *testing.T, s *Service, a crm.Actor, params map[string][]string) [][]string {
	t.Helper()
	ctx := context.Background()
	req, err := s.ParseRequest(ctx, a, CSV, params)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start(ctx, a, req)
	if err != nil {
		t.Fatal(err)
	}
	var out flushCounter
	rows, err := run.Stream(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, out.Bytes())
	if rows != len(recs)-1 {
		t.Fatalf("Stream says %d rows, the file has %d", rows, len(recs)-1)
	}
	return recs
}

func TestParseRequest(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	private, err := s.CRM.SaveSegment(ctx, li, crm.SegmentInput{Name: "李娜的", Query: new("stage:negotiation")})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		format FileFormat
		params map[string][]string
		field  string
		says   string
	}{
		{"unknown column", CSV, map[string][]string{"columns": {"code,idCard"}}, "columns", `unknown column "idCard"`},
		{"column twice", CSV, map[string][]string{"columns": {"code,code"}}, "columns", "twice"},
		{"language", CSV, map[string][]string{"lang": {"fr"}}, "lang", "zh-CN"},
		{"order", CSV, map[string][]string{"orderBy": {"SALARY"}}, "orderBy", "not a sortable field"},
		{"direction", CSV, map[string][]string{"desc": {"maybe"}}, "desc", "true or false"},
		{"scope", CSV, map[string][]string{"scope": {"deleted"}}, "scope", "not a scope"},
		{"no such segment", CSV, map[string][]string{"segment": {"s-none"}}, "segment", "no saved segment"},
		{"another's private segment", CSV, map[string][]string{"segment": {private.ID}}, "segment", "no saved segment"},
		{"query line", CSV, map[string][]string{"query": {"tier:"}}, "query", `expected a value after "tier:"`},
		{"unknown field in the query", CSV, map[string][]string{"query": {"bogus:1"}}, "query", ""},
		{"unknown parameter", CSV, map[string][]string{"where": {"x"}}, "where", "not a parameter"},
		{"parameter twice", XLSX, map[string][]string{"query": {"tier:A", "tier:B"}}, "query", "once"},
		{"format", "pdf", nil, "format", `"pdf"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := s.ParseRequest(ctx, wang, tc.format, tc.params)
			if req != nil {
				t.Fatalf("a request: %+v", req)
			}
			badField(t, err, tc.field)
			if e := err.(*crm.Error); len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Message, tc.says) {
				t.Fatalf("want one problem saying %q, got %v", tc.says, e.Fields)
			}
		})
	}

	// Every problem at once, unknown parameters first in name order.
	_, err = s.ParseRequest(ctx, wang, CSV, map[string][]string{"zeta": {"1"}, "alpha": {"1"}, "columns": {"nope"},
		"lang": {"fr"}, "query": {"tier:"}})
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput {
		t.Fatalf("want BAD_USER_INPUT, got %v", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	if want := []string{"alpha", "zeta", "columns", "lang", "query"}; !slices.Equal(fields, want) {
		t.Fatalf("fields %q, want %q", fields, want)
	}

	// The defaults, and every parameter read.
	req, err := s.ParseRequest(ctx, wang, CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	if req.Format != CSV || keys(req.Columns) != strings.Join(DefaultKeys(), ",") || req.Lang != ZhCN ||
		req.Query.OrderBy != crm.OrderCode || req.Query.Desc || req.Query.Scope != crm.ScopeActive ||
		req.Query.Filter != nil || req.Query.Search != "" {
		t.Fatalf("defaults: %+v", req)
	}
	req, err = s.ParseRequest(ctx, wang, XLSX, map[string][]string{"columns": {"name, owner"}, "lang": {"en-US"},
		"orderBy": {"total_amount"}, "desc": {"true"}, "scope": {"all"}, "search": {"科技"}, "query": {"owner:李娜"}})
	if err != nil {
		t.Fatal(err)
	}
	if req.Format != XLSX || keys(req.Columns) != "name,owner" || req.Lang != En || req.Query.OrderBy != crm.OrderTotalAmount ||
		!req.Query.Desc || req.Query.Scope != crm.ScopeAll || req.Query.Search != "科技" || req.Query.Filter == nil {
		t.Fatalf("parsed: %+v", req)
	}
	if req.Query.First != 0 || req.Query.After != nil || req.Query.User != "" {
		t.Fatalf("paging or user set by ParseRequest: %+v", req.Query)
	}
}

func TestExportService(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	seg, err := s.CRM.SaveSegment(ctx, wang, crm.SegmentInput{Name: "王磊的客户", Query: new("owner:王磊")})
	if err != nil {
		t.Fatal(err)
	}
	const cols = "name,owner,stage,primaryContact,primaryContactPhone"
	header := []string{"客户名称", "负责人", "客户阶段", "主要联系人", "联系人电话"}
	jia := []string{"甲贸易有限公司", "王磊", "商务谈判", "张经理", "13812345678"}
	yi := []string{"乙科技有限公司", "李娜", "潜在客户", "赵工", "13987654321"}
	yiMasked := []string{"乙科技有限公司", "李娜", "潜在客户", "赵工", "139****4321"}
	bing := []string{"丙物流有限公司", "王磊", "潜在客户", "", ""}

	for _, tc := range []struct {
		name   string
		actor  crm.Actor
		params map[string][]string
		want   [][]string
	}{
		// 王磊 (SALES) sees his own contacts in full, 李娜's masked.
		{"sales", wang, map[string][]string{"columns": {cols}}, [][]string{header, jia, yiMasked, bing}},
		{"manager", boss, map[string][]string{"columns": {cols}}, [][]string{header, jia, yi, bing}},
		{"owner's own", li, map[string][]string{"columns": {cols}, "query": {"owner:李娜"}}, [][]string{header, yi}},
		// By name, that is by code point: 丙 U+4E19, 乙 U+4E59, 甲 U+7532.
		// In pinyin order (bǐng, jiǎ, yǐ), not by code point (丙 乙 甲).
		{"by name", boss, map[string][]string{"columns": {cols}, "orderBy": {"name"}}, [][]string{header, bing, jia, yi}},
		{"by name, descending", boss, map[string][]string{"columns": {cols}, "orderBy": {"name"}, "desc": {"true"}},
			[][]string{header, yi, jia, bing}},
		{"search", wang, map[string][]string{"columns": {cols}, "search": {"科技"}}, [][]string{header, yiMasked}},
		{"segment", wang, map[string][]string{"columns": {cols}, "segment": {seg.ID}}, [][]string{header, jia, bing}},
		{"segment and query", wang, map[string][]string{"columns": {cols}, "segment": {seg.ID}, "query": {"stage:negotiation"}},
			[][]string{header, jia}},
		{"english", wang, map[string][]string{"columns": {"name,stage"}, "lang": {"en"}, "query": {"stage:negotiation"}},
			[][]string{{"Company name", "Stage"}, {"甲贸易有限公司", "Negotiation"}}},
		{"none", wang, map[string][]string{"columns": {cols}, "query": {"stage:won"}}, [][]string{header}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := exportCSV(t, s, tc.actor, tc.params)
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestExportPages: the export reads page after page, flushes after each and
// stops when its context ends between pages.
func TestExportPages(t *testing.T) {
	s := newTestService(t)
	s.PageSize = 1
	var after []int
	s.AfterPage = func(ctx context.Context, rows int) { after = append(after, rows) }
	ctx := context.Background()
	req, err := s.ParseRequest(ctx, boss, CSV, map[string][]string{"columns": {"name"}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start(ctx, boss, req)
	if err != nil {
		t.Fatal(err)
	}
	var out flushCounter
	rows, err := run.Stream(ctx, &out)
	if err != nil || rows != 3 {
		t.Fatalf("%d rows, %v", rows, err)
	}
	if !slices.Equal(after, []int{1, 2, 3}) || out.flushes != 3 {
		t.Fatalf("pages after %v, %d flushes", after, out.flushes)
	}
	want := [][]string{{"客户名称"}, {"甲贸易有限公司"}, {"乙科技有限公司"}, {"丙物流有限公司"}}
	if got := readCSV(t, out.Bytes()); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %q", got)
	}
	if _, err := run.Stream(ctx, &out); err == nil {
		t.Fatal("a second Stream of one run")
	}

	// The reader goes away after the first page.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.AfterPage = func(context.Context, int) { cancel() }
	if run, err = s.Start(cctx, boss, req); err != nil {
		t.Fatal(err)
	}
	rows, err = run.Stream(cctx, &out)
	if !errors.Is(err, context.Canceled) || rows != 1 {
		t.Fatalf("cancelled: %d rows, %v", rows, err)
	}
}

// TestExportStartRefuses: what the first page refuses is an error before
// any byte, as the parameter it comes from.
func TestExportStartRefuses(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	req, err := s.ParseRequest(ctx, wang, CSV, map[string][]string{"search": {strings.Repeat("科", 201)}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start(ctx, wang, req)
	if run != nil {
		t.Fatal("a run")
	}
	badField(t, err, "search")
}

// TestExportXLSX: the same export as XLSX has the CSV's cells.
func TestExportXLSX(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	params := map[string][]string{"columns": {"name,owner,primaryContactPhone"}}
	req, err := s.ParseRequest(ctx, wang, XLSX, params)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start(ctx, wang, req)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if rows, err := run.Stream(ctx, &out); err != nil || rows != 3 {
		t.Fatalf("%d rows, %v", rows, err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"客户名称", "负责人", "联系人电话"}, {"甲贸易有限公司", "王磊", "13812345678"},
		{"乙科技有限公司", "李娜", "139****4321"}, {"丙物流有限公司", "王磊"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// TestExportHistory: the history columns read whole documents from the
// store, masked for a user who sees the customer's contact details masked.
func TestExportHistory(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	page, err := s.CRM.Customers(ctx, crm.ListQuery{First: 10, Search: "甲贸易"})
	if err != nil || len(page.Customers) != 1 {
		t.Fatalf("%v, %v", page, err)
	}
	id := page.Customers[0].ID
	at := time.Date(2026, 11, 18, 14, 30, 0, 0, crm.DefaultLocation)
	if _, err := s.CRM.LogInteraction(ctx, wang, id, nil, crm.InteractionInput{At: &at, Channel: crm.ChannelPhone,
		Summary: "张经理来电13812345678\n要报价"}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.CRM.RecordDeal(ctx, wang, id, nil, crm.DealInput{Product: "CRM 系统", Amount: 1280000, Date: &day}); err != nil {
		t.Fatal(err)
	}
	params := map[string][]string{"columns": {"name,interactions,deals,primaryContactPhone"}, "query": {"stage:negotiation"}}
	for _, tc := range []struct {
		actor crm.Actor
		want  []string
	}{
		{wang, []string{"甲贸易有限公司", `2026-11-18 14:30 【电话】张经理来电13812345678\n要报价`, "2026-11-01 【购买】CRM 系统 ¥12800.00", "13812345678"}},
		{li, []string{"甲贸易有限公司", `2026-11-18 14:30 【电话】张经理来电138****5678\n要报价`, "2026-11-01 【购买】CRM 系统 ¥12800.00", "138****5678"}},
	} {
		got := exportCSV(t, s, tc.actor, params)
		if len(got) != 2 || !slices.Equal(got[1], tc.want) {
			t.Errorf("%s: got %q\nwant %q", tc.actor.UserID, got, tc.want)
		}
	}
}

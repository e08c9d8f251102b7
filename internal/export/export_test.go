package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

func badField(t *testing.T, err error, field string) {
	t.Helper()
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || len(e.Fields) == 0 || e.Fields[0].Field != field {
		t.Fatalf("want BAD_USER_INPUT on %q, got %v", field, err)
	}
}

func keys(cols []Column) string {
	k := make([]string, len(cols))
	for i, c := range cols {
		k[i] = c.Key
	}
	return strings.Join(k, ",")
}

func TestParseColumns(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" with bad: an error
		bad      bool
	}{
		{in: "", want: strings.Join(DefaultKeys(), ",")},
		{in: "  ", want: strings.Join(DefaultKeys(), ",")},
		{in: "code", want: "code"},
		{in: "name,code,totalAmount", want: "name,code,totalAmount"},
		{in: " Name , CODE ,totalamount", want: "name,code,totalAmount"},
		{in: "primaryContactPhone", want: "primaryContactPhone"},
		{in: "code,bogus", bad: true},
		{in: "code,,name", bad: true},
		{in: "code,", bad: true},
		{in: "code,name,code", bad: true},
		{in: "code,CODE", bad: true},
		{in: "idCard", bad: true},
		{in: strings.Repeat("code,", 1000), bad: true},
	} {
		cols, err := ParseColumns(tc.in)
		if tc.bad {
			badField(t, err, "columns")
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if got := keys(cols); got != tc.want {
			t.Fatalf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
	_, err := ParseColumns("code,nope")
	if !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "totalAmount") {
		t.Fatalf("the message should name the unknown key and the known ones: %v", err)
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": ZhCN, "zh-CN": ZhCN, "zh": ZhCN, "ZH_cn": ZhCN, "en": En, "en-US": En, "EN": En} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Fatalf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"fr", "zh-TW", "english"} {
		_, err := ParseLang(in)
		badField(t, err, "lang")
	}
}

func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalog() {
		if c.Key == "" || c.Zh == "" || c.En == "" || c.Width <= 0 || c.get == nil {
			t.Fatalf("incomplete column %+v", c)
		}
		if seen[strings.ToLower(c.Key)] {
			t.Fatalf("key %s twice", c.Key)
		}
		seen[strings.ToLower(c.Key)] = true
	}
	for _, k := range DefaultKeys() {
		if !seen[strings.ToLower(k)] {
			t.Fatalf("default column %s is not in the catalog", k)
		}
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "科技有限公司": "科技有限公司", "=1+2": "'=1+2", "+8613812345678": "'+8613812345678",
		"-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", " =x": " =x",
		"=HYPERLINK(\"http://evil\",\"点我\")": "'=HYPERLINK(\"http://evil\",\"点我\")",
	} {
		if got := Sanitize(in); got != want {
			t.Fatalf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// sample is a customer with every kind of value.
func sample() *crm.Customer {
	founded := time.Date(2015, 3, 15, 0, 0, 0, 0, time.UTC)
	return &crm.Customer{
		ID: "c1", Code: "C202611001", Name: "=HYPERLINK(\"http://x\")杭州云栖科技有限公司",
		CreditCode: "91350100M000100Y43", Industry: "信息技术服务业", Region: crm.Region{Province: "浙江省", City: "杭州市"},
		Size: crm.CompanySize{Employees: "100-500人"}, FoundedOn: &founded, Source: "展会",
		Type: crm.CustomerTypeExisting, Stage: crm.StageNegotiation, ValueTier: crm.TierA, IntentGrade: crm.TierB,
		Tags: []string{"高意向", "技术优先型"}, OwnerID: "u-owner", Collaborators: []string{"u-collab", "u-gone"},
		Notes: "@备注",
		Contacts: []crm.Contact{
			{ID: "k1", Name: "李工", Title: "技术负责人", Phone: "13900001111", Role: crm.ContactRoleInfluencer},
			{ID: "k2", Name: "王经理", Title: "采购总监", Phone: "13812345678", Email: "wang@example.com", WeChat: "wangjl88",
				Role: crm.ContactRoleDecisionMaker, Primary: true},
		},
		// Out of order: the history columns write the oldest first.
		Interactions: []crm.Interaction{
			{ID: "i1", At: time.Date(2026, 11, 19, 16, 30, 5, 700e6, time.UTC), Channel: crm.ChannelPhone,
				Summary: "回访，王经理手机13812345678；下周报价", Participants: []string{"u-owner"}, DurationMin: 15},
			{ID: "i2", At: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC), Channel: crm.ChannelVisit, Summary: "上门拜访\n演示产品"},
		},
		Deals: []crm.Deal{
			{ID: "d1", Date: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), Product: "CRM 系统", Amount: 68000000, Note: "首单"},
			{ID: "d2", Date: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Product: "实施服务;培训", Amount: 50},
		},
		Stats: crm.Stats{InteractionCount: 42, LastInteractionAt: time.Date(2026, 11, 19, 16, 30, 5, 700e6, time.UTC),
			DealCount: 3, TotalAmount: 68000050, LastDealOn: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC),
			SatisfactionCount: 3, AvgSatisfaction: 86.66666666666667},
		CreatedAt: time.Date(2026, 11, 1, 1, 2, 3, 0, time.UTC),
	}
}

var names = map[string]string{"u-owner": "张三", "u-collab": "李四"}

func opts(a crm.Actor, l Lang) Options {
	return Options{Actor: a, Lang: l, UserName: func(id string) string { return names[id] }}
}

var (
	owner   = crm.Actor{UserID: "u-owner", Role: crm.RoleSales}
	analyst = crm.Actor{UserID: "u-analyst", Role: crm.RoleAnalyst}
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM: % x", b[:min(8, len(b))])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func writeAll(t *testing.T, newW func(*bytes.Buffer, []Column, Options) (Writer, error), cols []Column, o Options, cs ...*crm.Customer) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := newW(&buf, cols, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newCSV(b *bytes.Buffer, cols []Column, o Options) (Writer, error)  { return NewCSV(b, cols, o) }
func newXLSX(b *bytes.Buffer, cols []Column, o Options) (Writer, error) { return NewXLSX(b, cols, o) }

func TestCSVValues(t *testing.T) {
	cols, err := ParseColumns("code,name,stage,valueTier,intentGrade,type,tags,owner,collaborators,foundedOn,lastInteractionAt," +
		"createdAt,totalAmount,dealCount,lastDealOn,firstDealOn,avgSatisfaction,primaryContact,primaryContactPhone," +
		"primaryContactEmail,primaryContactWechat,primaryContactRole,contacts,notes,needType,archivedAt,interactions,deals")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		actor crm.Actor
		lang  Lang
		want  map[string]string
	}{
		{"owner zh", owner, ZhCN, map[string]string{
			"客户编号": "C202611001", "客户名称": `'=HYPERLINK("http://x")杭州云栖科技有限公司`, "客户阶段": "商务谈判",
			"价值分级": "A类(高价值)", "意向等级": "中意向", "客户类型": "老客户", "标签": "高意向,技术优先型",
			"负责人": "张三", "协作人": "李四,u-gone", "成立日期": "2015-03-15",
			"最近联系": "2026-11-20 00:30:05", // UTC+8, whole seconds
			"建档时间": "2026-11-01 09:02:03", "累计金额(元)": "680000.50", "成交次数": "3", "最近成交": "2026-10-31",
			"首次成交": "", "平均满意度": "86.67", "主要联系人": "王经理", "联系人电话": "13812345678",
			"联系人邮箱": "wang@example.com", "联系人微信": "wangjl88", "联系人决策角色": "决策者",
			"全部联系人": "李工 (技术负责人) 13900001111; 王经理 (采购总监) 13812345678 wang@example.com wangjl88",
			"备注":    "'@备注", "需求类型": "", "归档时间": "",
			// Oldest first, one a line, in UTC+8; the texts escaped (\\n, \\；).
			"跟进记录": "2026-10-01 10:00 【拜访】上门拜访\\n演示产品\n2026-11-20 00:30:05.700 【电话】回访，王经理手机13812345678\\；下周报价",
			"交易记录": "2026-03-01 【购买】实施服务\\;培训 ¥0.50\n2026-10-31 【购买】CRM 系统 ¥680000.00",
		}},
		{"analyst en", analyst, En, map[string]string{
			"Stage": "Negotiation", "Value tier": "A (high value)", "Intent grade": "Medium intent", "Customer type": "Existing",
			"Contact phone": "138****5678", "Contact e-mail": "w***@example.com", "Contact WeChat": "w***8",
			"Contact role": "Decision maker", "Owner": "张三",
			"All contacts":        "李工 (技术负责人) 139****1111; 王经理 (采购总监) 138****5678 w***@example.com w***8",
			"Interaction history": "2026-10-01 10:00 [Visit] 上门拜访\\n演示产品\n2026-11-20 00:30:05.700 [Phone] 回访，王经理手机138****5678\\；下周报价",
			"Deal history":        "2026-03-01 [Purchase] 实施服务\\;培训 ¥0.50\n2026-10-31 [Purchase] CRM 系统 ¥680000.00",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := readCSV(t, writeAll(t, newCSV, cols, opts(tc.actor, tc.lang), sample()))
			if len(recs) != 2 {
				t.Fatalf("%d records", len(recs))
			}
			for i, c := range cols {
				if recs[0][i] != c.Header(tc.lang) {
					t.Fatalf("header %d = %q, want %q", i, recs[0][i], c.Header(tc.lang))
				}
			}
			got := map[string]string{}
			for i, h := range recs[0] {
				got[h] = recs[1][i]
			}
			for h, want := range tc.want {
				if v, ok := got[h]; !ok || v != want {
					t.Errorf("%s = %q, want %q", h, v, want)
				}
			}
		})
	}
}

func TestCSVShape(t *testing.T) {
	cols, _ := ParseColumns("code,name")
	c := sample()
	c.Name = "多行\n名称, 带 \"引号\""
	b := writeAll(t, newCSV, cols, opts(owner, ZhCN), c, c)
	if !bytes.HasPrefix(b, []byte("\uFEFF客户编号,客户名称\r\n")) {
		t.Fatalf("start: %q", b[:40])
	}
	recs := readCSV(t, b)
	if len(recs) != 3 || recs[2][1] != c.Name {
		t.Fatalf("%q", recs)
	}
}

func TestPartialRows(t *testing.T) {
	c := sample()
	c.Partial = true
	lean, _ := ParseColumns("code,name,owner,totalAmount")
	if _, err := Row(c, lean, &Options{}); err != nil {
		t.Fatalf("lean columns on a lean row: %v", err)
	}
	full, _ := ParseColumns("code,primaryContactPhone")
	if _, err := Row(c, full, &Options{}); !errors.Is(err, ErrPartial) {
		t.Fatalf("contact column on a lean row: %v", err)
	}
	c.ContactsLoaded = true // a row of ListQuery.WithContacts
	if _, err := Row(c, full, &Options{}); err != nil {
		t.Fatalf("contact column on a row with its contacts: %v", err)
	}
	if NeedsFull(lean) || !NeedsFull(full) {
		t.Fatal("NeedsFull")
	}
	// The history columns need the records: no list row has them.
	history, _ := ParseColumns("code,interactions")
	if _, err := Row(c, history, &Options{}); !errors.Is(err, ErrPartial) {
		t.Fatalf("history column on a row with its contacts: %v", err)
	}
	c.Partial = false // a whole document (ListQuery.Full)
	if _, err := Row(c, history, &Options{}); err != nil {
		t.Fatalf("history column on a whole document: %v", err)
	}
	if !NeedsFull(history) || !NeedsRecords(history) || NeedsRecords(full) {
		t.Fatal("NeedsRecords")
	}
}

// TestHistoryCells: the history columns read back, through cells.History,
// as the records they were written from, for either language; a history
// longer than a cell keeps its newest entries and says so, in CSV as in
// XLSX (whose library would cut the cell).
func TestHistoryCells(t *testing.T) {
	cols, _ := ParseColumns("code,interactions,deals")
	c := sample()
	for i := range 3000 {
		c.Interactions = append(c.Interactions, crm.Interaction{ID: fmt.Sprint("x", i), Channel: crm.ChannelWeChat,
			At: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour), Summary: fmt.Sprintf("第%d次微信沟通：客户关心价格与交付周期", i)})
	}
	for _, lang := range []Lang{ZhCN, En} {
		o := opts(owner, lang)
		recs := readCSV(t, writeAll(t, newCSV, cols, o, sample(), c))
		f, err := excelize.OpenReader(bytes.NewReader(writeAll(t, newXLSX, cols, o, sample(), c)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		_ = f.Close()
		if err != nil || len(rows) != 3 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		for i := 1; i < 3; i++ {
			for j := 1; j < 3; j++ {
				if rows[i][j] != recs[i][j] {
					t.Errorf("%s: XLSX cell %d,%d is not the CSV's (%d and %d characters)", lang, i, j, len(rows[i][j]), len(recs[i][j]))
				}
			}
		}
		// The whole history of sample().
		h, err := cells.History(recs[1][1], nil, cells.DateOptions{})
		if err != nil || len(h.Interactions) != 2 || h.Omitted != 0 {
			t.Fatalf("%s: %q reads as %+v, %v", lang, recs[1][1], h, err)
		}
		want := sample().Interactions
		for k, x := range []crm.Interaction{want[1], want[0]} {
			if got := h.Interactions[k]; !got.At.Equal(x.At) || got.Channel != x.Channel || got.Summary != x.Summary {
				t.Errorf("%s: interaction %d reads as %+v, want %+v", lang, k, got, x)
			}
		}
		d, err := cells.History(recs[1][2], nil, cells.DateOptions{})
		if err != nil || len(d.Deals) != 2 || d.Deals[0] != (cells.Deal{Date: sample().Deals[1].Date, Product: "实施服务;培训", Amount: 50}) ||
			d.Deals[1] != (cells.Deal{Date: sample().Deals[0].Date, Product: "CRM 系统", Amount: 68000000}) {
			t.Errorf("%s: %q reads as %+v, %v", lang, recs[1][2], d, err)
		}
		// 3002 interactions of about 40 characters do not fit in 32,767.
		cell := recs[2][1]
		if n := len(utf16.Encode([]rune(cell))); n > cells.MaxCellChars {
			t.Fatalf("%s: a cell of %d characters", lang, n)
		}
		h, err = cells.History(cell, nil, cells.DateOptions{})
		if err != nil || h.Omitted == 0 || h.Omitted+len(h.Interactions) != 3002 {
			t.Fatalf("%s: %d read, %d omitted, %v", lang, len(h.Interactions), h.Omitted, err)
		}
		if first, _, _ := strings.Cut(cell, "\n"); first != (cells.HistoryFormat{English: lang == En}).Omitted(h.Omitted) {
			t.Errorf("%s: the cell starts %q", lang, first)
		}
		if n := len(h.Interactions); h.Interactions[n-3].Summary != "第2999次微信沟通：客户关心价格与交付周期" || !h.Interactions[n-1].At.Equal(c.Interactions[0].At) {
			t.Errorf("%s: the newest entries are %v", lang, h.Interactions[n-3:])
		}
	}
}

func TestXLSX(t *testing.T) {
	cols, _ := ParseColumns("code,name,stage,interactionCount,totalAmount,avgSatisfaction,lastInteractionAt,lastDealOn,firstDealOn,primaryContactPhone,interactions,deals")
	other := sample()
	other.Code, other.OwnerID, other.Contacts = "C202611002", "u-collab", other.Contacts[:1]
	for _, a := range []crm.Actor{owner, analyst} {
		o := opts(a, ZhCN)
		b := writeAll(t, newXLSX, cols, o, sample(), other)
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		if sheet != "客户" {
			t.Fatalf("sheet %q", sheet)
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		// Same cells as the CSV, but for money shown with thousands separators.
		want := readCSV(t, writeAll(t, newCSV, cols, o, sample(), other))
		if len(rows) != len(want) {
			t.Fatalf("%d rows, CSV %d", len(rows), len(want))
		}
		for i := range want {
			for j := range want[i] {
				got := ""
				if j < len(rows[i]) {
					got = rows[i][j]
				}
				if cols[j].Kind == Money {
					got = strings.ReplaceAll(got, ",", "")
				}
				if cols[j].Kind == Text {
					got = Sanitize(got)
				}
				if got != want[i][j] {
					t.Errorf("cell %d,%d = %q, CSV %q", i, j, got, want[i][j])
				}
			}
		}
		// Numbers are numbers (a cell without a type is a number in
		// OOXML), dates are dates; text stays text.
		for cell, typ := range map[string]excelize.CellType{"D2": excelize.CellTypeUnset, "E2": excelize.CellTypeUnset,
			"F2": excelize.CellTypeUnset, "G2": excelize.CellTypeUnset, "B2": excelize.CellTypeInlineString} {
			if got, err := f.GetCellType(sheet, cell); err != nil || got != typ {
				t.Errorf("%s type %v (%v), want %v", cell, got, err, typ)
			}
		}
		if raw, _ := f.GetCellValue(sheet, "G2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "46") {
			t.Errorf("last contact should be a date serial (46xxx), raw %q", raw)
		}
		if raw, _ := f.GetCellValue(sheet, "E2", excelize.Options{RawCellValue: true}); raw != "680000.5" {
			t.Errorf("amount raw %q", raw)
		}
		if v, _ := f.GetCellValue(sheet, "B2"); !strings.HasPrefix(v, "=HYPERLINK") {
			t.Errorf("a text cell starting with = is kept as text: %q", v)
		}
		if fm, _ := f.GetCellFormula(sheet, "B2"); fm != "" {
			t.Errorf("B2 is a formula: %q", fm)
		}
		// The header is bold and frozen.
		sid, _ := f.GetCellStyle(sheet, "A1")
		st, err := f.GetStyle(sid)
		if err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("header style %+v %v", st, err)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes %+v %v", panes, err)
		}
		if w, _ := f.GetColWidth(sheet, "B"); w != 32 {
			t.Errorf("width of B: %v", w)
		}
		_ = f.Close()
	}
}

// TestLabelsMatchTheApp checks the enum labels against the browser app's
// (frontend/src/i18n/enums.ts) and the query line's (internal/segment).
func TestLabelsMatchTheApp(t *testing.T) {
	src, err := os.ReadFile("../../frontend/src/i18n/enums.ts")
	if err != nil {
		t.Skipf("frontend sources not here: %v", err)
	}
	tables := map[string]map[string]label{"STAGE_LABELS": stageLabels, "VALUE_TIER_LABELS": valueTierLabels,
		"INTENT_GRADE_LABELS": intentGradeLabels, "CUSTOMER_TYPE_LABELS": customerTypeLabels,
		"NEED_TYPE_LABELS": needTypeLabels, "CONTACT_ROLE_LABELS": contactRoleLabels,
		"CHANNEL_LABELS": crm.ChannelLabels, "KEY_EVENT_LABELS": crm.KeyEventLabels, "NEED_KIND_LABELS": crm.NeedKindLabels,
		"PRIORITY_LABELS": crm.PriorityLabels, "NEED_STATUS_LABELS": crm.NeedStatusLabels}
	entry := regexp.MustCompile(`(\w+): \{ zh: '([^']*)', en: '([^']*)'`)
	for name, table := range tables {
		start := strings.Index(string(src), "export const "+name+":")
		if start < 0 {
			t.Fatalf("%s not in enums.ts", name)
		}
		block := string(src[start:])
		block = block[:strings.Index(block, "};")]
		found := entry.FindAllStringSubmatch(block, -1)
		if len(found) != len(table) {
			t.Fatalf("%s: %d labels in the app, %d here", name, len(found), len(table))
		}
		for _, m := range found {
			if got := table[m[1]]; got.Zh != m[2] || got.En != m[3] {
				t.Errorf("%s.%s: here %+v, app %q/%q", name, m[1], got, m[2], m[3])
			}
		}
	}
	for field, table := range map[string]map[string]label{"stage": stageLabels, "valueTier": valueTierLabels,
		"intentGrade": intentGradeLabels, "type": customerTypeLabels, "needType": needTypeLabels} {
		f, ok := segment.LookupField(segment.Customer, field)
		if !ok {
			t.Fatalf("segment field %s", field)
		}
		for v, l := range table {
			if ls := f.Labels(v); len(ls) == 0 || ls[0] != l.Zh {
				t.Errorf("%s %s: query line labels %q, export %q", field, v, ls, l.Zh)
			}
		}
	}
}

func FuzzParseColumns(f *testing.F) {
	for _, s := range []string{"", "code", "code,name", " Name , CODE ", "code,,name", "code,code", "x", "code,\xff",
		strings.Join(Keys(), ","), "primaryContactPhone,totalAmount"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cols, err := ParseColumns(s)
		if err != nil {
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || e.Fields[0].Field != "columns" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if len(cols) == 0 || len(cols) > len(catalog) {
			t.Fatalf("%q: %d columns", s, len(cols))
		}
		seen := map[string]bool{}
		for _, c := range cols {
			if _, ok := Lookup(c.Key); !ok || seen[c.Key] {
				t.Fatalf("%q: column %q unknown or repeated", s, c.Key)
			}
			seen[c.Key] = true
		}
		again, err := ParseColumns(keys(cols))
		if err != nil || keys(again) != keys(cols) {
			t.Fatalf("%q: parsing %q again gave %v, %v", s, keys(cols), keys(again), err)
		}
	})
}

// BenchmarkWriters times the writers alone on 2,000 customers, every column.
func BenchmarkWriters(b *testing.B) {
	cols := Catalog()
	cs := make([]*crm.Customer, 2000)
	for i := range cs {
		cs[i] = sample()
	}
	for _, w := range []struct {
		name string
		new  func(*bytes.Buffer, []Column, Options) (Writer, error)
	}{{"csv", newCSV}, {"xlsx", newXLSX}} {
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				ew, err := w.new(&buf, cols, opts(analyst, ZhCN))
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range cs {
					if err := ew.Write(c); err != nil {
						b.Fatal(err)
					}
				}
				if err := ew.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len())/1e6, "MB/file")
		})
	}
}

// Phone numbers, e-mails and WeChat IDs typed into free text are masked in
// the export for whoever sees contact details masked, as in the API.
func TestExportMasksFreeText(t *testing.T) {
	cols, err := ParseColumns("notes,commPreference,mainBusiness,address,tags,primaryContactTitle,interactions,deals")
	if err != nil {
		t.Fatal(err)
	}
	c := sample()
	c.Notes = "老板手机13812345678，邮箱boss@example.com"
	c.CommPreference = "微信：wangjl88"
	c.MainBusiness = "热线400-820-1234"
	c.Address = "某某路88号，前台010-12345678"
	c.Tags = []string{"VIP", "回电13900001111"}
	c.Contacts[1].Title = "采购总监 13812345678"
	c.Interactions = c.Interactions[:1]
	c.Deals = []crm.Deal{{Date: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Product: "话费套餐 13900001111", Amount: 100}}
	for _, tc := range []struct {
		actor crm.Actor
		want  []string
	}{
		{owner, []string{"老板手机13812345678，邮箱boss@example.com", "微信：wangjl88", "热线400-820-1234",
			"某某路88号，前台010-12345678", "VIP,回电13900001111", "采购总监 13812345678",
			`2026-11-20 00:30:05.700 【电话】回访，王经理手机13812345678\；下周报价`, "2026-03-01 【购买】话费套餐 13900001111 ¥1.00"}},
		{analyst, []string{"老板手机138****5678，邮箱b***@example.com", "微信：w***8", "热线400-****234",
			"某某路88号，前台010-****5678", "VIP,回电139****1111", "采购总监 138****5678",
			`2026-11-20 00:30:05.700 【电话】回访，王经理手机138****5678\；下周报价`, "2026-03-01 【购买】话费套餐 139****1111 ¥1.00"}},
	} {
		recs := readCSV(t, writeAll(t, newCSV, cols, opts(tc.actor, ZhCN), c))
		for i, want := range tc.want {
			if recs[1][i] != want {
				t.Errorf("%s for %s = %q, want %q", cols[i].Key, tc.actor.Role, recs[1][i], want)
			}
		}
	}
	if c.Notes != "老板手机13812345678，邮箱boss@example.com" || c.Interactions[0].Summary != "回访，王经理手机13812345678；下周报价" {
		t.Fatal("the export changed the customer")
	}
}

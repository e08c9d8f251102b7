package importer_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// What the export writes, the import reads back: every customer of the
// file, with its fields, tags, every contact, and its interactions and
// deals (the history columns), so the same figures, into an empty store;
// importing the same file again changes nothing.
func TestExportImportRoundTrip(t *testing.T) {
	from := newWorld(t)
	ctx := context.Background()
	credit := creditCode("91330100MA2H0000X")
	made := []*crm.Customer{
		from.create(t, crm.CustomerInput{Name: "杭州云帆科技有限公司", CustomerFields: crm.CustomerFields{
			CreditCode: &credit, Industry: ptr("软件"), EmployeeBand: ptr("100-500人"), Province: ptr("浙江省"), City: ptr("杭州市"),
			Address: ptr("西湖区文三路 1 号"), Website: ptr("https://yunfan.example.cn"), Source: ptr("展会"),
			Stage: ptr(crm.StageProposal), Tags: []string{"重点", "老客户"}, OwnerID: ptr(from.sales.UserID), Notes: ptr("年底续约")},
			Contacts: []crm.ContactInput{
				{Name: "陈经理", ContactFields: crm.ContactFields{Title: ptr("采购总监"), Phone: ptr("13912345678"), Email: ptr("chen@yunfan.cn")}},
				{Name: "刘工", ContactFields: crm.ContactFields{Phone: ptr("0571-88886666"), WeChat: ptr("liu_gong88")}}}}),
		from.create(t, crm.CustomerInput{Name: "宁波港通物流（集团）有限公司", CustomerFields: crm.CustomerFields{Industry: ptr("物流")}}),
	}
	// Records whose texts hold what separates, escapes or marks history
	// entries, and look like other entries.
	sh := crm.DefaultLocation
	for _, x := range []crm.InteractionInput{
		{At: ptr(time.Date(2026, 11, 18, 14, 30, 15, 250e6, sh)), Channel: crm.ChannelPhone,
			Summary: "电话联系，了解需求；客户要求\n下周报价; 资料在 C:\\报价\\n\\", DurationMin: ptr(20),
			NextAction: &crm.NextActionInput{What: "发报价", Due: ptr(time.Date(2026, 11, 25, 0, 0, 0, 0, sh))}},
		{At: ptr(time.Date(2026, 10, 1, 9, 0, 0, 0, sh)), Channel: crm.ChannelVisit, Summary: "购买产品A，1000元"},
		{At: ptr(time.Date(2026, 9, 1, 0, 0, 0, 0, sh)), Channel: crm.ChannelWeChat, Summary: "【电话】微信沟通\r\n发送资料"},
		{At: ptr(time.Date(2025, 1, 5, 10, 0, 0, 0, sh)), Channel: crm.ChannelOther, Summary: "[12 earlier entries left out]"},
		{At: ptr(time.Date(2025, 1, 5, 10, 0, 0, 0, sh)), Channel: crm.ChannelMeeting, Summary: "- 方案评审 -"},
	} {
		if _, err := from.crm.LogInteraction(ctx, from.boss, made[0].ID, nil, x); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []struct {
		c  int
		in crm.DealInput
	}{
		{0, crm.DealInput{Product: "CRM 系统; 年费", Amount: 1280000, Date: ptr(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), Note: ptr("首年")}},
		{0, crm.DealInput{Product: "实施服务 ¥5", Amount: 50, Date: ptr(time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC))}},
		{0, crm.DealInput{Product: "购买了 产品B，金额", Amount: 99999999, Date: ptr(time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC))}},
		{1, crm.DealInput{Product: "仓储服务", Amount: 6800000, Date: ptr(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC))}},
	} {
		if _, err := from.crm.RecordDeal(ctx, from.boss, made[d.c].ID, nil, d.in); err != nil {
			t.Fatalf("deal %d: %v", i, err)
		}
	}
	for i := range made {
		made[i] = from.byCode(t, made[i].Code)
	}
	if s := made[0].Stats; s.InteractionCount != 5 || s.DealCount != 3 || s.TotalAmount != 101280049 {
		t.Fatalf("the figures before: %+v", s)
	}
	exp := &export.Service{CRM: from.crm, Users: from.crm.Store.Users()}
	for _, tc := range []struct {
		format export.FileFormat
		lang   string
	}{{export.CSV, "zh-CN"}, {export.XLSX, "zh-CN"}, {export.CSV, "en"}, {export.XLSX, "en"}} {
		format := tc.format
		t.Run(string(format)+"/"+tc.lang, func(t *testing.T) {
			req, err := exp.ParseRequest(ctx, from.boss, format, map[string][]string{"columns": {strings.Join(export.Keys(), ",")}, "lang": {tc.lang}})
			if err != nil {
				t.Fatal(err)
			}
			run, err := exp.Start(ctx, from.boss, req)
			if err != nil {
				t.Fatal(err)
			}
			var file bytes.Buffer
			if _, err := run.Stream(ctx, &file); err != nil {
				t.Fatal(err)
			}
			to := newWorld(t)
			src, _, err := importer.Read(bytes.NewReader(file.Bytes()), int64(file.Len()), "导出."+strings.ToLower(string(format)), sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := importer.Detect(src)
			p, _, err := to.svc.Commit(ctx, to.boss, src, m, importer.CommitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Created != len(made) || p.RowErrors != 0 {
				t.Fatalf("%d created, %d row errors: %+v", p.Created, p.RowErrors, p.Rows)
			}
			for _, want := range made {
				got := to.byCode(t, want.Code)
				if d := sameCustomer(want, got); d != "" {
					t.Errorf("%s: %s", want.Code, d)
				}
			}
			p, _, err = to.svc.Commit(ctx, to.boss, src, m, importer.CommitOptions{})
			if err != nil || p.Unchanged != len(made) || p.Created+p.Updated != 0 {
				t.Errorf("the same file again: %v, %d unchanged, %d created, %d updated", err, p.Unchanged, p.Created, p.Updated)
			}
			for _, want := range made {
				if d := sameCustomer(want, to.byCode(t, want.Code)); d != "" {
					t.Errorf("%s after the second import: %s", want.Code, d)
				}
			}
		})
	}
}

// sameCustomer says how got differs from want in what a worksheet carries.
func sameCustomer(want, got *crm.Customer) string {
	var d []string
	eq := func(what string, a, b any) {
		if !slices.Equal([]any{a}, []any{b}) {
			d = append(d, what)
		}
	}
	eq("name", want.Name, got.Name)
	eq("creditCode", want.CreditCode, got.CreditCode)
	eq("industry", want.Industry, got.Industry)
	eq("employees", want.Size.Employees, got.Size.Employees)
	eq("region", want.Region, got.Region)
	eq("address", want.Address, got.Address)
	eq("website", want.Website, got.Website)
	eq("source", want.Source, got.Source)
	eq("stage", want.Stage, got.Stage)
	eq("type", want.Type, got.Type)
	eq("owner", want.OwnerID, got.OwnerID)
	eq("notes", want.Notes, got.Notes)
	if !slices.Equal(want.Tags, got.Tags) {
		d = append(d, "tags")
	}
	if len(want.Contacts) != len(got.Contacts) {
		return strings.Join(append(d, "contacts"), ", ")
	}
	for i, w := range want.Contacts {
		g := got.Contacts[i]
		if w.Name != g.Name || w.Title != g.Title || w.Phone != g.Phone || w.Email != g.Email || w.WeChat != g.WeChat || w.Primary != g.Primary {
			d = append(d, "contact "+w.Name)
		}
	}
	// The records the figures come from: the history columns carry an
	// interaction's time, channel and summary and a deal's date, product
	// and amount (not participants, next actions, durations, notes).
	type interaction struct {
		at      int64
		channel crm.InteractionChannel
		summary string
	}
	type deal struct {
		date    int64
		product string
		amount  crm.Money
	}
	xs := func(c *crm.Customer) []interaction {
		var out []interaction
		for _, x := range c.Interactions {
			out = append(out, interaction{x.At.UnixMilli(), x.Channel, x.Summary})
		}
		slices.SortFunc(out, func(a, b interaction) int {
			return cmp.Or(cmp.Compare(a.at, b.at), strings.Compare(a.summary, b.summary))
		})
		return out
	}
	ds := func(c *crm.Customer) []deal {
		var out []deal
		for _, x := range c.Deals {
			out = append(out, deal{x.Date.Unix(), x.Product, x.Amount})
		}
		slices.SortFunc(out, func(a, b deal) int { return cmp.Or(cmp.Compare(a.date, b.date), strings.Compare(a.product, b.product)) })
		return out
	}
	if w, g := xs(want), xs(got); !slices.Equal(w, g) {
		d = append(d, fmt.Sprintf("interactions %v, want %v", g, w))
	}
	if w, g := ds(want), ds(got); !slices.Equal(w, g) {
		d = append(d, fmt.Sprintf("deals %v, want %v", g, w))
	}
	ws, gs := want.Stats, got.Stats
	for _, f := range []struct {
		name string
		w, g any
	}{
		{"interactionCount", ws.InteractionCount, gs.InteractionCount},
		{"firstInteractionAt", ws.FirstInteractionAt.UnixMilli(), gs.FirstInteractionAt.UnixMilli()},
		{"lastInteractionAt", ws.LastInteractionAt.UnixMilli(), gs.LastInteractionAt.UnixMilli()},
		{"dealCount", ws.DealCount, gs.DealCount},
		{"totalAmount", ws.TotalAmount, gs.TotalAmount},
		{"firstDealOn", ws.FirstDealOn.Unix(), gs.FirstDealOn.Unix()},
		{"lastDealOn", ws.LastDealOn.Unix(), gs.LastDealOn.Unix()},
	} {
		if f.w != f.g {
			d = append(d, fmt.Sprintf("%s %v, want %v", f.name, f.g, f.w))
		}
	}
	return strings.Join(d, ", ")
}

// A history longer than a cell: the export keeps the newest entries that
// fit after a line saying how many it left out; the import adds those (the
// figures then count them only) and skips the line; again, nothing changes.
func TestExportImportLongHistory(t *testing.T) {
	ctx := context.Background()
	c := &crm.Customer{Code: "C202611009", Name: "温州长跟进贸易有限公司"}
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, crm.DefaultLocation)
	for i := range 400 { // 400 entries of about 220 characters: 88,000
		c.Interactions = append(c.Interactions, crm.Interaction{ID: fmt.Sprint("x", i), At: start.Add(time.Duration(i) * time.Hour),
			Channel: crm.ChannelPhone, Summary: fmt.Sprintf("第%d次回访；", i) + strings.Repeat("客户关心价格与交付周期，", 17)})
	}
	cols, err := export.ParseColumns("code,name,interactions,interactionCount")
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	w, err := export.NewCSV(&file, cols, export.Options{Actor: crm.Actor{UserID: "u-boss", Role: crm.RoleManager}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(c); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	to := newWorld(t)
	src, _, err := importer.Read(bytes.NewReader(file.Bytes()), int64(file.Len()), "导出.csv", sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := importer.Detect(src)
	for i := range 2 {
		p, _, err := to.svc.Commit(ctx, to.boss, src, m, importer.CommitOptions{})
		if err != nil || p.RowErrors != 0 || p.Created+p.Unchanged != 1 {
			t.Fatalf("import %d: %v, %+v", i+1, err, p)
		}
		if w := p.Rows[0].Warnings; len(w) != 1 || w[0].Reason != importer.ReasonHistoryOmitted || w[0].Params["count"].(int) <= 0 {
			t.Fatalf("import %d: warnings %+v, want the omitted entries said", i+1, w)
		}
	}
	got := to.byCode(t, c.Code)
	n := got.Stats.InteractionCount
	if n < 100 || n >= 400 {
		t.Fatalf("%d interactions imported", n)
	}
	if !got.Stats.LastInteractionAt.Equal(c.Interactions[399].At) || !got.Stats.FirstInteractionAt.Equal(c.Interactions[400-n].At) {
		t.Errorf("imported %s to %s; want the newest %d, from %s", got.Stats.FirstInteractionAt, got.Stats.LastInteractionAt, n, c.Interactions[400-n].At)
	}
}

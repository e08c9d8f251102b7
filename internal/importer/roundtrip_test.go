package importer_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// What the export writes, the import reads back: every customer of the
// file, with its fields, tags and every contact, into an empty store;
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
	exp := &export.Service{CRM: from.crm, Users: from.crm.Store.Users()}
	for _, format := range []export.FileFormat{export.CSV, export.XLSX} {
		t.Run(string(format), func(t *testing.T) {
			req, err := exp.ParseRequest(ctx, from.boss, format, map[string][]string{"columns": {strings.Join(export.Keys(), ",")}})
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
	return strings.Join(d, ", ")
}

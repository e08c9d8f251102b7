package importer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
)

// FuzzPlan: any cells under the template's header give every row an
// action, an error with a reason on each ERROR row, and never a panic.
// Rows are separated by \n and cells by \t in the input.
func FuzzPlan(f *testing.F) {
	for _, s := range []string{
		"C202611001\t华信机械有限公司\t机械制造\t张三\t13812345678\tzs@kehu.cn\t重点，展会\t2026-10-01 电话联系；2026-10-15 购买产品A，1000元\t68万\t李销售",
		"\t新客户\t\t李四(经理)\t010-12345678\n\t新客户\t零售\t王五",
		"C209901001\t\t\t\t12345\tnot-an-email\t\t2026-13-01 x\t-5\t不存在",
		"\t\t\t\t\t\t\t\t\t",
		"\t法人身份证11010519491231002X公司\t\t\t\t\t\t\t\t",
	} {
		f.Add(s)
	}
	w := newWorld(f)
	w.create(f, crm.CustomerInput{Name: "华信机械有限公司"})
	header := []string{"客户编号", "客户名称", "所属行业", "联系人", "手机", "邮箱", "客户标签", "跟进记录", "累计交易金额", "销售负责人"}
	f.Fuzz(func(t *testing.T, in string) {
		var rows [][]string
		for _, line := range strings.Split(in, "\n") {
			rows = append(rows, strings.Split(line, "\t"))
		}
		if len(rows) > 50 {
			rows = rows[:50]
		}
		src := source(header, rows...)
		p, err := w.svc.Plan(context.Background(), w.boss, src, detect(source(header)), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != len(rows) {
			t.Fatalf("%d rows planned of %d", len(p.Rows), len(rows))
		}
		for _, r := range p.Rows {
			switch r.Action {
			case importer.Create, importer.Update, importer.Unchanged, importer.Duplicate:
				if len(r.Errors) > 0 {
					t.Fatalf("row %d: %s with errors %+v", r.Row, r.Action, r.Errors)
				}
			case importer.Failed:
				if len(r.Errors) == 0 {
					t.Fatalf("row %d: ERROR without an error", r.Row)
				}
				for _, e := range r.Errors {
					if e.Reason == "" || e.Message == "" {
						t.Fatalf("row %d: an error without a reason or message: %+v", r.Row, e)
					}
				}
			default:
				t.Fatalf("row %d: action %q", r.Row, r.Action)
			}
		}
	})
}

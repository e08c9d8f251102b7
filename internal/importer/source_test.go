package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// A worksheet as people keep it, in the two forms they send (an Excel
// workbook with a title row and real dates; a GB18030 CSV from WPS), read,
// mapped and committed: the same customers either way.
func TestReadDetectCommit(t *testing.T) {
	header := []string{"客户名称*", "统一社会信用代码", "所属行业", "联系人", "职位", "联系电话", "首次合作时间", "客户标签", "备注"}
	credit := creditCode("91330100MA2H0000X")
	rows := [][]string{
		{"杭州云帆科技有限公司", credit, "软件", "陈经理", "采购总监", "13912345678", "2023/10/20", "重点、老客户", "年底续约"},
		{"杭州云帆科技有限公司", credit, "", "刘工", "技术负责人", "0571-88886666"},
		{"宁波港通物流（集团）有限公司", "", "物流", "张三", "", "13800001111"},
	}

	book := excelize.NewFile()
	book.SetSheetRow("Sheet1", "A1", &[]any{"客户信息管理表（2026年）"}) // a title row above the header
	row := func(r []string) *[]any {
		out := make([]any, len(r))
		for i, c := range r {
			out[i] = c
		}
		return &out
	}
	book.SetSheetRow("Sheet1", "A2", row(header))
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		book.SetSheetRow("Sheet1", cell, row(r))
	}
	var xlsx bytes.Buffer
	if err := book.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range append([][]string{header}, rows...) {
		text.WriteString(strings.Join(r, ",") + "\n")
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(text.String())
	if err != nil {
		t.Fatal(err)
	}

	for _, f := range []struct {
		name  string
		data  []byte
		spill bool // the rows kept in a file (a large file's)
	}{{"客户.xlsx", xlsx.Bytes(), false}, {"客户.csv", []byte(gbk), false}, {"客户.xlsx", xlsx.Bytes(), true}, {"客户.csv", []byte(gbk), true}} {
		t.Run(fmt.Sprintf("%s/spilled=%v", f.name, f.spill), func(t *testing.T) {
			w := newWorld(t)
			if f.spill {
				defer importer.SetSpillAbove(0)()
			}
			tmp := t.TempDir()
			src, info, err := importer.Read(bytes.NewReader(f.data), int64(len(f.data)), f.name, sheet.Options{TmpDir: tmp})
			if err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(tmp, "kehu-import-*"))
			if len(files) != map[bool]int{false: 0, true: 1}[f.spill] {
				t.Fatalf("files of rows: %v", files)
			}
			defer func() {
				if err := src.Close(); err != nil {
					t.Error(err)
				}
				if files, _ := filepath.Glob(filepath.Join(tmp, "kehu-import-*")); len(files) != 0 {
					t.Errorf("Close left %v", files)
				}
			}()
			for i, r := range src.Rows {
				want := slices.Clone(rows[i])
				for len(want) < len(header) { // rows are as wide as the header
					want = append(want, "")
				}
				if got, err := r.Cells(); err != nil || !slices.Equal(got, want) {
					t.Fatalf("row %d: %q, %v; want %q", r.Row, got, err, want)
				}
			}
			if len(src.Rows) != 3 || src.Rows[0].Row != src.HeaderRow+1 {
				t.Fatalf("%s (%s): header row %d, %d rows", f.name, info.Format, src.HeaderRow, len(src.Rows))
			}
			m := importer.Detect(src)
			if err := m.Err(); err != nil {
				t.Fatal(err)
			}
			p, _, err := w.svc.Commit(context.Background(), w.boss, src, m, importer.CommitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Created != 2 || p.RowErrors != 0 {
				t.Fatalf("%d created, %d row errors: %+v", p.Created, p.RowErrors, p.Rows)
			}
			yun := w.byCode(t, p.Rows[0].Code)
			if yun.CreditCode != credit || len(yun.Contacts) != 2 || yun.Contacts[1].Phone != "0571-88886666" ||
				yun.FoundedOn != nil || yun.Notes != "年底续约" || !slices.Equal(yun.Tags, []string{"重点", "老客户"}) {
				t.Errorf("杭州云帆: %+v", yun)
			}
			if c := w.byCode(t, p.Rows[2].Code); c.Name != "宁波港通物流（集团）有限公司" || c.Industry != "物流" {
				t.Errorf("the name as typed: %q, industry %q", c.Name, c.Industry)
			}
			if len(p.Warnings) != 1 || p.Warnings[0].Field != "firstDealOn" {
				t.Errorf("file warnings: %+v", p.Warnings)
			}
		})
	}
	if _, _, err := importer.Read(bytes.NewReader([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0}), 12, "旧.xls", sheet.Options{}); !crm.IsCode(err, crm.CodeBadUserInput) {
		t.Errorf("an .xls file: %v", err)
	}
}

// A file refused part way (too many rows) after its rows went to a file
// leaves no file behind.
func TestReadRefusedLeavesNoFile(t *testing.T) {
	defer importer.SetSpillAbove(0)()
	tmp := t.TempDir()
	data := []byte("客户名称,所属行业\n甲公司,软件\n乙公司,物流\n丙公司,零售\n")
	_, _, err := importer.Read(bytes.NewReader(data), int64(len(data)), "客户.csv", sheet.Options{TmpDir: tmp, MaxRows: 2})
	if !crm.IsCode(err, crm.CodeBadUserInput) {
		t.Fatalf("3 rows over a limit of 2: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(tmp, "*")); len(files) != 0 {
		t.Errorf("a refused file left %v", files)
	}
}

package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// templateBook writes n rows of the template's shape with excelize's stream
// writer: a title row, the header, unique names, phones, credit codes and
// notes (shared strings), dates and amounts.
func templateBook(b testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
	sw.SetRow("A1", []any{"客户信息管理表"})
	header := []any{"客户编号", "客户名称", "联系人", "职位", "所属行业", "企业规模", "区域", "客户类型", "客户来源", "联系电话",
		"邮箱", "统一社会信用代码", "首次合作时间", "累计交易金额(元)", "最近跟进日期", "关系等级", "客户标签", "当前阶段", "销售负责人", "备注"}
	sw.SetRow("A2", header)
	day := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		err := sw.SetRow(cell, []any{
			fmt.Sprintf("C%06d", i), fmt.Sprintf("深圳市第%d号科技有限公司", i), "张三", "采购经理", "制造业", "中型", "广东省深圳市",
			"企业客户", "展会", fmt.Sprintf("139%08d", i), fmt.Sprintf("c%d@example.com", i), fmt.Sprintf("91440300MA5%07dX", i),
			excelize.Cell{StyleID: date, Value: day.AddDate(0, 0, i%1000)}, excelize.Cell{StyleID: money, Value: float64(i) * 100.5},
			excelize.Cell{StyleID: date, Value: day.AddDate(0, 0, i%300)}, "A类", "重点客户，华南", "谈判", "李四",
			fmt.Sprintf("2023-01-01 电话联系，了解需求 %d", i),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReadXLSX reads a 10,000-row workbook; peak-heap-MB samples the
// heap in use every 1,000 rows.
func BenchmarkReadXLSX(b *testing.B) {
	data := templateBook(b, 10_000)
	b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
	var peak uint64
	for b.Loop() {
		runtime.GC()
		rd, err := open(data, "a.xlsx", Options{})
		if err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		for n := 0; ; n++ {
			_, _, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if n%1000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		rd.Close()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

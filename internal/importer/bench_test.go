package importer_test

// The import of a worksheet of the template's shape (docs/PERFORMANCE.md,
// "Import"):
//
//	KEHU_IMPORT_ROWS=10000,100000 go test -run '^$' -bench 'Import' -benchtime 1x -v -timeout 30m ./internal/importer
//
// A workbook of n rows (a title row, the template's 20 columns: unique
// names, valid credit codes, phones and e-mails, dates, amounts, a history
// cell) is read, mapped and planned (the dry run), then committed into an
// empty embedded store, then undone (the created customers deleted). Peak
// heap samples the heap in use every 10 ms, peak RSS is the whole
// process's (Linux); the live heap is read after a collection every 10,000
// customers committed (which slows the commit a little); the store's is
// what stays after the import (its read model of the n customers).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/sheet"
)

func importSizes(b *testing.B) []int {
	env := os.Getenv("KEHU_IMPORT_ROWS")
	if env == "" {
		return []int{10_000}
	}
	var out []int
	for _, s := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			b.Fatalf("KEHU_IMPORT_ROWS: %q", env)
		}
		out = append(out, n)
	}
	return out
}

// templateWorkbook writes n rows of the template's shape.
func templateWorkbook(b testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
	sw.SetRow("A1", []any{"客户信息管理表"})
	sw.SetRow("A2", []any{"客户名称", "联系人", "职位", "所属行业", "企业规模", "区域", "客户类型", "客户来源", "联系电话",
		"邮箱", "统一社会信用代码", "首次合作时间", "累计交易金额(元)", "最近跟进日期", "关系等级", "客户标签", "当前阶段", "销售负责人",
		"跟进记录", "备注"})
	day := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	industries := []string{"制造业", "软件", "物流", "零售", "医疗"}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		code17 := fmt.Sprintf("91440300MA5%06d", i)
		err := sw.SetRow(cell, []any{
			fmt.Sprintf("深圳市第%d号科技有限公司", i), "张经理", "采购经理", industries[i%len(industries)], "中型", "广东省深圳市",
			"新客户", "展会", fmt.Sprintf("139%08d", i), fmt.Sprintf("c%d@example.com", i), code17 + string(crm.CreditCodeCheckChar(code17)),
			excelize.Cell{StyleID: date, Value: day.AddDate(0, 0, i%1000)}, excelize.Cell{StyleID: money, Value: float64(i%5000) * 100.5},
			excelize.Cell{StyleID: date, Value: day.AddDate(0, 0, i%300)}, "A类", "重点客户，华南", "谈判", "李销售",
			fmt.Sprintf("2023-%02d-%02d 电话联系，了解需求；2023-12-01 购买产品A，%d元", 1+i%12, 1+i%28, 1000+i%9000), "年底回访",
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

// writeHeapProfile writes the heap profile (as of the last collection).
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// resetPeakRSS starts the process's peak resident set size (VmHWM) anew
// (Linux: clear_refs 5); false where it cannot.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's peak resident set size since resetPeakRSS
// (Linux), in bytes; 0 where unknown. It counts what the heap does not:
// goroutine stacks, the runtime's own memory, SQLite's page cache.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakHeap samples the heap in use until stop is called.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

func BenchmarkImport(b *testing.B) {
	for _, n := range importSizes(b) {
		data := templateWorkbook(b, n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			w := newWorld(b)
			ctx := context.Background()
			runtime.GC()
			rss := resetPeakRSS()
			stop := peakHeap()
			t0 := time.Now()
			src, _, err := importer.Read(bytes.NewReader(data), int64(len(data)), "bench.xlsx", sheet.Options{MaxBytes: 200 << 20, MaxRows: 200_000})
			if err != nil {
				b.Fatal(err)
			}
			defer func() {
				if src != nil {
					src.Close() // the rows' file
				}
			}()
			read := time.Since(t0)
			m := importer.Detect(src)
			t1 := time.Now()
			p, err := w.svc.Plan(ctx, w.boss, src, m, importer.Options{})
			if err != nil || p.Created != n {
				b.Fatalf("plan: %v, %d created of %d (%+v)", err, p.Created, n, p.Rows[0])
			}
			dry := time.Since(t1)
			p = nil // the dry run's outcome is the job's (a separate request) by the time it is committed
			t2 := time.Now()
			// The live heap (after a collection) every 10,000 customers:
			// what the import holds, beside the store's read model.
			var live uint64
			sample := func() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > live {
					live = ms.HeapInuse
					if path := os.Getenv("KEHU_IMPORT_HEAPPROFILE"); path != "" {
						// What is live at the fullest moment of the commit:
						// the store's and the import's.
						writeHeapProfile(b, fmt.Sprintf("%s.%d.commit", path, n))
					}
				}
			}
			next := 10_000
			var undo *importer.Undo
			p, undo, err = w.svc.Commit(ctx, w.boss, src, m, importer.CommitOptions{Progress: func(pr importer.Progress) {
				if pr.Processed >= next {
					next += 10_000
					sample()
				}
			}})
			if err != nil || p.Created != n {
				b.Fatalf("commit: %v, %d created of %d", err, p.Created, n)
			}
			commit := time.Since(t2)
			peak := stop()
			var peakRSSBytes uint64
			if rss {
				peakRSSBytes = peakRSS()
			}
			// What stays: the store with n customers (its read model).
			p = nil
			src.Close()
			src = nil
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			after := ms.HeapInuse
			if path := os.Getenv("KEHU_IMPORT_HEAPPROFILE"); path != "" {
				// What the store holds of the new customers, by where it
				// was allocated: go tool pprof -sample_index=inuse_space.
				writeHeapProfile(b, fmt.Sprintf("%s.%d", path, n))
			}
			t3 := time.Now()
			rep, err := w.svc.Undo(ctx, w.boss, undo)
			if err != nil || rep.Deleted != n {
				b.Fatalf("undo: %v, %d deleted of %d", err, rep.Deleted, n)
			}
			undone := time.Since(t3)
			b.ReportMetric(read.Seconds(), "read-s")
			b.ReportMetric(dry.Seconds(), "dryrun-s")
			b.ReportMetric(commit.Seconds(), "commit-s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peakRSSBytes)/(1<<20), "peak-rss-MB")
			b.ReportMetric(float64(after)/(1<<20), "store-heap-MB")
			b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
			b.ReportMetric(undone.Seconds(), "undo-s")
			b.Logf("%d rows (%.1f MB): read %v, dry run %v, commit %v (%.0f rows/s), undo %v; heap: peak %.0f MB, live during the commit %.0f MB at most, the store's after it %.0f MB; process: peak RSS %.0f MB",
				n, float64(len(data))/(1<<20), read.Round(time.Millisecond), dry.Round(time.Millisecond),
				commit.Round(time.Millisecond), float64(n)/commit.Seconds(), undone.Round(time.Millisecond),
				float64(peak)/(1<<20), float64(live)/(1<<20), float64(after)/(1<<20), float64(peakRSSBytes)/(1<<20))
		})
	}
}

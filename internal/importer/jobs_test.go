package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/sheet"
)

func (w *world) jobs() *importer.Jobs {
	return &importer.Jobs{Svc: w.svc, Store: w.crm.Store.Imports(), Settings: w.crm.Store.Settings()}
}

// wait polls a job until it has finished.
func wait(t *testing.T, j *importer.Jobs, a crm.Actor, id string) *crm.Import {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		im, err := j.Get(context.Background(), a, id)
		if err != nil {
			t.Fatal(err)
		}
		if im.Status.Finished() {
			return im
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after 30 s", id, im.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func csvFile(rows ...string) *bytes.Reader {
	return bytes.NewReader([]byte(strings.Join(rows, "\n") + "\n"))
}

// A job: the dry run writes nothing and keeps each row's outcome and
// problems; the commit writes, keeps its undo data in the store, and is
// undone once, within 30 days.
func TestJobs(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	file := func() *bytes.Reader {
		return csvFile("客户名称,所属行业,联系人,手机,累计交易金额(元)",
			"杭州云帆科技有限公司,软件,陈经理,139 1234 5678,680000",
			"宁波港通物流有限公司,物流,张三,12345,")
	}

	im, err := j.Start(ctx, w.boss, file(), "客户.csv", importer.JobInput{DryRun: true})
	if err != nil || im.Status != crm.ImportQueued || im.By != w.boss.UserID || !im.DryRun {
		t.Fatalf("start: %v %+v", err, im)
	}
	im = wait(t, j, w.boss, im.ID)
	if im.Status != crm.ImportDone || im.Rows != 2 || im.Total != 2 || im.Processed != 2 || im.Created != 1 || im.RowErrors != 1 ||
		len(im.Outcomes) != 2 || im.Outcomes[0].Action != "CREATE" || im.Outcomes[1].Action != "ERROR" || im.FinishedAt == nil {
		t.Fatalf("dry run: %+v", im)
	}
	var problems []string
	for _, e := range im.Errors {
		problems = append(problems, fmt.Sprintf("%d %s %s %v", e.Row, e.Column, e.Reason, e.Warning))
	}
	if want := []string{"1 E 累计交易金额(元) NOT_IMPORTED true", "3 D 手机 INVALID_PHONE false"}; strings.Join(problems, "|") != strings.Join(want, "|") {
		t.Errorf("problems: %q", problems)
	}
	if n := w.count(t); n != 0 {
		t.Fatalf("a dry run wrote %d customers", n)
	}
	if _, err := j.Undo(ctx, w.boss, im.ID); !crm.IsCode(err, crm.CodeBadUserInput) {
		t.Errorf("undo of a dry run: %v", err)
	}

	im, err = j.Start(ctx, w.boss, file(), "客户.csv", importer.JobInput{})
	if err != nil {
		t.Fatal(err)
	}
	im = wait(t, j, w.boss, im.ID)
	if im.Status != crm.ImportDone || im.Created != 1 || w.count(t) != 1 {
		t.Fatalf("commit: %+v, %d customers", im, w.count(t))
	}
	undone, err := j.Undo(ctx, w.boss, im.ID)
	if err != nil || undone.UndoneAt == nil || undone.UndoneBy != w.boss.UserID || undone.Undo == nil || undone.Undo.Deleted != 1 {
		t.Fatalf("undo: %v %+v", err, undone)
	}
	if n := w.count(t); n != 0 {
		t.Errorf("%d customers after the undo", n)
	}
	if _, err := j.Undo(ctx, w.boss, im.ID); !crm.IsCode(err, crm.CodeBadUserInput) {
		t.Errorf("a second undo: %v", err)
	}

	// A large file's rows are kept in a file while the job runs (Read):
	// the job reads them back, writes the result file from them, and
	// removes the file.
	t.Run("rows kept in a file", func(t *testing.T) {
		defer importer.SetSpillAbove(0)()
		tmp := t.TempDir()
		j := w.jobs()
		j.Sheet = sheet.Options{TmpDir: tmp}
		defer j.Close(ctx)
		im, err := j.Start(ctx, w.boss, file(), "客户.csv", importer.JobInput{})
		if err != nil {
			t.Fatal(err)
		}
		im = wait(t, j, w.boss, im.ID)
		if im.Status != crm.ImportDone || im.Created != 1 || im.RowErrors != 1 || len(im.Outcomes) != 2 {
			t.Fatalf("commit: %+v", im)
		}
		if got := resultRows(t, j, w.boss, im.ID); len(got) != 3 || got[2][0] != "宁波港通物流有限公司" || got[2][3] != "12345" {
			t.Errorf("result file without the rows read back: %q", got)
		}
		if files, _ := filepath.Glob(filepath.Join(tmp, "*")); len(files) != 0 {
			t.Errorf("the job left %v", files)
		}
	})

	t.Run("an undo after 30 days", func(t *testing.T) {
		im, err := j.Start(ctx, w.boss, file(), "客户.csv", importer.JobInput{})
		if err != nil {
			t.Fatal(err)
		}
		wait(t, j, w.boss, im.ID)
		w.crm.Clock.(*crm.FixedClock).Advance(importer.UndoWithin + time.Minute)
		if _, err := j.Undo(ctx, w.boss, im.ID); !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Errorf("undo after 30 days: %v", err)
		}
	})
}

// What can be told at once is told by Start, as errors on the request.
func TestJobStartRefuses(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	for _, r := range []struct {
		name  string
		who   crm.Actor
		file  *bytes.Reader
		in    importer.JobInput
		code  crm.Code
		field string
	}{
		{"a salesperson", w.sales, csvFile("客户名称", "甲"), importer.JobInput{}, crm.CodeForbidden, ""},
		{"a PDF", w.boss, bytes.NewReader([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")), importer.JobInput{}, crm.CodeBadUserInput, "file"},
		{"no name column", w.boss, csvFile("所属行业,联系人", "软件,张三"), importer.JobInput{}, crm.CodeBadUserInput, "mapping"},
		{"an unknown matchBy", w.boss, csvFile("客户名称", "甲"), importer.JobInput{MatchBy: "EMAIL"}, crm.CodeBadUserInput, "matchBy"},
	} {
		t.Run(r.name, func(t *testing.T) {
			_, err := j.Start(ctx, r.who, r.file, "客户.csv", r.in)
			e, ok := err.(*crm.Error)
			if !ok || e.Code != r.code || (r.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != r.field)) {
				t.Errorf("%v, want %s on %q", err, r.code, r.field)
			}
		})
	}
	if list, err := w.crm.Store.Imports().List(ctx, "", 10); err != nil || len(list) != 0 {
		t.Errorf("refused starts left jobs: %v %d", err, len(list))
	}
}

// A cancel sent to another replica reaches the job between batches: it
// stops, CANCELLED, and what it wrote stays, undoable.
func TestJobCancelFromAnotherReplica(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a, b := w.jobs(), w.jobs()
	defer a.Close(ctx)
	rows := []string{"客户名称,所属行业"}
	for i := range importer.Batch * 3 {
		rows = append(rows, fmt.Sprintf("批量公司%04d,制造", i))
	}
	var id string
	cancelled := make(chan struct{})
	importer.SetAfterProgress(a, func(job string) {
		select {
		case <-cancelled:
		default:
			if _, err := b.Cancel(ctx, w.boss, job); err != nil {
				t.Error(err)
			}
			close(cancelled)
		}
	})
	im, err := a.Start(ctx, w.boss, csvFile(rows...), "批量.csv", importer.JobInput{})
	if err != nil {
		t.Fatal(err)
	}
	id = im.ID
	im = wait(t, a, w.boss, id)
	if im.Status != crm.ImportCancelled || im.Processed != importer.Batch || w.count(t) != importer.Batch {
		t.Fatalf("cancelled job: %s, %d processed, %d customers stored", im.Status, im.Processed, w.count(t))
	}
	undone, err := a.Undo(ctx, w.boss, id)
	if err != nil || undone.Undo.Deleted != importer.Batch || w.count(t) != 0 {
		t.Fatalf("undo of the cancelled job: %v %+v, %d customers", err, undone, w.count(t))
	}
}

// A job's pace: customers per second since its start, and the time left at
// that pace while it runs.
func TestSpeed(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := start.Add(d); return &x }
	cases := []struct {
		name      string
		im        crm.Import
		now       time.Time
		perSecond float64
		left      int
		ok        bool
	}{
		{"queued", crm.Import{Status: crm.ImportQueued, Total: 10}, start, 0, 0, false},
		{"started, nothing worked out", crm.Import{Status: crm.ImportRunning, StartedAt: at(0), Total: 10}, start.Add(time.Second), 0, 0, false},
		{"running", crm.Import{Status: crm.ImportRunning, StartedAt: at(0), Total: 1000, Processed: 200}, start.Add(4 * time.Second), 50, 16, true},
		{"time left rounds up", crm.Import{Status: crm.ImportRunning, StartedAt: at(0), Total: 301, Processed: 200}, start.Add(4 * time.Second), 50, 3, true},
		{"done: the rate of its run", crm.Import{Status: crm.ImportDone, StartedAt: at(0), FinishedAt: at(10 * time.Second), Total: 1000, Processed: 1000},
			start.Add(time.Hour), 100, 0, true},
		{"no time passed", crm.Import{Status: crm.ImportRunning, StartedAt: at(0), Total: 10, Processed: 5}, start, 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps, left, ok := importer.Speed(&c.im, c.now)
			if ps != c.perSecond || left != c.left || ok != c.ok {
				t.Fatalf("Speed = %v, %d, %v; want %v, %d, %v", ps, left, ok, c.perSecond, c.left, c.ok)
			}
		})
	}
}

// resultRows writes a job's result file and reads it back.
func resultRows(t *testing.T, j *importer.Jobs, a crm.Actor, id string) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := j.WriteResultFile(context.Background(), a, id, "", &b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The result file holds every row of the file, in order, across the
// stored chunks, with what the job did with it: a cancelled job's rows it
// never reached are 未处理.
func TestResultFile(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	long := strings.Repeat("长", 10000) // 5 cells of 30 KB a row: 30 rows take several chunks
	rows := []string{"客户名称,甲,乙,丙,丁,戊"}
	for i := range 30 {
		rows = append(rows, fmt.Sprintf("长备注公司%02d", i)+strings.Repeat(","+long, 5))
	}
	im, err := j.Start(ctx, w.boss, csvFile(rows...), "长.csv", importer.JobInput{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	im = wait(t, j, w.boss, im.ID)
	chunks := 0
	if err := w.crm.Store.Imports().EachRows(ctx, im.ID, func(*crm.ImportRows) error { chunks++; return nil }); err != nil || chunks < 2 {
		t.Fatalf("%d chunks (%v): the rows should take several", chunks, err)
	}
	got := resultRows(t, j, w.boss, im.ID)
	if len(got) != 31 || strings.Join(got[0], "|") != "客户名称|甲|乙|丙|丁|戊|导入结果|错误说明|匹配客户" {
		t.Fatalf("%d rows, header %q", len(got), got[0])
	}
	for i, r := range got[1:] {
		if r[0] != fmt.Sprintf("长备注公司%02d", i) || r[1] != long || r[5] != long || r[6] != "新建" {
			t.Fatalf("row %d: %.80q", i+2, r)
		}
	}
	if _, err := j.Get(ctx, w.sales, im.ID); !crm.IsCode(err, crm.CodeForbidden) {
		t.Errorf("a salesperson reads the job: %v", err)
	}
	if err := j.WriteResultFile(ctx, w.sales, im.ID, "", io.Discard); !crm.IsCode(err, crm.CodeForbidden) {
		t.Errorf("a salesperson downloads the result file: %v", err)
	}

	t.Run("a cancelled job", func(t *testing.T) {
		a := w.jobs()
		defer a.Close(ctx)
		rows := []string{"客户名称,所属行业"}
		for i := range importer.Batch * 2 {
			rows = append(rows, fmt.Sprintf("取消公司%04d,制造", i))
		}
		importer.SetAfterProgress(a, func(job string) { a.Cancel(ctx, w.boss, job) })
		im, err := a.Start(ctx, w.boss, csvFile(rows...), "取消.csv", importer.JobInput{})
		if err != nil {
			t.Fatal(err)
		}
		im = wait(t, a, w.boss, im.ID)
		got := resultRows(t, a, w.boss, im.ID)
		if im.Status != crm.ImportCancelled || len(got) != importer.Batch*2+1 {
			t.Fatalf("%s, %d rows", im.Status, len(got))
		}
		if got[1][2] != "新建" || got[importer.Batch][2] != "新建" || got[importer.Batch+1][2] != "未处理" || got[1][4] == "" {
			t.Fatalf("rows: %q %q %q", got[1], got[importer.Batch], got[importer.Batch+1])
		}
	})
}

// A committed import with corrections saves its mapping for the next file
// with the same header row; a saved mapping that no longer applies is
// passed over.
// TestJobRecordsKeepNoPersonalData: whatever a worksheet holds, an
// import's stored records (the job with its problems and outcomes, the rows
// of the result file) keep no resident ID number and no home address: a
// column of them (身份证号) and any cell holding one (a phone cell, a note)
// are redacted, and so are problems quoting them. The dry run and the
// commit alike.
func TestJobRecordsKeepNoPersonalData(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	const id, home = "110105199003070017", "家庭住址：北京市朝阳区望京花园3号楼2单元501室"
	file := func() *bytes.Reader {
		return csvFile(
			"客户名称,联系人,手机,身份证号,备注,地址",
			"证件公司,张三,"+id+",11010519491231002X,"+home+",北京市朝阳区建国路88号SOHO现代城A座1201室",
			"干净公司,李四,13812345678,,长期合作,",
		)
	}
	for _, dry := range []bool{true, false} {
		im, err := j.Start(ctx, w.boss, file(), "证件.csv", importer.JobInput{DryRun: dry})
		if err != nil {
			t.Fatal(err)
		}
		im = wait(t, j, w.boss, im.ID)
		if im.RowErrors != 1 || im.Created != 1 {
			t.Fatalf("dry run %v: %d created, %d rows with errors, problems %+v", dry, im.Created, im.RowErrors, im.Errors)
		}
		var stored []string
		rec, err := w.crm.Store.Imports().Get(ctx, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := bson.MarshalExtJSON(rec, false, false)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, string(doc))
		if err := w.crm.Store.Imports().EachRows(ctx, im.ID, func(r *crm.ImportRows) error {
			doc, err := bson.MarshalExtJSON(r, false, false)
			stored = append(stored, string(doc))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		all := strings.Join(stored, "\n")
		for _, secret := range []string{id, "11010519491231002X", "望京花园"} {
			if strings.Contains(all, secret) {
				t.Errorf("dry run %v: the stored records hold %s", dry, secret)
			}
		}
		got := resultRows(t, j, w.boss, im.ID)
		if r := got[1]; r[2] != importer.Redacted || r[3] != importer.Redacted || r[4] != importer.Redacted ||
			r[5] != "北京市朝阳区建国路88号SOHO现代城A座1201室" || r[0] != "证件公司" {
			t.Errorf("dry run %v: result row %q", dry, r)
		}
		if r := got[2]; r[0] != "干净公司" || r[2] != "13812345678" || r[4] != "长期合作" {
			t.Errorf("dry run %v: result row %q", dry, r)
		}
	}
}

func TestSavedMapping(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	file := func() *bytes.Reader { return csvFile("客户名称,备用", "甲公司,重点") }
	d, err := j.Detect(ctx, w.boss, file(), "a.csv", nil)
	if err != nil || d.Saved || d.Mapping.Columns[1].Field != "" {
		t.Fatalf("detect: %v %+v", err, d)
	}
	fix := []columns.Correction{{Column: 1, Field: "tags"}}
	im, err := j.Start(ctx, w.boss, file(), "a.csv", importer.JobInput{DryRun: true, Mapping: fix})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, j, w.boss, im.ID)
	if d, _ = j.Detect(ctx, w.boss, file(), "a.csv", nil); d.Saved {
		t.Fatal("a dry run saved its mapping")
	}
	im, err = j.Start(ctx, w.boss, file(), "a.csv", importer.JobInput{Mapping: fix})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, j, w.boss, im.ID)
	d, err = j.Detect(ctx, w.boss, csvFile("客户名称 ,备用", "乙公司,一般"), "b.csv", nil) // the same header row, folded
	if err != nil || !d.Saved || d.Mapping.Columns[1].Field != "tags" || d.Mapping.Columns[1].How != columns.ByUser {
		t.Fatalf("the saved mapping: %v %+v", err, d)
	}
	if d, _ = j.Detect(ctx, w.boss, csvFile("客户名称,备用2", "甲公司,重点"), "c.csv", nil); d.Saved {
		t.Fatal("another header row got the saved mapping")
	}

	bad := columns.Saved{Fingerprint: d.Mapping.Fingerprint, Columns: []columns.SavedColumn{{Column: 1, Header: "备用2", Field: "noSuchField"}}}
	if err := w.crm.Store.Settings().Put(ctx, importer.SavedMappingKey(d.Mapping.Fingerprint), bad, 0); err != nil {
		t.Fatal(err)
	}
	if d, err = j.Detect(ctx, w.boss, csvFile("客户名称,备用2", "甲公司,重点"), "c.csv", nil); err != nil || d.Saved {
		t.Fatalf("a saved mapping that no longer applies: %v %+v", err, d)
	}
	if _, err := j.Detect(ctx, w.sales, file(), "a.csv", nil); !crm.IsCode(err, crm.CodeForbidden) {
		t.Errorf("a salesperson detects: %v", err)
	}
}

// A job whose replica stopped (its state not saved for Abandoned) is read
// as FAILED, once, by any replica; a job that saved lately is not.
func TestJobAbandoned(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	j := w.jobs()
	defer j.Close(ctx)
	now := w.crm.Clock.Now().UTC().Truncate(time.Millisecond)
	stale, fresh := now.Add(-importer.Abandoned-time.Second), now.Add(-time.Minute)
	for id, saved := range map[string]time.Time{"stale": stale, "fresh": fresh} {
		if err := w.crm.Store.Imports().Insert(ctx, &crm.Import{ID: id, By: w.boss.UserID, At: stale, FileName: id + ".csv",
			Status: crm.ImportRunning, StartedAt: &stale, SavedAt: &saved, Total: 400, Processed: 200}); err != nil {
			t.Fatal(err)
		}
	}
	im, err := j.Get(ctx, w.boss, "stale")
	if err != nil || im.Status != crm.ImportFailed || im.FinishedAt == nil || im.Message == "" {
		t.Fatalf("stale: %v %+v", err, im)
	}
	if stored, _ := w.crm.Store.Imports().Get(ctx, "stale"); stored.Status != crm.ImportFailed || stored.Version != 2 {
		t.Fatalf("stored: %+v", stored)
	}
	if im, err = j.Get(ctx, w.boss, "fresh"); err != nil || im.Status != crm.ImportRunning {
		t.Fatalf("fresh: %v %+v", err, im)
	}
	list, err := j.List(ctx, w.boss, false, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %d", err, len(list))
	}
	for _, im := range list {
		if want := map[string]crm.ImportStatus{"stale": crm.ImportFailed, "fresh": crm.ImportRunning}[im.ID]; im.Status != want {
			t.Errorf("%s: %s, want %s", im.ID, im.Status, want)
		}
	}
}

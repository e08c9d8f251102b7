package importer

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// The result file: the uploaded sheet, every data row, with three columns
// added (导入结果, 错误说明, 匹配客户), so the user fixes the rows it names
// and uploads the file again (rows already imported are then UNCHANGED).
// A job stores its rows with their outcomes when it ends (ImportStore
// AppendRows), so that any replica serves the file for the 30 days the job
// is kept.

// maxRowsChunk bounds the cells of one stored chunk of result rows (the
// store takes up to crm.MaxImportRowsBytes encoded; BSON adds a few bytes a
// cell).
const maxRowsChunk = 4 << 20

// saveRows stores the rows of src with their outcomes in p, with personal
// data redacted (redactRow).
func (j *Jobs) saveRows(ctx context.Context, id string, src *Source, m columns.Mapping, p *Plan) error {
	byRow := make(map[int]*Row, len(p.Rows))
	for i := range p.Rows {
		byRow[p.Rows[i].Row] = &p.Rows[i]
	}
	chunk := &crm.ImportRows{Import: id, HeaderRow: src.HeaderRow, Header: src.Header}
	size := 0
	for _, sr := range src.Rows {
		cells, err := sr.Cells()
		if err != nil {
			return err
		}
		row := crm.ImportRow{Row: sr.Row, Cells: redactRow(m, cells)}
		if r := byRow[sr.Row]; r != nil {
			row.Action, row.Matched, row.Message = string(r.Action), r.Code, rowMessage(r)
		}
		n := len(row.Message) + len(row.Matched) + 32
		for _, c := range row.Cells {
			n += len(c) + 8
		}
		if size > 0 && size+n > maxRowsChunk {
			if err := j.Store.AppendRows(ctx, chunk); err != nil {
				return err
			}
			chunk = &crm.ImportRows{Import: id, Seq: chunk.Seq + 1}
			size = 0
		}
		chunk.Rows = append(chunk.Rows, row)
		size += n
	}
	return j.Store.AppendRows(ctx, chunk)
}

// rowMessage is a row's problems, one a line: its column, then what is
// wrong; warnings after errors.
func rowMessage(r *Row) string {
	var b strings.Builder
	for _, set := range []struct {
		ps   []Problem
		warn string
	}{{r.Errors, ""}, {r.Warnings, "(warning) "}} {
		for _, p := range set.ps {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(set.warn)
			if p.Column != "" {
				b.WriteString(p.Column)
				b.WriteString(": ")
			}
			b.WriteString(p.Message)
		}
	}
	return b.String()
}

// resultLabels are the result file's words, by language.
var resultLabels = map[string]struct {
	columns []string
	actions map[string]string
}{
	"zh-CN": {sheet.ResultColumns, map[string]string{"CREATE": "新建", "UPDATE": "更新", "UNCHANGED": "无变化",
		"DUPLICATE": "疑似重复（未导入）", "ERROR": "错误（未导入）", "": "未处理"}},
	"en": {[]string{"Result", "Problems", "Customer"}, map[string]string{"CREATE": "created", "UPDATE": "updated",
		"UNCHANGED": "unchanged", "DUPLICATE": "likely duplicate (not imported)", "ERROR": "error (not imported)", "": "not processed"}},
}

// WriteResultFile writes a finished import's file with its result columns,
// as an XLSX workbook, in lang ("zh-CN" or "en"; "" is zh-CN): the
// outcome of a dry run says what the commit would do, that of a commit what
// it did. Errors: FORBIDDEN; NOT_FOUND; BAD_USER_INPUT on "id" while the
// job runs, or on "lang".
func (j *Jobs) WriteResultFile(ctx context.Context, a crm.Actor, id, lang string, w io.Writer) error {
	if lang == "" {
		lang = "zh-CN"
	}
	labels, ok := resultLabels[lang]
	if !ok {
		return &crm.Error{Code: crm.CodeBadUserInput, Message: "lang must be zh-CN or en",
			Fields: []crm.FieldError{{Field: "lang", Reason: crm.ReasonNotAllowed, Message: "must be zh-CN or en",
				Params: map[string]any{"value": lang}}}}
	}
	im, err := j.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if !im.Status.Finished() {
		return &crm.Error{Code: crm.CodeBadUserInput, Message: "the import is still running: its result file is written when it ends",
			Fields: []crm.FieldError{{Field: "id", Reason: crm.ReasonInvalid, Message: "still running"}}}
	}
	var rw *sheet.ResultWriter
	err = j.Store.EachRows(ctx, id, func(chunk *crm.ImportRows) error {
		if rw == nil {
			var err error
			if rw, err = sheet.NewResultWriter(w, chunk.Header, labels.columns); err != nil {
				return err
			}
		}
		for _, r := range chunk.Rows {
			if err := rw.Write(r.Cells, labels.actions[r.Action], r.Message, r.Matched); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && rw == nil {
		// A job that failed before it read the file has no rows.
		return crm.Errorf(crm.CodeNotFound, "import %s has no result file: it failed before reading the file (%s)", id, im.Message)
	}
	if err != nil {
		if rw != nil {
			_ = rw.Close()
		}
		return err
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("importer: write the result file: %w", err)
	}
	return nil
}

package sheet

import (
	"errors"
	"io"

	"github.com/xuri/excelize/v2"
)

// ResultColumns are the columns the error file adds after the sheet's own.
var ResultColumns = []string{"导入结果", "错误说明", "匹配客户"}

// ResultWriter writes the "error file": the uploaded sheet's header and rows
// with result columns after them, as an XLSX workbook of one sheet, every
// cell a text cell (long numbers such as credit codes and phones stay exact,
// and a value the user retypes stays text). Rows are kept by excelize's
// stream writer (in memory up to 16 MiB, then in a temporary file) and the
// workbook is written to the io.Writer by Close. A cell is cut at Excel's
// 32,767 characters.
type ResultWriter struct {
	out   io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	text  int // style: text format, "@"
	width int // columns of the sheet's own header
	row   int
	err   error
}

// NewResultWriter starts the error file with header followed by extra
// (usually ResultColumns).
func NewResultWriter(w io.Writer, header, extra []string) (*ResultWriter, error) {
	rw := &ResultWriter{out: w, f: excelize.NewFile(), width: len(header)}
	if err := rw.start(header, extra); err != nil {
		_ = rw.f.Close()
		return nil, err
	}
	return rw, nil
}

func (rw *ResultWriter) start(header, extra []string) error {
	const sheet = "导入结果"
	if err := rw.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	var err error
	if rw.text, err = rw.f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return err
	}
	bold, err := rw.f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if rw.sw, err = rw.f.NewStreamWriter(sheet); err != nil {
		return err
	}
	n := len(header) + len(extra)
	if n > 0 {
		if err := rw.sw.SetColStyle(1, n, rw.text); err != nil {
			return err
		}
	}
	if err := rw.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return rw.write(append(append([]string{}, header...), extra...), bold)
}

// Write adds a row: the sheet's cells (padded or cut to the header's width)
// and the result cells.
func (rw *ResultWriter) Write(cells []string, extra ...string) error {
	if rw.err != nil {
		return rw.err
	}
	row := make([]string, rw.width, rw.width+len(extra))
	copy(row, cells)
	if rw.err = rw.write(append(row, extra...), rw.text); rw.err != nil {
		return rw.err
	}
	return nil
}

func (rw *ResultWriter) write(cells []string, style int) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = excelize.Cell{StyleID: style, Value: c} // a string is written as text, never a formula
	}
	rw.row++
	cell, err := excelize.CoordinatesToCellName(1, rw.row)
	if err != nil {
		return err
	}
	return rw.sw.SetRow(cell, vals)
}

// Close writes the workbook to the io.Writer and removes the temporary
// files. After a failed Write it only cleans up and returns that error.
func (rw *ResultWriter) Close() error {
	if rw.f == nil {
		return errors.New("sheet: result writer closed")
	}
	defer func() { _ = rw.f.Close(); rw.f = nil }()
	if rw.err != nil {
		return rw.err
	}
	if err := rw.sw.Flush(); err != nil {
		return err
	}
	return rw.f.Write(rw.out)
}

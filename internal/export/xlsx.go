package export

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/crm"
)

// MaxXLSXRows is the most data rows a worksheet holds (Excel's limit, less
// the header row).
const MaxXLSXRows = 1_048_575

type xlsxWriter struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	cols   []Column
	opt    Options
	styles []int // per column: the number format of its cells (0: none)
	row    int
	cells  []any
	closed bool
}

// ErrTooManyRows is returned by the XLSX writer past MaxXLSXRows rows.
var ErrTooManyRows = crm.Errorf(crm.CodeBadUserInput, "an XLSX worksheet holds at most 1,048,575 rows; narrow the filter or export CSV")

// NewXLSX starts an XLSX workbook of one sheet with a bold, frozen header
// row. Rows are kept by excelize's stream writer (in memory up to 16 MiB,
// then in a temporary file); Close writes the workbook to w.
func NewXLSX(w io.Writer, cols []Column, opt Options) (Writer, error) {
	f := excelize.NewFile()
	xw := &xlsxWriter{out: w, f: f, cols: cols, opt: opt, cells: make([]any, len(cols)), styles: make([]int, len(cols))}
	if err := xw.start(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return xw, nil
}

func (xw *xlsxWriter) start() error {
	sheet := "客户"
	if xw.opt.Lang == En {
		sheet = "Customers"
	}
	if err := xw.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	formats := map[Kind]string{Time: xlsxTime, Date: xlsxDate, Money: xlsxMoney, Float: xlsxFloat}
	byKind := map[Kind]int{}
	for k, fmtCode := range formats {
		code := fmtCode
		id, err := xw.f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return err
		}
		byKind[k] = id
	}
	header, err := xw.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return err
	}
	if xw.sw, err = xw.f.NewStreamWriter(sheet); err != nil {
		return err
	}
	for i, c := range xw.cols {
		xw.styles[i] = byKind[c.Kind]
		if err := xw.sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	if err := xw.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	for i, c := range xw.cols {
		xw.cells[i] = excelize.Cell{StyleID: header, Value: c.Header(xw.opt.Lang)}
	}
	xw.row = 1
	return xw.sw.SetRow("A1", xw.cells, excelize.RowOpts{Height: 20})
}

func (xw *xlsxWriter) Write(c *crm.Customer) error {
	vals, err := Row(c, xw.cols, &xw.opt)
	if err != nil {
		return err
	}
	if xw.row > MaxXLSXRows {
		return ErrTooManyRows
	}
	for i, v := range vals {
		xw.cells[i] = xlsxCell(xw.cols[i].Kind, v, xw.styles[i])
	}
	xw.row++
	cell, err := excelize.CoordinatesToCellName(1, xw.row)
	if err != nil {
		return err
	}
	return xw.sw.SetRow(cell, xw.cells)
}

// xlsxCell is v as a typed cell: numbers as numbers, times and dates as
// date serials with a format, text as inline strings (never formulas).
func xlsxCell(k Kind, v Value, style int) any {
	if v.Null {
		return nil
	}
	var val any
	switch k {
	case Int:
		val = v.N
	case Money:
		val = float64(v.N) / 100
	case Float:
		val = v.F
	case Time, Date:
		val = v.T // excelize uses the wall clock of v.T's zone
	default:
		return v.S
	}
	return excelize.Cell{StyleID: style, Value: val}
}

func (xw *xlsxWriter) Flush() error { return nil }

func (xw *xlsxWriter) Close() error {
	if xw.closed {
		return nil
	}
	xw.closed = true
	defer func() { _ = xw.f.Close() }() // removes the temporary files
	if err := xw.sw.Flush(); err != nil {
		return err
	}
	return xw.f.Write(xw.out)
}

func (xw *xlsxWriter) Discard() {
	if !xw.closed {
		xw.closed = true
		_ = xw.f.Close()
	}
}

package importer

import (
	"errors"
	"io"
	"strings"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// Read reads an uploaded worksheet (package sheet: XLSX or CSV, its limits
// in opt) into a Source: the header row and every data row. Errors are
// package sheet's: *crm.Error, BAD_USER_INPUT with a reason, on the field
// "file" (UNSUPPORTED_FORMAT, CORRUPT, TOO_LARGE, TOO_MANY_ROWS, ...).
func Read(r io.ReaderAt, size int64, name string, opt sheet.Options) (*Source, sheet.Info, error) {
	rd, err := sheet.Open(r, size, name, opt)
	if err != nil {
		return nil, sheet.Info{}, err
	}
	defer rd.Close()
	src := &Source{}
	src.HeaderRow, src.Header = rd.Header()
	for {
		row, cells, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, rd.Info(), err
		}
		src.Rows = append(src.Rows, NewSourceRow(row, cells))
	}
	info := rd.Info()
	src.Date1904 = info.Date1904
	return src, info, nil
}

// Detect maps src's columns from its header and its first rows
// (columns.Detect).
func Detect(src *Source) columns.Mapping {
	n := min(len(src.Rows), columns.SampleRows)
	sample := make([][]string, n)
	for i := range n {
		sample[i] = src.Rows[i].Cells()
	}
	return columns.Detect(src.Header, sample)
}

// SourceRow is one data row, numbered as the spreadsheet shows it. Its
// cells are kept packed, one string and where each cell ends: a row held
// for the whole import costs two allocations instead of a string header per
// cell and one allocation per cell (a 100,000-row sheet of 20 columns: 35
// MB less than a []string per row).
type SourceRow struct {
	Row  int
	text string
	ends []uint32
}

// NewSourceRow returns row number row with cells.
func NewSourceRow(row int, cells []string) SourceRow {
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	var b strings.Builder
	b.Grow(n)
	ends := make([]uint32, len(cells))
	for i, c := range cells {
		b.WriteString(c)
		ends[i] = uint32(b.Len())
	}
	return SourceRow{Row: row, text: b.String(), ends: ends}
}

// Len is the number of cells.
func (r SourceRow) Len() int { return len(r.ends) }

// Cell returns cell i (from 0).
func (r SourceRow) Cell(i int) string {
	start := uint32(0)
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.text[start:r.ends[i]]
}

// Cells returns the cells, substrings of the row's text, in a new slice.
func (r SourceRow) Cells() []string {
	out := make([]string, len(r.ends))
	for i := range out {
		out[i] = r.Cell(i)
	}
	return out
}

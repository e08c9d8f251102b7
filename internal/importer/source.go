package importer

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// Read reads an uploaded worksheet (package sheet: XLSX or CSV, its limits
// in opt) into a Source: the header row and every data row. Errors are
// package sheet's: *crm.Error, BAD_USER_INPUT with a reason, on the field
// "file" (UNSUPPORTED_FORMAT, CORRUPT, TOO_LARGE, TOO_MANY_ROWS, ...).
//
// The rows' cells stay in memory up to spillAbove bytes of text; past it
// every row goes to a temporary file in opt.TmpDir, read back as the
// import works each customer out: a 50 MB workbook may unpack to hundreds
// of megabytes of text, which the import holds from the first row to the
// result file. The caller closes the Source (Close) to remove the file.
func Read(r io.ReaderAt, size int64, name string, opt sheet.Options) (*Source, sheet.Info, error) {
	rd, err := sheet.Open(r, size, name, opt)
	if err != nil {
		return nil, sheet.Info{}, err
	}
	defer rd.Close()
	src := &Source{}
	src.HeaderRow, src.Header = rd.Header()
	if err := readRows(rd, src, opt.TmpDir); err != nil {
		src.Close() // the rows' file, if one was made
		return nil, rd.Info(), err
	}
	info := rd.Info()
	src.Date1904 = info.Date1904
	return src, info, nil
}

// readRows reads rd's data rows into src: in memory up to spillAbove bytes
// of cell text, then every row in a file in dir (src.file).
func readRows(rd *sheet.Reader, src *Source, dir string) error {
	var sp *spiller
	text := 0
	for {
		row, cells, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if sp == nil {
			for _, c := range cells {
				text += len(c)
			}
			if text <= spillAbove {
				src.Rows = append(src.Rows, NewSourceRow(row, cells))
				continue
			}
			if sp, err = newSpiller(dir); err != nil {
				return err
			}
			src.file = sp.f
			for i := range src.Rows { // the rows so far go to the file too
				if src.Rows[i], err = sp.write(src.Rows[i].Row, src.Rows[i].cells()); err != nil {
					return err
				}
			}
		}
		sr, err := sp.write(row, cells)
		if err != nil {
			return err
		}
		src.Rows = append(src.Rows, sr)
	}
	if sp != nil {
		if err := sp.w.Flush(); err != nil {
			return fmt.Errorf("importer: write the rows: %w", err)
		}
	}
	return nil
}

// spillAbove is how many bytes of cell text Read keeps in memory before it
// moves the rows to a file (tests lower it).
var spillAbove = 8 << 20

// spiller writes rows to a Source's file: per row, the number of cells,
// then each cell's length and bytes (uvarints).
type spiller struct {
	f   *os.File
	w   *bufio.Writer
	off int64
	buf []byte
}

func newSpiller(dir string) (*spiller, error) {
	f, err := os.CreateTemp(dir, "kehu-import-*.rows")
	if err != nil {
		return nil, fmt.Errorf("importer: a file for the rows: %w", err)
	}
	return &spiller{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (sp *spiller) write(row int, cells []string) (SourceRow, error) {
	b := binary.AppendUvarint(sp.buf[:0], uint64(len(cells)))
	for _, c := range cells {
		b = binary.AppendUvarint(b, uint64(len(c)))
		b = append(b, c...)
	}
	sp.buf = b
	if _, err := sp.w.Write(b); err != nil {
		return SourceRow{}, fmt.Errorf("importer: write the rows: %w", err)
	}
	sr := SourceRow{Row: row, file: sp.f, off: sp.off, size: int32(len(b))}
	sp.off += int64(len(b))
	return sr, nil
}

// Close removes the file of the rows' cells, if Read made one; the rows
// cannot be read after.
func (s *Source) Close() error {
	if s.file == nil {
		return nil
	}
	s.file.Close()
	err := os.Remove(s.file.Name())
	s.file = nil
	return err
}

// Detect maps src's columns from its header and its first rows
// (columns.Detect).
func Detect(src *Source) columns.Mapping {
	n := min(len(src.Rows), columns.SampleRows)
	sample := make([][]string, 0, n)
	for i := range n {
		cells, err := src.Rows[i].Cells()
		if err != nil { // the file Read wrote is unreadable: no sample of the row
			continue
		}
		sample = append(sample, cells)
	}
	return columns.Detect(src.Header, sample)
}

// SourceRow is one data row, numbered as the spreadsheet shows it. Its
// cells are kept packed, one string and where each cell ends (a row held
// for the whole import costs two allocations instead of a string header
// and an allocation per cell), or, for a large file, in the Source's file
// (Read), read back when asked for.
type SourceRow struct {
	Row  int
	text string
	ends []uint32
	// In the file: size bytes at off.
	file *os.File
	off  int64
	size int32
}

// NewSourceRow returns row number row with cells, in memory.
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

// Cells returns the cells in a new slice. The error is the file's, for a
// row Read wrote to one.
func (r SourceRow) Cells() ([]string, error) {
	if r.file == nil {
		return r.cells(), nil
	}
	b := make([]byte, r.size)
	if _, err := r.file.ReadAt(b, r.off); err != nil {
		return nil, fmt.Errorf("importer: read row %d back: %w", r.Row, err)
	}
	text := string(b) // the cells are substrings of one string
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, fmt.Errorf("importer: row %d read back is damaged", r.Row)
	}
	out := make([]string, n)
	at := k
	for i := range out {
		l, k := binary.Uvarint(b[at:])
		if k <= 0 || uint64(len(b)-at-k) < l {
			return nil, fmt.Errorf("importer: row %d read back is damaged", r.Row)
		}
		at += k
		out[i] = text[at : at+int(l)]
		at += int(l)
	}
	return out, nil
}

// cells returns the cells of a row in memory.
func (r SourceRow) cells() []string {
	out := make([]string, len(r.ends))
	start := uint32(0)
	for i, end := range r.ends {
		out[i] = r.text[start:end]
		start = end
	}
	return out
}

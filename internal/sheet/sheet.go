package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Defaults of Options.
const (
	DefaultMaxBytes = 50 << 20
	DefaultMaxRows  = 100_000
	// HeaderScanRows is how many non-blank rows at the top are searched for
	// the header row.
	HeaderScanRows = 10
	// MaxColumns is Excel's widest row; a CSV row wider than it is refused.
	MaxColumns = 16384
)

// Options limit what Open accepts; zero values take the defaults.
type Options struct {
	MaxBytes int64  // size of the uploaded file; DefaultMaxBytes
	MaxRows  int    // data rows, blank rows not counted; DefaultMaxRows
	Sheet    string // XLSX: read this sheet (visible, any letter case); "" chooses (see Open)
	TmpDir   string // XLSX: where parts too large for memory are unpacked; "" is os.TempDir()
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	return o
}

// Format is the kind of file read.
type Format string

const (
	XLSX Format = "XLSX"
	CSV  Format = "CSV" // also tab-separated text; Info.Delimiter says which
)

// Encoding is the character encoding of a CSV file, as detected.
type Encoding string

const (
	UTF8    Encoding = "UTF-8"
	UTF8BOM Encoding = "UTF-8 BOM"
	GB18030 Encoding = "GB18030" // also reads GBK and GB2312, its subsets
	UTF16LE Encoding = "UTF-16LE"
	UTF16BE Encoding = "UTF-16BE"
)

// Info describes what Open found, for the dry run to show.
type Info struct {
	Format    Format
	Encoding  Encoding // CSV only
	Delimiter rune     // CSV only: ',' or '\t'
	Sheet     string   // XLSX only: the sheet read
	Sheets    []string // XLSX only: the visible sheets, in workbook order
	// Date1904: the workbook counts serial dates from 1904 (old Mac
	// Excel). Cells formatted as dates come as dates either way; a serial
	// typed in a cell without a date format needs it (cells.DateOptions).
	Date1904 bool
}

// source yields the rows of a file in order with their spreadsheet row
// numbers, blank rows included or not; io.EOF after the last.
type source interface {
	next() (row int, cells []string, err error)
	close() error
}

// Reader reads the rows of one file. It is not safe for concurrent use.
type Reader struct {
	src       source
	info      Info
	maxRows   int
	headerRow int
	header    []string
	pending   []rowCells // rows read while looking for the header
	data      int        // data rows returned
	err       error      // sticky: the error Next returned
}

type rowCells struct {
	row   int
	cells []string
}

// Open reads a worksheet file of size bytes from r: an XLSX workbook or a
// CSV (or tab-separated) text file, told apart by their content, not by name;
// name's extension only picks the tab for .tsv and words the messages.
// It reads as far as the header row. Errors are *crm.Error with code
// BAD_USER_INPUT and one of the Reason... constants; any other error is r's.
// Close the Reader when done (it removes temporary files).
func Open(r io.ReaderAt, size int64, name string, opt Options) (*Reader, error) {
	opt = opt.withDefaults()
	if size > opt.MaxBytes {
		return nil, tooLarge(opt.MaxBytes)
	}
	if size <= 0 {
		return nil, empty()
	}
	head := make([]byte, min(size, sniffLen))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("sheet: reading the upload: %w", err)
	}
	var (
		src  source
		info Info
		err  error
	)
	switch kind := sniff(head); kind {
	case kindZip:
		src, info, err = openXLSX(r, size, opt)
	case kindCFB:
		err = cfbError(r, size, name)
	case kindText:
		src, info, err = openCSV(r, size, name, head)
	default:
		err = kindError(kind)
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{src: src, info: info, maxRows: opt.MaxRows}
	if err := rd.findHeader(); err != nil {
		_ = src.close()
		return nil, err
	}
	return rd, nil
}

// Info says what was read: format, encoding, sheet.
func (rd *Reader) Info() Info { return rd.info }

// Header returns the header row's spreadsheet row number and its cells,
// without the blank cells at its end.
func (rd *Reader) Header() (row int, cells []string) { return rd.headerRow, rd.header }

// Next returns the next data row: its row number as the spreadsheet shows it
// and its cells, at least as many as the header's (padded with ""), more
// when the row has values in columns beyond the header's last name. Blank
// rows are skipped (their numbers are not reused). At the end it returns
// io.EOF; past MaxRows data rows, TOO_MANY_ROWS. An error is returned again
// by every later call.
func (rd *Reader) Next() (row int, cells []string, err error) {
	if rd.err != nil {
		return 0, nil, rd.err
	}
	var rc rowCells
	if len(rd.pending) > 0 {
		rc, rd.pending = rd.pending[0], rd.pending[1:]
	} else if rc, err = rd.nextNonBlank(); err != nil {
		rd.err = err
		return 0, nil, err
	}
	if rd.data++; rd.data > rd.maxRows {
		rd.err = tooManyRows(rd.maxRows, rc.row)
		return 0, nil, rd.err
	}
	for len(rc.cells) < len(rd.header) {
		rc.cells = append(rc.cells, "")
	}
	return rc.row, rc.cells, nil
}

// Close releases the file's resources.
func (rd *Reader) Close() error {
	if rd.src == nil {
		return nil
	}
	err := rd.src.close()
	rd.src = nil
	if rd.err == nil {
		rd.err = errors.New("sheet: reader closed")
	}
	return err
}

// nextNonBlank returns the next row with a non-blank cell, its blank cells at
// the end cut.
func (rd *Reader) nextNonBlank() (rowCells, error) {
	for {
		row, cells, err := rd.src.next()
		if err != nil {
			return rowCells{}, err
		}
		if len(cells) > MaxColumns {
			return rowCells{}, tooManyColumns(MaxColumns)
		}
		if cells = trimRight(cells); len(cells) > 0 {
			return rowCells{row, cells}, nil
		}
	}
}

// findHeader reads up to HeaderScanRows non-blank rows and takes as header
// the first with at least two non-blank cells and at least half as many as
// the fullest of them: title rows above it ("客户信息管理表", a merged cell)
// and subtitle rows ("制表人：张三  日期：…") are passed over, a data row with
// a few more values than the header is not taken for it.
func (rd *Reader) findHeader() error {
	var top []rowCells
	most := 0
	for len(top) < HeaderScanRows {
		rc, err := rd.nextNonBlank()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		top = append(top, rc)
		most = max(most, nonBlank(rc.cells))
	}
	if len(top) == 0 {
		return empty()
	}
	for i, rc := range top {
		if n := nonBlank(rc.cells); n >= 2 && 2*n >= most {
			rd.headerRow, rd.header, rd.pending = rc.row, rc.cells, top[i+1:]
			return nil
		}
	}
	return noHeader(HeaderScanRows)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func nonBlank(cells []string) int {
	n := 0
	for _, c := range cells {
		if !blank(c) {
			n++
		}
	}
	return n
}

func trimRight(cells []string) []string {
	n := len(cells)
	for n > 0 && blank(cells[n-1]) {
		n--
	}
	return cells[:n]
}

package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits on what a workbook unpacks to, derived from Options.MaxBytes. A
// worksheet or shared-strings part over xmlPartLimit is unpacked by excelize
// to a temporary file and read from there; every other part is held in
// memory, so their total is bounded tighter than the whole.
const (
	xmlPartLimit  = 16 << 20 // excelize's default UnzipXMLSizeLimit
	unzipFactor   = 10       // all parts: 10 × MaxBytes (500 MB by default)
	maxZipDirRead = 4 << 20  // central directory: some 50,000 entries
)

type xlsxLimits struct {
	total  int64 // all parts, unpacked
	memory int64 // parts held in memory
	sst    int64 // the shared strings: excelize indexes each string in memory
	xml    int64 // excelize's UnzipXMLSizeLimit
}

func limitsFor(o Options) xlsxLimits {
	return xlsxLimits{
		total:  unzipFactor * o.MaxBytes,
		memory: o.MaxBytes + xmlPartLimit,
		sst:    o.MaxBytes,
		xml:    min(xmlPartLimit, unzipFactor*o.MaxBytes),
	}
}

// Main content types of the packages a zip may hold.
const (
	ctWorkbook      = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	ctTemplate      = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
	ctMacro         = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
	ctMacroTemplate = "application/vnd.ms-excel.template.macroEnabled.main+xml"
	ctAddIn         = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
	ctBinary        = "application/vnd.ms-excel.sheet.binary.macroEnabled.main+xml"
)

func openXLSX(r io.ReaderAt, size int64, o Options) (src source, info Info, err error) {
	lim := limitsFor(o)
	if err := checkZip(r, size, lim); err != nil {
		return nil, info, err
	}
	var f *excelize.File
	defer func() {
		if err != nil && f != nil {
			_ = f.Close()
		}
	}()
	err = guard(func() error {
		var oerr error
		// excelize has no ReaderAt entry point: OpenReader reads the file
		// (at most MaxBytes) into memory, unpacks it and lets it go.
		f, oerr = excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
			UnzipSizeLimit: lim.total, UnzipXMLSizeLimit: lim.xml, TmpDir: o.TmpDir,
		}) // no ShortDatePattern: it reaches formats 14 and 22 only (numfmt.go)
		return oerr
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), "unzip size exceeds") {
			return nil, info, tooLargeUnzipped(err)
		}
		return nil, info, corrupt(err)
	}
	info.Format = XLSX
	if err = guard(func() error { return normalizeFormats(f) }); err != nil {
		return nil, info, corrupt(err)
	}
	date1904 := f.WorkBook != nil && f.WorkBook.WorkbookPr != nil && f.WorkBook.WorkbookPr.Date1904
	info.Date1904 = date1904
	if f.WorkBook != nil {
		for _, s := range f.WorkBook.Sheets.Sheet {
			if s.State == "" || s.State == "visible" {
				info.Sheets = append(info.Sheets, s.Name)
			}
		}
	}
	candidates := info.Sheets
	if o.Sheet != "" {
		candidates = nil
		for _, s := range info.Sheets {
			if strings.EqualFold(s, o.Sheet) {
				candidates = []string{s}
			}
		}
		if candidates == nil {
			return nil, info, sheetNotFound(o.Sheet)
		}
	}
	// The first visible sheet with a non-blank cell: a chart sheet or an
	// empty first sheet is passed over.
	for _, name := range candidates {
		xs := &xlsxSource{f: f, date1904: date1904}
		if err = guard(func() (e error) { xs.rows, e = f.Rows(name); return e }); err != nil {
			return nil, info, corrupt(err)
		}
		for {
			row, cells, nerr := xs.next()
			if errors.Is(nerr, io.EOF) {
				break
			}
			if nerr != nil {
				_ = xs.rows.Close()
				return nil, info, nerr
			}
			if len(trimRight(cells)) > 0 {
				xs.peeked = &rowCells{row, cells}
				info.Sheet = name
				return xs, info, nil
			}
		}
		_ = xs.rows.Close()
	}
	return nil, info, empty()
}

// checkZip looks at the zip before excelize does: that it is a workbook
// (not a macro workbook, an .xlsb, an OpenDocument or another zip), not
// encrypted, within the limits (by the sizes its directory declares, which
// archive/zip holds each part to), and intact: every part is unpacked once
// and its checksum checked, because excelize reads a damaged part as a short
// one and would import part of a sheet without a word.
func checkZip(r io.ReaderAt, size int64, lim xlsxLimits) error {
	br := &budgetReader{r: r, left: maxZipDirRead + 128<<10}
	zr, err := zip.NewReader(br, size)
	if errors.Is(err, errBudget) {
		return tooLargeUnzipped(errors.New("zip directory over the limit"))
	}
	if err != nil {
		return corrupt(err)
	}
	br.left = -1
	var total, memory int64
	var contentTypes, mimetype *zip.File
	hasWorkbook := false
	for _, zf := range zr.File {
		if zf.Flags&0x1 != 0 {
			return encrypted()
		}
		n := int64(zf.UncompressedSize64)
		if zf.UncompressedSize64 > uint64(lim.total) || total+n > lim.total {
			return tooLargeUnzipped(fmt.Errorf("part %s: %d bytes", zf.Name, zf.UncompressedSize64))
		}
		total += n
		name := strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))
		switch {
		case name == "xl/sharedstrings.xml":
			if n > lim.sst {
				return tooLargeUnzipped(fmt.Errorf("shared strings: %d bytes", n))
			}
			if n > lim.xml {
				continue // unpacked to a temporary file
			}
		case strings.HasPrefix(name, "xl/worksheets/sheet") && n > lim.xml:
			continue // unpacked to a temporary file
		case name == "[content_types].xml":
			contentTypes = zf
		case name == "mimetype":
			mimetype = zf
		case name == "xl/workbook.xml":
			hasWorkbook = true
		}
		if memory += n; memory > lim.memory {
			return tooLargeUnzipped(fmt.Errorf("parts held in memory: over %d bytes", lim.memory))
		}
	}
	if err := packageType(contentTypes, mimetype, hasWorkbook); err != nil {
		return err
	}
	for _, zf := range zr.File {
		if err := verify(zf); err != nil {
			return corrupt(fmt.Errorf("part %s: %w", zf.Name, err))
		}
	}
	return nil
}

// packageType refuses a zip that is not an XLSX workbook (or template).
func packageType(contentTypes, mimetype *zip.File, hasWorkbook bool) error {
	if contentTypes == nil {
		if mimetype != nil {
			if b, err := readPart(mimetype, 256); err == nil && strings.Contains(string(b), "opendocument.spreadsheet") {
				return unsupported("an OpenDocument spreadsheet (.ods)", "这是 OpenDocument 表格（.ods）", nil)
			}
		}
		if hasWorkbook {
			return nil // no content types, but laid out as a workbook: let excelize try
		}
		return unsupported("a zip archive, not a workbook", "这是压缩包，不是工作簿", nil)
	}
	b, err := readPart(contentTypes, 1<<20)
	if err != nil {
		return corrupt(err)
	}
	var types struct {
		Overrides []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(b, &types); err != nil {
		return corrupt(err)
	}
	for _, o := range types.Overrides {
		switch o.ContentType {
		case ctWorkbook, ctTemplate:
			return nil
		case ctMacro, ctMacroTemplate, ctAddIn:
			return unsupported("a macro-enabled workbook (.xlsm)", "这是启用宏的工作簿（.xlsm）", nil)
		case ctBinary:
			return unsupported("a binary workbook (.xlsb)", "这是二进制工作簿（.xlsb）", nil)
		}
	}
	return unsupported("an Office file that is not a workbook (a document or a presentation?)",
		"这是 Office 文件，但不是工作簿（文档或演示文稿？）", nil)
}

func readPart(zf *zip.File, max int64) ([]byte, error) {
	if zf.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%s: %d bytes", zf.Name, zf.UncompressedSize64)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, max))
}

// verify unpacks a part; archive/zip checks its size and checksum at the end.
func verify(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

var errBudget = errors.New("read budget exceeded")

// budgetReader fails reads beyond a budget (left < 0: none). archive/zip
// reads the whole central directory into a slice of *File before one can
// count them: the budget bounds that.
type budgetReader struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			return 0, errBudget
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}

// guard runs an excelize call, turning a panic into an error.
func guard(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return fn()
}

type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	date1904 bool
	row      int
	peeked   *rowCells
}

// next returns the next row of the sheet, blank or not: excelize's
// iterator yields one row per row number, numbers without a row element
// included.
func (s *xlsxSource) next() (row int, cells []string, err error) {
	if p := s.peeked; p != nil {
		s.peeked = nil
		return p.row, p.cells, nil
	}
	err = guard(func() error {
		if !s.rows.Next() {
			if rerr := s.rows.Error(); rerr != nil {
				return rerr
			}
			return io.EOF
		}
		s.row++
		var cerr error
		cells, cerr = s.rows.Columns()
		return cerr
	})
	if errors.Is(err, io.EOF) {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, corrupt(err)
	}
	for i, c := range cells {
		cells[i] = plainNumber(dateText(c, s.date1904))
	}
	return s.row, cells, nil
}

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// plainNumber writes out a number excelize gives in exponent form (it does
// for a stored value past 15 significant digits: 1.23456789012346E+17) in
// positional notation, as Excel's cell shows it. Exponents that excelize's
// 'G' formatting would not produce (under 15, over -5) are left alone, so a
// text cell such as "1E+05" stays as typed.
func plainNumber(s string) string {
	i := strings.IndexAny(s, "Ee")
	if i <= 0 || i+2 >= len(s) || (s[i+1] != '+' && s[i+1] != '-') {
		return s
	}
	exp, err := strconv.Atoi(s[i+1:])
	if err != nil || (exp < 15 && exp > -5) {
		return s
	}
	for j, c := range s[:i] {
		if !(c >= '0' && c <= '9' || c == '.' || (j == 0 && c == '-')) {
			return s
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

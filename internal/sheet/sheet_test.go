package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The template's shape: a merged title row, a blank row, the header on row
// 3, data with a blank row between; every kind of cell a worksheet holds.
func TestXLSXCells(t *testing.T) {
	day := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2023, 10, 20, 9, 5, 7, 0, time.UTC)
	data := book(t, func(f *excelize.File) {
		style := func(s *excelize.Style) int {
			id, err := f.NewStyle(s)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		custom := func(code string) int { return style(&excelize.Style{CustomNumFmt: &code}) }
		set := func(cell string, v any, styleID int) {
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
			if styleID != 0 {
				if err := f.SetCellStyle("Sheet1", cell, cell, styleID); err != nil {
					t.Fatal(err)
				}
			}
		}
		set("A1", "客户信息管理表", 0)
		if err := f.MergeCell("Sheet1", "A1", "P1"); err != nil {
			t.Fatal(err)
		}
		header := []string{"短日期", "年月日", "月/日/年", "日期时间", "带秒", "信用代码", "手机", "手机(加粗)",
			"金额", "人民币", "满意度", "邮编", "万元", "长数字", "是否", "备注"}
		for i, h := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, 3)
			set(cell, h, 0)
		}
		bold := style(&excelize.Style{Font: &excelize.Font{Bold: true}}) // General, but a style
		set("A4", day, style(&excelize.Style{NumFmt: 14}))
		set("B4", at, custom(`yyyy"年"m"月"d"日"`))
		set("C4", at, custom("m/d/yyyy"))
		set("D4", day.Add(90*time.Minute), style(&excelize.Style{NumFmt: 22}))
		set("E4", at, custom("yyyy/mm/dd hh:mm:ss"))
		set("F4", "91350100M000100Y43", 0)
		set("G4", 13912345678, 0)
		set("H4", 13912345678, bold)
		set("I4", 680000.5, style(&excelize.Style{NumFmt: 4})) // #,##0.00
		set("J4", 1000, custom(`"¥"#,##0.00`))
		set("K4", 0.85, style(&excelize.Style{NumFmt: 9})) // 0%
		set("L4", 350001, custom("000000"))
		set("M4", 68, custom(`0"万元"`))
		set("N4", int64(123456789012345678), bold)
		set("O4", true, 0)
		set("P4", "  首次拜访\n需求：CRM  ", 0)
		set("A5", "2023/10/20", style(&excelize.Style{NumFmt: 14})) // text in a date cell stays
		set("F5", "'0012", 0)
		set("G7", 1.5e-7, 0)
		set("B7", 45219.5, custom("[$-F800]dddd, mmmm dd, yyyy"))
		set("C7", 0.5, custom("[h]:mm:ss"))
	})
	info, h, got, err := readAll(t, data, "客户.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != XLSX || info.Sheet != "Sheet1" || !reflect.DeepEqual(info.Sheets, []string{"Sheet1"}) {
		t.Errorf("info %+v", info)
	}
	if h.n != 3 || len(h.cells) != 16 || h.cells[0] != "短日期" || h.cells[15] != "备注" {
		t.Errorf("header %d %q", h.n, h.cells)
	}
	want := []row{
		{4, []string{"2023-03-01", "2023-10-20", "2023-10-20", "2023-03-01 01:30", "2023-10-20 09:05:07",
			"91350100M000100Y43", "13912345678", "13912345678", "680000.5", "1000", "85%", "350001", "68万元",
			"123456789012346000", "TRUE", "  首次拜访\n需求：CRM  "}},
		{5, []string{"2023/10/20", "", "", "", "", "'0012", "", "", "", "", "", "", "", "", "", ""}},
		{7, []string{"", "2023-10-20", "12:00:00", "", "", "", "0.00000015", "", "", "", "", "", "", "", "", ""}},
	}
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("row %d:\n got %q\nwant %q", i, rowAt(got, i), rowAt(want, i))
			}
		}
	}
}

func rowAt(rows []row, i int) any {
	if i < len(rows) {
		return rows[i]
	}
	return nil
}

func TestXLSXSheetChoice(t *testing.T) {
	data := book(t, func(f *excelize.File) {
		f.NewSheet("说明")
		f.NewSheet("客户")
		f.NewSheet("隐藏")
		f.SetSheetRow("说明", "A1", &[]any{})
		f.SetSheetRow("客户", "A2", &[]any{"客户名称", "联系人"})
		f.SetSheetRow("客户", "A3", &[]any{"华为", "张三"})
		f.SetSheetRow("隐藏", "A1", &[]any{"x", "y"})
		f.SetSheetRow("Sheet1", "A1", &[]any{"a", "b"})
		idx, _ := f.GetSheetIndex("客户")
		f.SetActiveSheet(idx)
		f.SetSheetVisible("隐藏", false)
		if err := f.SetSheetVisible("Sheet1", false); err != nil {
			t.Fatal(err)
		}
	})
	info, h, got, err := readAll(t, data, "x.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Sheet != "客户" || !reflect.DeepEqual(info.Sheets, []string{"说明", "客户"}) || h.n != 2 ||
		!reflect.DeepEqual(got, []row{{3, []string{"华为", "张三"}}}) {
		t.Errorf("info %+v header %v rows %v", info, h, got)
	}
	for _, tc := range []struct{ sheet, reason string }{{"说明", ReasonEmpty}, {"隐藏", ReasonSheetNotFound}, {"nope", ReasonSheetNotFound}} {
		if _, err := open(data, "x.xlsx", Options{Sheet: tc.sheet}); reasonOf(err) != tc.reason {
			t.Errorf("sheet %s: %v, want %s", tc.sheet, err, tc.reason)
		}
	}
	if info, _, _, err := readAll(t, data, "x.xlsx", Options{Sheet: "客户"}); err != nil || info.Sheet != "客户" {
		t.Errorf("named sheet: %v %v", info, err)
	}
}

func TestHeaderAndRows(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		header    row
		rows      []row
		reason    string
	}{
		{name: "plain", csv: "客户名称,联系人\n华为,张三\n",
			header: row{1, []string{"客户名称", "联系人"}}, rows: []row{{2, []string{"华为", "张三"}}}},
		{name: "title rows above", csv: "客户信息管理表,,\n\n客户名称,联系人,手机\n华为,张三,13912345678\n",
			header: row{3, []string{"客户名称", "联系人", "手机"}}, rows: []row{{4, []string{"华为", "张三", "13912345678"}}}},
		{name: "subtitle with two cells", csv: "客户信息管理表\n制表人：李四,日期：2023-10-20\n客户名称,联系人,手机,邮箱,行业\n华为,张三\n",
			header: row{3, []string{"客户名称", "联系人", "手机", "邮箱", "行业"}}, rows: []row{{4, []string{"华为", "张三", "", "", ""}}}},
		{name: "trailing blank columns and rows", csv: "a,b,,\n1,2,, \n\n,,\n",
			header: row{1, []string{"a", "b"}}, rows: []row{{2, []string{"1", "2"}}}},
		{name: "ragged", csv: "a,b,c\n1\n1,2,3,4\n",
			header: row{1, []string{"a", "b", "c"}}, rows: []row{{2, []string{"1", "", ""}}, {3, []string{"1", "2", "3", "4"}}}},
		{name: "quoted line breaks are one row", csv: "a,b\n\"x\r\ny\",\"say \"\"hi\"\"\"\n3,4\n",
			header: row{1, []string{"a", "b"}}, rows: []row{{2, []string{"x\ny", `say "hi"`}}, {3, []string{"3", "4"}}}},
		{name: "blank lines count", csv: "\n\na,b\n\n\n1,2\n  ,\n3,4",
			header: row{3, []string{"a", "b"}}, rows: []row{{6, []string{"1", "2"}}, {8, []string{"3", "4"}}}},
		{name: "stray quote", csv: "a,b\n5\"寸,x\n",
			header: row{1, []string{"a", "b"}}, rows: []row{{2, []string{`5"寸`, "x"}}}},
		{name: "no header", csv: "客户信息管理表\n华为\n腾讯\n", reason: ReasonNoHeader},
		{name: "header too far down", csv: strings.Repeat("x\n", HeaderScanRows) + "a,b\n", reason: ReasonNoHeader},
		{name: "only blanks", csv: "\n , \n\t\n", reason: ReasonEmpty},
		{name: "too wide", csv: "a,b\n" + strings.Repeat(",", MaxColumns) + "x\n", reason: ReasonTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, h, got, err := readAll(t, []byte(tc.csv), "a.csv", Options{})
			if reasonOf(err) != tc.reason || (tc.reason == "" && err != nil) {
				t.Fatalf("error %v, want reason %q", err, tc.reason)
			}
			if tc.reason != "" {
				return
			}
			if !reflect.DeepEqual(h, tc.header) || !reflect.DeepEqual(got, tc.rows) {
				t.Errorf("header %v rows %v\nwant %v %v", h, got, tc.header, tc.rows)
			}
		})
	}
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVEncodings(t *testing.T) {
	const text = "客户名称,联系人,备注\n华为技术有限公司,张三,\"68万，A类\"\n"
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	asciiThenChinese := strings.Repeat("abc,def\n", 40_000) + "深圳,李四\n" // past the first chunk
	for _, tc := range []struct {
		name, file string
		data       []byte
		enc        Encoding
		delim      rune
		want       string // the last row, joined by |
	}{
		{"UTF-8", "a.csv", []byte(text), UTF8, ',', "华为技术有限公司|张三|68万，A类"},
		{"UTF-8 BOM", "a.csv", append([]byte("\xEF\xBB\xBF"), text...), UTF8BOM, ',', "华为技术有限公司|张三|68万，A类"},
		{"GB18030", "a.csv", encode(t, simplifiedchinese.GB18030, text+"𠀋,㐀\n"), GB18030, ',', "𠀋|㐀|"},
		{"GBK", "a.csv", encode(t, simplifiedchinese.GBK, text), GB18030, ',', "华为技术有限公司|张三|68万，A类"},
		{"GB18030 after a long ASCII start", "a.csv", encode(t, simplifiedchinese.GB18030, asciiThenChinese), GB18030, ',', "深圳|李四"},
		{"UTF-16 tab separated", "a.txt", encode(t, utf16le, strings.ReplaceAll(text, ",", "\t")), UTF16LE, '\t', "华为技术有限公司|张三|68万，A类"},
		{"tsv by name", "a.tsv", []byte("a\tb,c\n1\t2,3\n"), UTF8, '\t', "1|2,3"},
		{"tabs counted", "a.csv", []byte("a\tb\tc\n1,5\t2\t3\n"), UTF8, '\t', "1,5|2|3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, _, got, err := readAll(t, tc.data, tc.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != CSV || info.Encoding != tc.enc || info.Delimiter != tc.delim {
				t.Errorf("info %+v, want %s %q", info, tc.enc, tc.delim)
			}
			if last := strings.Join(got[len(got)-1].cells, "|"); last != tc.want {
				t.Errorf("last row %q, want %q", last, tc.want)
			}
		})
	}
}

func TestValidUTF8AcrossChunks(t *testing.T) {
	s := strings.Repeat("中", 200_000) // 600 KB: runes cut at every chunk boundary
	for _, tc := range []struct {
		data []byte
		ok   bool
	}{
		{[]byte(s), true},
		{[]byte(s + "\xE4\xB8"), false}, // cut rune at the end
		{[]byte(s[:300_000] + "\xFF" + s[300_000:]), false},
		{[]byte("a"), true},
	} {
		if ok, err := validUTF8(bytes.NewReader(tc.data)); err != nil || ok != tc.ok {
			t.Errorf("len %d: %v %v, want %v", len(tc.data), ok, err, tc.ok)
		}
	}
}

func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 12 {
		if i == 5 {
			b.WriteString(",\n") // blank: not a data row
		}
		fmt.Fprintf(&b, "%d,x\n", i)
	}
	rd, err := open([]byte(b.String()), "a.csv", Options{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n := 0
	for {
		_, _, err = rd.Next()
		if err != nil {
			break
		}
		n++
	}
	var e *crm.Error
	if n != 10 || !errors.As(err, &e) || e.Reason != ReasonTooManyRows || e.Fields[0].Params["row"] != 13 {
		t.Fatalf("after %d rows: %#v", n, err)
	}
	if _, _, again := rd.Next(); again != err {
		t.Errorf("next after the error: %v", again)
	}
}

// cfb is a compound file's start and then its directory's names.
func cfb(names ...string) []byte {
	b := append([]byte{}, cfbMagic...)
	b = append(b, make([]byte, 1024)...)
	for _, n := range names {
		b = append(b, utf16le(n)...)
		b = append(b, make([]byte, 128-2*len(n))...)
	}
	return b
}

func TestRefused(t *testing.T) {
	small := book(t, rows([]any{"客户名称", "联系人"}, []any{"华为", "张三"}))
	withStrings := book(t, rows([]any{"客户名称", "联系人"}, []any{"华为", "张三"}))
	var encrypted bytes.Buffer
	{
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"a", "b"})
		if err := f.Write(&encrypted, excelize.Options{Password: "kehu"}); err != nil {
			t.Fatal(err)
		}
	}
	var macro bytes.Buffer
	{
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"a", "b"})
		f.Path = "book.xlsm" // excelize writes the macro-enabled content type
		if err := f.Write(&macro); err != nil {
			t.Fatal(err)
		}
	}
	contentTypes := func(main string) string {
		return `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/main.xml" ContentType="` + main + `"/></Types>`
	}
	damaged := append([]byte{}, small...)
	for i := len(damaged) / 3; i < len(damaged)/3+40; i++ { // inside a compressed part
		damaged[i] ^= 0x55
	}
	// Parts stored, not compressed: a changed byte passes the inflater and
	// only the checksum tells.
	badChecksum := stored(t, small)
	i := bytes.Index(badChecksum, []byte("<sheetData>"))
	badChecksum[i+1] = 'S'
	sst := func(size int) []byte {
		var b bytes.Buffer
		b.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`)
		b.Write(bytes.Repeat([]byte("客"), size/3))
		b.WriteString(`</t></si></sst>`)
		return b.Bytes()
	}
	manyParts := func() []byte {
		var buf bytes.Buffer
		zw := newZipWriter(&buf)
		zw.add("[Content_Types].xml", []byte(contentTypes(ctWorkbook)))
		for i := range 80_000 {
			zw.add(fmt.Sprintf("xl/media/i%d", i), nil)
		}
		return zw.close(t)
	}
	const mib = 1 << 20
	causes := map[string]string{ // in the cause
		"damaged part":                   "flate",
		"checksum mismatch":              "checksum",
		"shared strings over the limit":  "shared strings",
		"parts in memory over the limit": "in memory",
		"unpacked total over the limit":  "sheet2.xml",
		"a zip directory too large":      "directory",
	}
	for _, tc := range []struct {
		name   string
		file   string
		data   []byte
		opt    Options
		reason string
		says   string // in the message
	}{
		{"empty file", "a.xlsx", nil, Options{}, ReasonEmpty, "no data"},
		{"over the size limit", "a.csv", []byte("a,b\n1,2\n"), Options{MaxBytes: 5}, ReasonTooLarge, "5 bytes"},
		{"legacy xls", "客户.xls", cfb("Root Entry", "Workbook"), Options{}, ReasonUnsupportedFormat, ".xls"},
		{"WPS et", "客户.et", cfb("Root Entry", "WpsContent"), Options{}, ReasonUnsupportedFormat, "WPS"},
		{"a bare compound file header", "x.xlsx", cfbMagic, Options{}, ReasonUnsupportedFormat, "另存为 .xlsx"},
		{"encrypted-looking compound file", "a.xlsx", cfb("Root Entry", "EncryptionInfo", "EncryptedPackage"), Options{}, ReasonEncrypted, "password"},
		{"workbook encrypted by excelize", "a.xlsx", encrypted.Bytes(), Options{}, ReasonEncrypted, "密码"},
		{"macro workbook", "a.xlsx", macro.Bytes(), Options{}, ReasonUnsupportedFormat, ".xlsm"},
		{"binary workbook", "a.xlsb", zipOf(t, map[string]string{"[Content_Types].xml": contentTypes(ctBinary)}), Options{}, ReasonUnsupportedFormat, ".xlsb"},
		{"word document", "a.docx", zipOf(t, map[string]string{"[Content_Types].xml": contentTypes("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")}), Options{}, ReasonUnsupportedFormat, "not a workbook"},
		{"zip of text", "a.zip", zipOf(t, map[string]string{"a.csv": "a,b\n"}), Options{}, ReasonUnsupportedFormat, "zip"},
		{"OpenDocument", "a.ods", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), Options{}, ReasonUnsupportedFormat, ".ods"},
		{"web page as xls", "a.xls", []byte("\r\n<html><table><tr><td>客户</td></tr></table></html>"), Options{}, ReasonUnsupportedFormat, "web page"},
		{"Excel 2003 XML", "a.xls", []byte(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>`), Options{}, ReasonUnsupportedFormat, "XML"},
		{"PDF", "a.pdf", []byte("%PDF-1.7\n..."), Options{}, ReasonUnsupportedFormat, "PDF"},
		{"image", "a.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Options{}, ReasonUnsupportedFormat, "not a worksheet"},
		{"truncated workbook", "a.xlsx", small[:len(small)/2], Options{}, ReasonCorrupt, "incomplete"},
		{"damaged part", "a.xlsx", damaged, Options{}, ReasonCorrupt, "损坏"},
		{"checksum mismatch", "a.xlsx", badChecksum, Options{}, ReasonCorrupt, "damaged"},
		{"XML that is not XML", "a.xlsx", rezip(t, small, map[string][]byte{"xl/workbook.xml": []byte("<workbook><sheets>")}), Options{}, ReasonCorrupt, "damaged"},
		{"shared strings over the limit", "a.xlsx", rezip(t, withStrings, map[string][]byte{"xl/sharedStrings.xml": sst(3 * mib)}), Options{MaxBytes: mib}, ReasonTooLarge, "unpacks"},
		{"parts in memory over the limit", "a.xlsx", rezip(t, small, map[string][]byte{"xl/media/image1.png": make([]byte, 21*mib)}), Options{MaxBytes: 4 * mib}, ReasonTooLarge, "unpacks"},
		{"unpacked total over the limit", "a.xlsx", rezip(t, small, map[string][]byte{"xl/worksheets/sheet2.xml": make([]byte, 11*mib)}), Options{MaxBytes: mib}, ReasonTooLarge, "unpacks"},
		{"a zip directory too large", "a.xlsx", manyParts(), Options{}, ReasonTooLarge, "unpacks"},
		{"workbook without data", "a.xlsx", book(t, func(*excelize.File) {}), Options{}, ReasonEmpty, "no data"},
		{"workbook without a header", "a.xlsx", book(t, rows([]any{"客户信息管理表"}, []any{"华为"})), Options{}, ReasonNoHeader, "表头"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := readAll(t, tc.data, tc.file, tc.opt)
			var e *crm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want reason %s", err, tc.reason)
			}
			if e.Reason != tc.reason || e.Code != crm.CodeBadUserInput || len(e.Fields) != 1 || e.Fields[0].Field != "file" ||
				string(e.Fields[0].Reason) != tc.reason || !strings.Contains(e.Message, tc.says) || !strings.Contains(e.Message, " / ") {
				t.Errorf("got %s %q (%v), want %s saying %q", e.Reason, e.Message, e.Err, tc.reason, tc.says)
			}
			if c := causes[tc.name]; c != "" && (e.Err == nil || !strings.Contains(e.Err.Error(), c)) {
				t.Errorf("cause %v, want %q", e.Err, c)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		code string
		want fmtClass
	}{
		{"General", fmtExact},
		{"0", fmtExact},
		{"0.00", fmtExact},
		{"#,##0.00", fmtExact},
		{`"¥"#,##0.00;[Red]\-"¥"#,##0.00`, fmtExact},
		{"¥#,##0.00;[Red]¥-#,##0.00", fmtExact},
		{"[$¥-804]#,##0.00", fmtExact},
		{`_ * #,##0.00_ ;_ * \-#,##0.00_ ;_ * "-"??_ ;_ @_ `, fmtExact},
		{"0.00E+00", fmtExact},
		{"# ?/?", fmtExact},
		{"@", fmtExact},
		{"0%", fmtKeep},
		{"000000", fmtKeep},
		{"0.000", fmtExact},
		{"#,##0,", fmtKeep},
		{"0.0,,", fmtKeep},
		{`0"万元"`, fmtKeep},
		{`0.00\万`, fmtKeep},
		{"yyyy-mm-dd", fmtDate},
		{`yyyy"年"m"月"d"日"`, fmtDate},
		{"yyyy年m月d日", fmtDate},
		{"m/d/yy", fmtDate},
		{"mmm-yy", fmtDate},
		{"[$-F800]dddd, mmmm dd, yyyy", fmtDate},
		{"[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", fmtDate},
		{"e/m/d", fmtDate},
		{"yyyy/m/d h:mm", fmtDateTime},
		{"yyyy-mm-dd hh:mm:ss", fmtDateTimeSec},
		{"h:mm AM/PM", fmtTime},
		{"上午/下午h\"时\"mm\"分\"", fmtTime},
		{"mm:ss", fmtTimeSec},
		{"[h]:mm:ss", fmtKeep},
		{"[Red][<=100]0;0", fmtExact},
	} {
		if got := classify(tc.code); got != tc.want {
			t.Errorf("classify(%q) = %d, want %d", tc.code, got, tc.want)
		}
	}
}

func TestPlainNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1.23456789012346E+17": "123456789012346000",
		"-1.5E+20":             "-150000000000000000000",
		"1.5E-07":              "0.00000015",
		"1E+05":                "1E+05", // excelize would not write this: text as typed
		"13912345678":          "13912345678",
		"E+17":                 "E+17",
		"abc1E+17":             "abc1E+17",
		"1.2e+300x":            "1.2e+300x",
	} {
		if got := plainNumber(in); got != want {
			t.Errorf("plainNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResultWriterRoundTrip(t *testing.T) {
	header := []string{"客户名称", "统一社会信用代码", "手机", "累计交易金额(元)"}
	in := [][]string{
		{"华为技术有限公司", "91440300192203821T", "13912345678", "680000.00"},
		{"=HYPERLINK(\"http://x\")", "000123456789012345", "+8613912345678", ""},
		{"短行"},
	}
	var out bytes.Buffer
	w, err := NewResultWriter(&out, header, ResultColumns)
	if err != nil {
		t.Fatal(err)
	}
	results := [][]string{{"错误", "手机号码无效", ""}, {"新建", "", ""}, {"更新", "", "C00012"}}
	for i, r := range in {
		if err := w.Write(r, results[i]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, h, got, err := readAll(t, out.Bytes(), "结果.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h, row{1, append(append([]string{}, header...), ResultColumns...)}) {
		t.Errorf("header %v", h)
	}
	for i, r := range got {
		want := append(append(make([]string, 0, 7), in[i]...), make([]string, 4-len(in[i]))...)
		want = append(want, results[i]...)
		if r.n != i+2 || !reflect.DeepEqual(trimRight(r.cells), trimRight(want)) {
			t.Errorf("row %d: %q, want %q", r.n, r.cells, want)
		}
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"A3", "B2", "C2"} {
		if ct, _ := f.GetCellType("导入结果", cell); ct != excelize.CellTypeInlineString {
			t.Errorf("%s: cell type %v, want text", cell, ct)
		}
		if f, _ := f.GetCellFormula("导入结果", cell); f != "" {
			t.Errorf("%s: formula %q", cell, f)
		}
	}
}

// A reader past its end or its close keeps answering, without panicking.
func TestReaderAfterEnd(t *testing.T) {
	rd, err := open([]byte("a,b\n1,2\n"), "a.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		rd.Next()
	}
	if _, _, err := rd.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the end: %v", err)
	}
	rd.Close()
	rd.Close()
}

func TestTinyWorkbook(t *testing.T) {
	_, h, got, err := readAll(t, tinyWorkbook(t), "t.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{3, []string{"13912345678", "2023-10-20", "2023-10-20"}}}
	if h.n != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("header %v rows %v", h, got)
	}
}

// Built-in formats only (no custom number format in the workbook), and the
// 1904 date system.
func TestXLSXBuiltinDates(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		data := book(t, func(f *excelize.File) {
			if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
				t.Fatal(err)
			}
			f.SetSheetRow("Sheet1", "A1", &[]any{"日期", "时间", "日期时间", "负数", "零", "文本"})
			f.SetSheetRow("Sheet1", "A2", &[]any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), 0.5,
				time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), -5, 0, "2024/2/29"})
			for col, id := range map[string]int{"A": 14, "B": 20, "C": 22, "D": 14, "E": 15, "F": 14} {
				s, _ := f.NewStyle(&excelize.Style{NumFmt: id})
				f.SetCellStyle("Sheet1", col+"2", col+"2", s)
			}
		})
		info, _, got, err := readAll(t, data, "a.xlsx", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if info.Date1904 != date1904 {
			t.Errorf("Info.Date1904 %v in a workbook with 1904 %v", info.Date1904, date1904)
		}
		want := []string{"2024-02-29", "12:00", "2024-02-29 23:59", "-5", "0", "2024/2/29"}
		if len(got) != 1 || !reflect.DeepEqual(got[0].cells, want) {
			t.Errorf("1904 %v: %v, want %q", date1904, got, want)
		}
	}
}

func TestTemplateBook(t *testing.T) {
	info, h, got, err := readAll(t, templateBook(t, 3), "a.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"C000002", "深圳市第2号科技有限公司", "张三", "采购经理", "制造业", "中型", "广东省深圳市", "企业客户", "展会",
		"13900000002", "c2@example.com", "91440300MA50000002X", "2023-01-03", "201", "2023-01-03", "A类", "重点客户，华南", "谈判", "李四",
		"2023-01-01 电话联系，了解需求 2"}
	if info.Sheet != "Sheet1" || h.n != 2 || len(h.cells) != 20 || len(got) != 3 || got[2].n != 5 || !reflect.DeepEqual(got[2].cells, want) {
		t.Errorf("header %v rows %v", h, got)
	}
}

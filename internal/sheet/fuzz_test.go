package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kehu-crm/kehu/internal/crm"
)

// noChecksums copies a zip with its parts stored and their checksums zero
// (archive/zip then checks none), so that the fuzzer's changes to a part
// reach excelize instead of failing the checksum.
func noChecksums(t testing.TB, data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Store,
			CompressedSize64: uint64(len(b)), UncompressedSize64: uint64(len(b))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tinyWorkbook is a workbook of the fewest parts excelize reads, with a
// date, a custom format and shared strings, stored without checksums: small,
// so that the fuzzer mutates (and minimizes) it quickly.
func tinyWorkbook(t testing.TB) []byte {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	return noChecksums(t, zipOf(t, map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="` + ctWorkbook + `"/></Types>`,
		"_rels/.rels": `<Relationships ` + rel + `><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<workbook ` + ns + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships ` + rel + `>` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/styles.xml": `<styleSheet ` + ns + `><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>` +
			`<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>`,
		"xl/sharedStrings.xml": `<sst ` + ns + `><si><t>客户名称</t></si><si><t>日期</t></si></sst>`,
		"xl/worksheets/sheet1.xml": `<worksheet ` + ns + `><sheetData>` +
			`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="inlineStr"><is><t>x</t></is></c></row>` +
			`<row r="3"><c r="A3"><v>1.3912345678E+10</v></c><c r="B3" s="1"><v>45219</v></c><c r="C3" s="2"><v>45219.5</v></c></row>` +
			`</sheetData></worksheet>`,
	}))
}

// FuzzOpen reads arbitrary bytes as a CSV, TSV or XLSX upload: no panic, an
// error is always a refusal with a reason, rows come in order and as wide
// as the header, and memory stays within the limits given.
func FuzzOpen(f *testing.F) {
	wb := book(f, func(x *excelize.File) {
		d, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
		code := `yyyy"年"m"月"d"日" hh:mm;@`
		c, _ := x.NewStyle(&excelize.Style{CustomNumFmt: &code})
		x.SetCellValue("Sheet1", "A1", "客户信息管理表")
		x.SetSheetRow("Sheet1", "A2", &[]any{"客户名称", "日期", "时间", "手机", "金额"})
		x.SetSheetRow("Sheet1", "A3", &[]any{"华为", time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), 45219.5, 13912345678, 680000.5})
		x.SetCellStyle("Sheet1", "B3", "B3", d)
		x.SetCellStyle("Sheet1", "C3", "C3", c)
	})
	f.Add(wb, uint8(0))
	f.Add(tinyWorkbook(f), uint8(0))
	f.Add([]byte("客户名称,联系人\n华为,\"张\n三\"\n\n腾讯,李四,x\n"), uint8(1))
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("客户名称\t联系人\n华为\t张三\n"))
	f.Add(gb, uint8(2))
	f.Add(append(append([]byte{}, cfbMagic...), utf16le("EncryptedPackage")...), uint8(0))
	f.Add([]byte("\xFF\xFEa\x00,\x00b\x00\n\x001\x00,\x002\x00"), uint8(1))
	names := []string{"a.xlsx", "a.csv", "a.tsv", "a.xls"}
	f.Fuzz(func(t *testing.T, data []byte, name uint8) {
		rd, err := open(data, names[int(name)%len(names)], Options{MaxBytes: 1 << 20, MaxRows: 500})
		if err != nil {
			refusal(t, err)
			return
		}
		defer rd.Close()
		last, header := rd.Header()
		if last <= 0 || len(header) < 2 || blank(header[len(header)-1]) {
			t.Fatalf("header %d %q", last, header)
		}
		for range 1000 {
			n, cells, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				refusal(t, err)
				return
			}
			if n <= last || len(cells) < len(header) || nonBlank(cells) == 0 {
				t.Fatalf("row %d after %d: %q (header %q)", n, last, cells, header)
			}
			last = n
		}
		t.Fatal("more rows than MaxRows")
	})
}

func refusal(t *testing.T, err error) {
	var e *crm.Error
	if !errors.As(err, &e) || e.Reason == "" || e.Code != crm.CodeBadUserInput {
		t.Fatalf("not a refusal: %v", err)
	}
	if e.Err != nil && strings.HasPrefix(e.Err.Error(), "panic:") {
		t.Logf("excelize panicked (recovered): %v", e.Err)
	}
}

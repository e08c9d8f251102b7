package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// sniffLen is how much of the file's start is looked at to tell its kind.
const sniffLen = 64 << 10

type kind int

const (
	kindText kind = iota
	kindZip       // XLSX, or another zip
	kindCFB       // OLE2 compound file: .xls, WPS .et, encrypted OOXML
	kindBinary
	kindMarkup // a web page or XML: "Excel" exports of web systems, Excel 2003 XML
	kindPDF
)

var (
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	bomUTF8  = []byte{0xEF, 0xBB, 0xBF}
	bomLE    = []byte{0xFF, 0xFE}
	bomBE    = []byte{0xFE, 0xFF}
)

// sniff tells the kind of a file by its first bytes.
func sniff(head []byte) kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	case bytes.HasPrefix(head, cfbMagic):
		return kindCFB
	case bytes.HasPrefix(head, bomLE), bytes.HasPrefix(head, bomBE):
		return kindText // UTF-16 ("Unicode text" from Excel): NULs are expected
	case bytes.HasPrefix(head, []byte("%PDF")):
		return kindPDF
	}
	text := bytes.TrimPrefix(head, bomUTF8)
	controls := 0
	for _, b := range text {
		switch {
		case b == 0:
			return kindBinary
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1A:
			controls++
		}
	}
	if controls > len(text)/100 {
		return kindBinary
	}
	start := strings.ToLower(string(bytes.TrimLeft(text[:min(len(text), 1024)], " \t\r\n")))
	for _, p := range []string{"<?xml", "<html", "<!doctype", "<table", "<head", "{\\rtf"} {
		if strings.HasPrefix(start, p) {
			return kindMarkup
		}
	}
	return kindText
}

func kindError(k kind) *crm.Error {
	switch k {
	case kindMarkup:
		return unsupported("a web page or XML file, not a workbook (some systems export these as .xls)",
			"这是网页或 XML 文件，不是工作簿（有些系统导出的“.xls”其实是网页）", nil)
	case kindPDF:
		return unsupported("a PDF file, not a workbook", "这是 PDF 文件，不是工作簿", nil)
	}
	return unsupported("not a worksheet (Kehu reads .xlsx and .csv files)", "不是表格文件（支持 .xlsx 和 .csv）", nil)
}

// cfbError explains a compound file: an encrypted workbook (OOXML in an
// EncryptedPackage stream) or a legacy .xls / WPS .et workbook. The stream
// names are looked for as the UTF-16 text of their directory entries, not
// by parsing the file: linear in its size whatever its sector chains say,
// and a damaged compound file is still a legacy one to save as .xlsx.
func cfbError(r io.ReaderAt, size int64, name string) error {
	found, err := contains(r, size, utf16le("EncryptedPackage"))
	if err != nil {
		return fmt.Errorf("sheet: reading the upload: %w", err)
	}
	if found {
		return encrypted()
	}
	return legacy(name, nil)
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) { // ASCII only
		b = append(b, c, 0)
	}
	return b
}

// contains reports whether r's first size bytes contain p.
func contains(r io.ReaderAt, size int64, p []byte) (bool, error) {
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(buf) - len(p)) {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if bytes.Contains(buf[:n], p) {
			return true, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return false, err
		}
		if off+int64(n) >= size || n < len(p) {
			return false, nil
		}
	}
	return false, nil
}

func legacy(name string, cause error) *crm.Error {
	switch strings.ToLower(path.Ext(name)) {
	case ".et", ".ett":
		return unsupported("a WPS spreadsheet (.et)", "这是 WPS 表格文件（.et）", cause)
	case ".xls", ".xlt":
		return unsupported("a legacy Excel 97-2003 workbook (.xls)", "这是旧版 Excel 97-2003 工作簿（.xls）", cause)
	}
	return unsupported("a legacy Excel 97-2003 (.xls) or WPS (.et) file", "这是旧版 Excel 97-2003（.xls）或 WPS（.et）文件", cause)
}

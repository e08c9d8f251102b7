// Package sheet reads an uploaded worksheet file as rows of text cells, the
// first step of an import (issue 18), and writes the import's error file.
//
//	rd, err := sheet.Open(file, size, "客户.xlsx", sheet.Options{})
//	if err != nil { ... } // *crm.Error, BAD_USER_INPUT, Reason: UNSUPPORTED_FORMAT ...
//	defer rd.Close()
//	headerRow, header := rd.Header()
//	for {
//		row, cells, err := rd.Next() // io.EOF at the end
//		...
//	}
//
// Open takes an io.ReaderAt and a size (a temporary file of the upload, or
// a bytes.Reader). CSV is streamed from it. excelize has no ReaderAt entry
// point, so an XLSX file is read into memory once (at most MaxBytes) and
// unpacked: worksheets and shared strings over 16 MiB go to temporary files
// (Options.TmpDir), and rows are streamed from the sheet. Reading the
// template's 20 columns takes some 55 ms per 1,000 rows, with a peak heap of
// about 50 MB at 100,000 rows (BenchmarkReadXLSX). Close removes the
// temporary files.
//
// What is read. The kind is told by content, not by name:
//   - XLSX (and .xltx) through excelize's streaming row iterator (Rows, not
//     GetRows): the visible sheet named in Options.Sheet, or else the first
//     visible sheet with a non-blank cell. A cell comes as Excel shows it,
//     but for dates and plain numbers: the workbook's number formats are
//     rewritten in memory first (numfmt.go), so that a date is yyyy-mm-dd
//     (yyyy-mm-dd hh:mm[:ss] with a time, hh:mm[:ss] for a time) whatever
//     its format, built-in or custom, and a plain number is the stored value
//     in full (13912345678, not 1.39123E+10; 680000.5, not 680,001); percent,
//     zero-padded and unit formats (85%, 00123, "68万元") keep their
//     rendering. excelize's ShortDatePattern would reach the built-in
//     formats 14 and 22 only, and RawCellValue would lose which numbers are
//     dates. Formulas give their cached value.
//   - CSV in UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030
//     (GBK): a BOM decides; else the whole file is checked as UTF-8; else it
//     is GB18030. Comma separated, or tab separated (.tsv, or more tabs than
//     commas at the start); quoted cells may hold line breaks and quotes;
//     rows may have any length.
//
// Rows. Each row comes with its number as the spreadsheet shows it (a CSV
// record with a line break inside a quoted cell is one row; blank lines
// count). The header is the first row, among the first HeaderScanRows
// non-blank ones, with at least two non-blank cells and at least half as
// many as the fullest of those rows: title rows above it are passed over.
// Blank rows are skipped, blank cells at a row's end dropped, and data rows
// padded to the header's width.
//
// What is refused, each as a *crm.Error with code BAD_USER_INPUT, a Reason
// for clients, the argument "file" as its field (with params) and a message
// in English and Chinese: UNSUPPORTED_FORMAT for .xls, WPS .et (compound
// files), .xlsb, macro workbooks (.xlsm, by content type), .ods, other zips,
// web pages and XML "xls" exports, PDF and binary files (the message says to
// save as .xlsx); ENCRYPTED (a password-protected workbook); CORRUPT (a
// damaged or truncated file: every part of a zip is unpacked and its
// checksum checked before excelize reads it, as excelize would read a
// damaged part as a short one); EMPTY; TOO_LARGE (the file over MaxBytes,
// what it unpacks to over 10 × MaxBytes, the parts held in memory over
// MaxBytes + 16 MiB, the shared strings over MaxBytes, the zip directory
// over 4 MiB, a row over 16,384 columns); NO_HEADER; SHEET_NOT_FOUND; and
// from Next, TOO_MANY_ROWS when the row past MaxRows is reached. A panic in
// excelize becomes CORRUPT.
//
// ResultWriter writes the error file: the sheet's header and rows with
// result columns (ResultColumns: 导入结果 / 错误说明 / 匹配客户), every cell text.
package sheet

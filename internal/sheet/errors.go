package sheet

import (
	"fmt"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons of a refused file (crm.Error.Reason, code BAD_USER_INPUT). The
// error names the argument "file" as its field, with the reason and its
// params, so clients translate it; its Message says the same in English and
// Chinese for those that do not.
const (
	// ReasonUnsupportedFormat: not a worksheet Kehu reads (.xls, WPS .et,
	// .xlsb, macro workbooks, OpenDocument, a web page, a zip of something
	// else, a binary file). The message says how to save it as .xlsx.
	ReasonUnsupportedFormat = "UNSUPPORTED_FORMAT"
	// ReasonEncrypted: a password-protected workbook.
	ReasonEncrypted = "ENCRYPTED"
	// ReasonCorrupt: a damaged or truncated file.
	ReasonCorrupt = "CORRUPT"
	// ReasonEmpty: no file content, or a sheet without a non-blank cell.
	ReasonEmpty = "EMPTY"
	// ReasonTooLarge: the file (params: max, bytes), what it unpacks to
	// (a zip bomb) or a row's width (params: max, columns) is over a limit.
	ReasonTooLarge = "TOO_LARGE"
	// ReasonTooManyRows: more data rows than Options.MaxRows (params: max,
	// row: the spreadsheet row where the limit was crossed).
	ReasonTooManyRows = "TOO_MANY_ROWS"
	// ReasonNoHeader: no header row among the first rows (params: rows).
	ReasonNoHeader = "NO_HEADER"
	// ReasonSheetNotFound: Options.Sheet names no visible sheet (params:
	// sheet).
	ReasonSheetNotFound = "SHEET_NOT_FOUND"
)

// fail builds the error of a refused file; en and zh say the same thing.
func fail(reason, en, zh string, params map[string]any, cause error) *crm.Error {
	msg := en + " / " + zh
	return &crm.Error{Code: crm.CodeBadUserInput, Reason: reason, Message: msg, Err: cause,
		Fields: []crm.FieldError{{Field: "file", Message: msg, Reason: crm.Reason(reason), Params: params}}}
}

const saveAsXLSX = "open it in Excel or WPS and save it as .xlsx (Excel workbook), then upload that file"
const saveAsXLSXZh = "请用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）再上传"

func unsupported(what, whatZh string, cause error) *crm.Error {
	return fail(ReasonUnsupportedFormat, what+": "+saveAsXLSX, whatZh+"："+saveAsXLSXZh, nil, cause)
}

func corrupt(cause error) *crm.Error {
	return fail(ReasonCorrupt,
		"the file is damaged or incomplete (was the upload cut off?): open it in Excel or WPS, save it again and upload it",
		"文件已损坏或不完整（上传是否中断？）：请用 Excel 或 WPS 打开并重新保存后再上传", nil, cause)
}

func encrypted() *crm.Error {
	return fail(ReasonEncrypted,
		"the workbook is protected by a password: remove the password (File > Info > Protect Workbook) and upload it again",
		"工作簿设置了打开密码：请先取消密码（文件 > 信息 > 保护工作簿）再上传", nil, nil)
}

func empty() *crm.Error {
	return fail(ReasonEmpty, "the file has no data", "文件中没有数据", nil, nil)
}

func tooLarge(max int64) *crm.Error {
	return fail(ReasonTooLarge,
		fmt.Sprintf("the file is larger than %s: split it into several files", mb(max)),
		fmt.Sprintf("文件超过 %s：请拆分为多个文件后分别导入", mb(max)), map[string]any{"max": max, "unit": "bytes"}, nil)
}

// tooLargeUnzipped is a workbook that unpacks to more than the limits allow:
// a zip bomb, or a workbook full of something other than data.
func tooLargeUnzipped(cause error) *crm.Error {
	return fail(ReasonTooLarge,
		"the workbook unpacks to more data than an import accepts: keep only the customer sheet (no pictures or other sheets) and save it again",
		"工作簿解压后的数据量超出导入上限：请只保留客户数据表（删除图片和其他工作表）后重新保存", nil, cause)
}

func tooManyColumns(max int) *crm.Error {
	return fail(ReasonTooLarge,
		fmt.Sprintf("a row has more than %d columns", max),
		fmt.Sprintf("某一行超过 %d 列", max), map[string]any{"max": max, "unit": "columns"}, nil)
}

func tooManyRows(max, row int) *crm.Error {
	return fail(ReasonTooManyRows,
		fmt.Sprintf("more than %d data rows (the limit was passed at row %d): split the file into several files", max, row),
		fmt.Sprintf("数据超过 %d 行（第 %d 行超出上限）：请拆分为多个文件后分别导入", max, row),
		map[string]any{"max": max, "row": row}, nil)
}

func noHeader(rows int) *crm.Error {
	return fail(ReasonNoHeader,
		fmt.Sprintf("no header row found in the first %d rows: the column names (客户名称, 联系人 ...) must be in one row, with at least two of them", rows),
		fmt.Sprintf("前 %d 行中没有找到表头：列名（客户名称、联系人等）须在同一行，且至少两列", rows),
		map[string]any{"rows": rows}, nil)
}

func sheetNotFound(name string) *crm.Error {
	return fail(ReasonSheetNotFound,
		fmt.Sprintf("the workbook has no visible sheet named %q", name),
		fmt.Sprintf("工作簿中没有名为“%s”的可见工作表", name), map[string]any{"sheet": name}, nil)
}

func mb(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

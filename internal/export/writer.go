package export

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Options say who exports and how values are shown.
type Options struct {
	// Actor is who exports: contact details, and phone numbers, e-mails
	// and WeChat IDs in free text, are masked for them exactly as the API
	// masks them (crm.VisibleCustomer).
	Actor crm.Actor
	// Loc is the time zone of times; crm.DefaultLocation when nil.
	Loc  *time.Location
	Lang Lang
	// UserName returns a user's display name (owner, collaborators); the
	// id is shown when it returns "" or is nil.
	UserName func(id string) string
}

func (o *Options) loc() *time.Location {
	if o.Loc == nil {
		return crm.DefaultLocation
	}
	return o.Loc
}

// Writer writes customers one row at a time.
type Writer interface {
	// Write adds c's row. c must be a whole document when a column needs
	// one (Column.Full).
	Write(c *crm.Customer) error
	// Flush pushes buffered rows to the io.Writer where the format allows
	// it (CSV); XLSX is written whole by Close.
	Flush() error
	// Close finishes the file after the last row.
	Close() error
	// Discard gives up the file (on an error or a gone client), releasing
	// what the writer holds; nothing more is written.
	Discard()
}

// ErrPartial is returned by Write for a lean list row without its contacts
// (crm.Customer.ContactsLoaded) when a column needs them or the notes, and
// for any list row (crm.Customer.Partial) when a history column needs the
// records.
var ErrPartial = errors.New("export: a column needs the whole customer document, got a lean list row")

// Row returns the cells of c for cols.
func Row(c *crm.Customer, cols []Column, opt *Options) ([]Value, error) {
	if c.Partial && (!c.ContactsLoaded && NeedsFull(cols) || NeedsRecords(cols)) {
		return nil, ErrPartial
	}
	r := rowCtx{c: crm.VisibleCustomer(opt.Actor, c), opt: opt}
	out := make([]Value, len(cols))
	for i, col := range cols {
		out[i] = col.get(&r)
	}
	return out, nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Formats of times and dates as text (CSV) and as XLSX number formats.
const (
	timeLayout = "2006-01-02 15:04:05"
	dateLayout = "2006-01-02"
	xlsxTime   = "yyyy-mm-dd hh:mm:ss"
	xlsxDate   = "yyyy-mm-dd"
	xlsxMoney  = "#,##0.00"
	xlsxFloat  = "0.00"
)

// Format returns v as CSV text for a column of kind k (not yet escaped
// against formula injection: see Sanitize).
func Format(k Kind, v Value) string {
	if v.Null {
		return ""
	}
	switch k {
	case Int:
		return strconv.FormatInt(v.N, 10)
	case Money:
		return crm.Money(v.N).String()
	case Float:
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	case Time:
		return v.T.Format(timeLayout)
	case Date:
		return v.T.Format(dateLayout)
	}
	return v.S
}

// Sanitize neutralises spreadsheet formula injection in a text cell: a
// value starting with = + - @, a tab or a carriage return gets a leading
// apostrophe, so a spreadsheet shows it as text instead of evaluating it.
func Sanitize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// utf8BOM makes Excel read a CSV file as UTF-8.
const utf8BOM = "\uFEFF"

type csvWriter struct {
	w    *csv.Writer
	cols []Column
	opt  Options
	rec  []string
}

// NewCSV starts a CSV file on w: the UTF-8 byte order mark and the header
// row. Rows end with CRLF, as Excel writes them.
func NewCSV(w io.Writer, cols []Column, opt Options) (Writer, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := &csvWriter{w: csv.NewWriter(w), cols: cols, opt: opt, rec: make([]string, len(cols))}
	cw.w.UseCRLF = true
	for i, c := range cols {
		cw.rec[i] = c.Header(opt.Lang)
	}
	if err := cw.w.Write(cw.rec); err != nil {
		return nil, err
	}
	return cw, nil
}

func (cw *csvWriter) Write(c *crm.Customer) error {
	vals, err := Row(c, cw.cols, &cw.opt)
	if err != nil {
		return err
	}
	for i, v := range vals {
		s := Format(cw.cols[i].Kind, v)
		if cw.cols[i].Kind == Text {
			s = Sanitize(s)
		}
		cw.rec[i] = s
	}
	return cw.w.Write(cw.rec)
}

func (cw *csvWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}

func (cw *csvWriter) Close() error { return cw.Flush() }

func (cw *csvWriter) Discard() {}

// ContentType returns the media type of a format.
func ContentType(format FileFormat) string {
	switch format {
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	panic(fmt.Sprintf("export: unknown format %q", format))
}

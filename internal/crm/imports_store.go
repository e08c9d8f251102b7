package crm

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ImportStatus is where an import job is.
type ImportStatus string

const (
	ImportQueued    ImportStatus = "QUEUED"
	ImportRunning   ImportStatus = "RUNNING"
	ImportDone      ImportStatus = "DONE"
	ImportFailed    ImportStatus = "FAILED"
	ImportCancelled ImportStatus = "CANCELLED"
)

// Finished reports whether the job has ended.
func (s ImportStatus) Finished() bool {
	return s == ImportDone || s == ImportFailed || s == ImportCancelled
}

// Import is one import of a worksheet, a dry run or a commit: the job's
// state while it runs (any replica reads it), then its record (30 days for
// an undo). Its undo data and its result rows are kept apart
// (ImportStore.AppendUndo, AppendRows): they may be far larger than a
// document.
type Import struct {
	ID       string       `bson:"_id"`
	By       string       `bson:"by"` // the user who imported
	At       time.Time    `bson:"at"` // when the job was created
	FileName string       `bson:"fileName"`
	DryRun   bool         `bson:"dryRun"`
	Status   ImportStatus `bson:"status"`
	// Message says why a job FAILED (or what stopped it), for people.
	Message string `bson:"message,omitempty"`
	// CancelRequested asks the replica running the job to stop between
	// batches (cancelImport may reach another replica).
	CancelRequested bool `bson:"cancelRequested,omitempty"`

	// Progress: customers of the file (Total) and worked out (Processed),
	// and the data rows of the file (Rows).
	Total     int `bson:"total"`
	Processed int `bson:"processed"`
	Rows      int `bson:"rows"`
	// Counts of customers by action, and of rows with an error.
	Created    int `bson:"created"`
	Updated    int `bson:"updated"`
	Unchanged  int `bson:"unchanged"`
	Duplicates int `bson:"duplicates"`
	RowErrors  int `bson:"rowErrors"`
	// Errors are the first MaxImportErrors problems of rows with errors,
	// by row.
	Errors []ImportError `bson:"errors,omitempty"`
	// Outcomes are the first MaxImportOutcomes rows' outcomes (the dry
	// run's preview).
	Outcomes []ImportOutcome `bson:"outcomes,omitempty"`

	StartedAt  *time.Time `bson:"startedAt,omitempty"`
	FinishedAt *time.Time `bson:"finishedAt,omitempty"`
	// SavedAt is when the job last saved its state: while it runs, after
	// every batch. A job not finished whose state is not saved for long
	// ran on a replica that stopped (importer.Jobs marks it FAILED).
	SavedAt *time.Time `bson:"savedAt,omitempty"`
	// UndoneAt and UndoneBy are set once the import was undone; Undo
	// holds what the undo did.
	UndoneAt *time.Time   `bson:"undoneAt,omitempty"`
	UndoneBy string       `bson:"undoneBy,omitempty"`
	Undo     *UndoSummary `bson:"undo,omitempty"`

	Version int64 `bson:"version"`
}

// MaxImportErrors and MaxImportOutcomes bound what an import record keeps.
const (
	MaxImportErrors   = 1000
	MaxImportOutcomes = 1000
)

// ImportError is one problem of a row (or a warning, with Warning set).
type ImportError struct {
	Row     int            `bson:"row"`              // as the spreadsheet shows it
	Column  string         `bson:"column,omitempty"` // "D 联系电话"
	Field   string         `bson:"field,omitempty"`
	Reason  Reason         `bson:"reason"`
	Message string         `bson:"message"`
	Params  map[string]any `bson:"params,omitempty"`
	Warning bool           `bson:"warning,omitempty"`
}

// ImportOutcome is what an import does with one row.
type ImportOutcome struct {
	Row        int           `bson:"row"`
	Action     string        `bson:"action"`
	CustomerID string        `bson:"customerId,omitempty"`
	Code       string        `bson:"code,omitempty"`
	MatchedBy  string        `bson:"matchedBy,omitempty"`
	Duplicates []string      `bson:"duplicates,omitempty"`
	Changes    []FieldChange `bson:"changes,omitempty"`
	Notes      []ImportNote  `bson:"notes,omitempty"`
}

// ImportNote is a normalisation applied to a cell ("68万" → "680000.00").
type ImportNote struct {
	Column string `bson:"column"`
	From   string `bson:"from"`
	To     string `bson:"to"`
}

// UndoSummary is what an undo of an import did.
type UndoSummary struct {
	Deleted  int        `bson:"deleted"`
	Restored int        `bson:"restored"`
	Kept     []UndoKept `bson:"kept,omitempty"`
}

// UndoKept is a customer an undo left as it is, and why (CHANGED_SINCE,
// GONE).
type UndoKept struct {
	ID     string `bson:"id"`
	Code   string `bson:"code,omitempty"`
	Reason Reason `bson:"reason"`
}

// ImportUndo is one chunk of an import's undo data, written as the commit
// writes its batches: the customers a batch created, and those it changed
// as they were before. Both stores keep it as this document with an _id
// of its own in front, ImportUndoID(Import, Seq).
type ImportUndo struct {
	Import  string       `bson:"import"`
	Seq     int          `bson:"seq"` // 0, 1, 2 ... in the order written
	Created []string     `bson:"created,omitempty"`
	Updated []UndoBefore `bson:"updated,omitempty"`
}

// UndoBefore is a customer before an import changed it, and the version
// the import wrote.
type UndoBefore struct {
	ID      string   `bson:"id"`
	Version int64    `bson:"version"`
	Doc     bson.Raw `bson:"doc"`
}

// OnlyRulesSince reports whether every write of c since its version v was
// the classification rules' (Customer.Edited is still v, or 0 for v = 1:
// created and not edited since). An undo may then write over them: the
// restore classifies the customer anew.
func OnlyRulesSince(c *Customer, v int64) bool {
	return c.Edited == v || v == 1 && c.Edited == 0
}

// MaxImportUndoBytes bounds the encoded size of one undo chunk: half of
// MongoDB's 16 MiB document limit, as MaxDocumentBytes. The caller splits
// its undo data into chunks under it.
const MaxImportUndoBytes = 8 << 20

// MaxImportUndoSeq is the largest Seq of an undo chunk (ImportUndoID
// writes it in ten digits).
const MaxImportUndoSeq = 1<<31 - 1

// ImportUndoID is the _id of an import's undo chunk: the import's id and
// the Seq in ten digits, so the chunks of an import sort by Seq.
func ImportUndoID(importID string, seq int) string {
	return fmt.Sprintf("%s:%010d", importID, seq)
}

// ImportRowsID is the _id of a chunk of an import's result rows, made as
// ImportUndoID.
func ImportRowsID(importID string, seq int) string { return ImportUndoID(importID, seq) }

// ImportUndoTooLarge is the error of an undo chunk whose encoded document
// is larger than MaxImportUndoBytes.
func ImportUndoTooLarge(importID string, seq, size int) *Error {
	return &Error{Code: CodeBadUserInput, Reason: ReasonDocumentTooLarge,
		Message: fmt.Sprintf("undo data %d of import %s is %.1f MB, over the limit of %d MB per chunk: split it",
			seq, importID, float64(size)/(1<<20), MaxImportUndoBytes>>20)}
}

// ImportRows is one chunk of an import's result rows: the file's data
// rows as read, each with what the import did with it, from which the
// error file is written (the sheet with the result columns added). Written
// when the job ends, chunk by chunk; Seq 0 carries the header. Both stores
// keep it as this document with an _id of its own in front,
// ImportRowsID(Import, Seq).
type ImportRows struct {
	Import    string      `bson:"import"`
	Seq       int         `bson:"seq"`                 // 0, 1, 2 ... in the order of the rows
	HeaderRow int         `bson:"headerRow,omitempty"` // Seq 0: the header's row number in the sheet
	Header    []string    `bson:"header,omitempty"`    // Seq 0: the header row's cells
	Rows      []ImportRow `bson:"rows"`
}

// ImportRow is one data row of an imported file and its outcome.
type ImportRow struct {
	Row     int      `bson:"row"`               // as the spreadsheet shows it
	Cells   []string `bson:"cells"`             // as read
	Action  string   `bson:"action"`            // CREATE UPDATE UNCHANGED DUPLICATE ERROR
	Message string   `bson:"message,omitempty"` // the row's errors and warnings, one a line
	Matched string   `bson:"matched,omitempty"` // the code of the customer it matched or created
}

// MaxImportRowsBytes bounds the encoded size of one chunk of result rows,
// as MaxImportUndoBytes bounds an undo chunk; MaxImportRowsSeq is its
// largest Seq.
const (
	MaxImportRowsBytes = 8 << 20
	MaxImportRowsSeq   = MaxImportUndoSeq
)

// ImportRowsTooLarge is the error of a chunk of result rows whose encoded
// document is larger than MaxImportRowsBytes.
func ImportRowsTooLarge(importID string, seq, size int) *Error {
	return &Error{Code: CodeBadUserInput, Reason: ReasonDocumentTooLarge,
		Message: fmt.Sprintf("result rows %d of import %s are %.1f MB, over the limit of %d MB per chunk: split them",
			seq, importID, float64(size)/(1<<20), MaxImportRowsBytes>>20)}
}

// ImportTooLarge is the error of an import whose encoded document is
// larger than MaxDocumentBytes.
func ImportTooLarge(id string, size int) *Error {
	return &Error{Code: CodeBadUserInput, Reason: ReasonDocumentTooLarge,
		Message: fmt.Sprintf("import %s would grow to %.1f MB, over the limit of %d MB per import: keep fewer errors or outcomes",
			id, float64(size)/(1<<20), MaxDocumentBytes>>20)}
}

// ImportStore keeps import jobs, their undo data and their result rows.
type ImportStore interface {
	// Insert stores a new import as Version 1 (a new ID when ID is empty);
	// on failure im keeps ID and Version as given. Errors: CONFLICT (field
	// "id") when the id exists; BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE)
	// when the encoded import is larger than MaxDocumentBytes.
	Insert(ctx context.Context, im *Import) error
	// Get returns an import. Errors: NOT_FOUND.
	Get(ctx context.Context, id string) (*Import, error)
	// Replace writes im when the stored version is expectedVersion
	// (im.Version must be expectedVersion+1). Errors: NOT_FOUND, CONFLICT
	// (without fields), BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE) as
	// Insert's.
	Replace(ctx context.Context, im *Import, expectedVersion int64) error
	// List returns the imports of by ("" for everyone's), newest first (At
	// descending, then the id descending), at most limit (> 0).
	List(ctx context.Context, by string, limit int) ([]*Import, error)
	// AppendUndo stores one chunk of an import's undo data. A chunk must
	// stay under MaxImportUndoBytes (8 MB) encoded, the caller splits its
	// undo data: MongoDB keeps a chunk as one document, limited to 16 MB.
	// Errors: CONFLICT (field "seq") when the import has a chunk of that
	// Seq; BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE) for a chunk over
	// MaxImportUndoBytes; INTERNAL for no import id, or a Seq below 0 or
	// over MaxImportUndoSeq.
	AppendUndo(ctx context.Context, u *ImportUndo) error
	// EachUndo calls fn with the import's undo chunks in Seq order, and
	// stops at fn's first error, which it returns.
	EachUndo(ctx context.Context, importID string, fn func(*ImportUndo) error) error
	// AppendRows stores one chunk of an import's result rows. As with an
	// undo chunk, a chunk must stay under MaxImportRowsBytes (8 MB)
	// encoded: the caller splits its rows. Errors: CONFLICT (field "seq")
	// when the import has a chunk of rows of that Seq;
	// BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE) for a chunk over
	// MaxImportRowsBytes; INTERNAL for no import id, or a Seq below 0 or
	// over MaxImportRowsSeq.
	AppendRows(ctx context.Context, r *ImportRows) error
	// EachRows calls fn with the import's chunks of result rows in Seq
	// order, and stops at fn's first error, which it returns.
	EachRows(ctx context.Context, importID string, fn func(*ImportRows) error) error
	// DeleteBefore removes the imports created before t with their undo
	// data and result rows (the 30 days an undo is offered), and returns
	// how many imports.
	DeleteBefore(ctx context.Context, t time.Time) (int, error)
}

package crm

import (
	"context"
	"fmt"
	"time"
)

// Merge is one merge of customers into a survivor: who merged what, and
// the customers as they were, kept 30 days for an undo (undoMerge).
type Merge struct {
	ID       string    `bson:"_id"`
	By       string    `bson:"by"`
	At       time.Time `bson:"at"`
	Survivor string    `bson:"survivor"` // the surviving customer's id
	Others   []string  `bson:"others"`   // the merged customers' ids, archived with a pointer to the survivor
	// Before are the customers as they were before the merge, the survivor
	// first, each with the version the merge wrote (an undo restores a
	// customer still at that version).
	Before []UndoBefore `bson:"before"`
	// UndoneAt, UndoneBy and Kept are set by the undo: Kept lists the
	// customers it left as they were (CHANGED_SINCE, GONE).
	UndoneAt *time.Time `bson:"undoneAt,omitempty"`
	UndoneBy string     `bson:"undoneBy,omitempty"`
	Kept     []UndoKept `bson:"kept,omitempty"`
	Version  int64      `bson:"version"`
}

// MaxMergeBytes bounds an encoded Merge: under MongoDB's 16 MiB document
// limit. (The merged survivor holds every entry of the customers and is at
// most MaxDocumentBytes, so their before-documents together are about as large.)
const MaxMergeBytes = 15 << 20

// MergeTooLarge is the error of a merge whose encoded document is larger
// than MaxMergeBytes.
func MergeTooLarge(id string, size int) *Error {
	return &Error{Code: CodeBadUserInput, Reason: ReasonDocumentTooLarge,
		Message: fmt.Sprintf("merge %s would be %.1f MB, over the limit of %d MB per merge: merge fewer customers at once",
			id, float64(size)/(1<<20), MaxMergeBytes>>20)}
}

// MergeStore keeps merges. Both stores keep a merge as the encoded Merge
// (CollectionMerges), so Dump hands out exactly those bytes.
type MergeStore interface {
	// Insert stores a new merge as Version 1 (a new ID when ID is empty);
	// on failure m keeps ID and Version as given. Errors: CONFLICT (field
	// "id") when the id exists; BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE)
	// when the encoded merge is larger than MaxMergeBytes.
	Insert(ctx context.Context, m *Merge) error
	// Get returns a merge. Errors: NOT_FOUND.
	Get(ctx context.Context, id string) (*Merge, error)
	// Replace writes m when the stored version is expectedVersion
	// (m.Version must be expectedVersion+1). Errors: NOT_FOUND, CONFLICT
	// (without fields), BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE) as
	// Insert's.
	Replace(ctx context.Context, m *Merge, expectedVersion int64) error
	// List returns the merges whose survivor or others include customer
	// ("" for every merge), newest first (At descending, then id
	// descending), at most limit (> 0).
	List(ctx context.Context, customer string, limit int) ([]*Merge, error)
	// DeleteBefore removes the merges made before t (the 30 days an undo
	// is offered) and returns how many.
	DeleteBefore(ctx context.Context, t time.Time) (int, error)
}

package crm

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an application error. The GraphQL edge turns it into
// extensions.code; nothing below the edge knows about GraphQL.
type Code string

const (
	CodeBadUserInput    Code = "BAD_USER_INPUT"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeNotFound        Code = "NOT_FOUND"
	CodeConflict        Code = "CONFLICT"
	CodeRateLimited     Code = "RATE_LIMITED"
	// CodeUnavailable: the server cannot do this now for a reason outside
	// the request (Reason says which, e.g. DISK_FULL); the same request
	// works once the cause is gone.
	CodeUnavailable Code = "UNAVAILABLE"
	CodeInternal    Code = "INTERNAL"
)

// Reasons of errors that are not about one input field.
const (
	// ReasonDiskFull (UNAVAILABLE): the store's disk (or its size limit) is
	// full; writes fail until there is space again, reads still work.
	ReasonDiskFull = "DISK_FULL"
	// ReasonDocumentTooLarge (BAD_USER_INPUT): the customer's stored record
	// would grow over MaxDocumentBytes.
	ReasonDocumentTooLarge = "DOCUMENT_TOO_LARGE"
)

// MaxDocumentBytes bounds the encoded (BSON) size of one customer: half of
// MongoDB's 16 MiB document limit, so both stores refuse at the same size
// and a record never gets too large to rewrite in one step.
const MaxDocumentBytes = 8 << 20

// FieldError names one invalid input field by its path relative to the
// input object ("name", "contacts[0].phone") and says what is wrong: in
// English (Message) and as a Reason with its Params, which clients
// translate.
type FieldError struct {
	Field   string
	Message string
	Reason  Reason
	Params  map[string]any // e.g. {"max": 100} for TOO_LONG; nil when none
}

// Reason is the machine-readable cause of a field error. The list is in
// docs/API.md; clients fall back to Message for a reason they do not know.
type Reason string

const (
	ReasonInvalid           Reason = "INVALID"           // anything without a more precise reason
	ReasonRequired          Reason = "REQUIRED"          // empty, or a needed value missing
	ReasonTooLong           Reason = "TOO_LONG"          // params: max (characters)
	ReasonTooShort          Reason = "TOO_SHORT"         // params: min (characters)
	ReasonTooMany           Reason = "TOO_MANY"          // params: max (elements)
	ReasonNotAllowed        Reason = "NOT_ALLOWED_VALUE" // params: value
	ReasonInvalidText       Reason = "INVALID_TEXT"      // not UTF-8
	ReasonControlCharacters Reason = "CONTROL_CHARACTERS"
	ReasonIDNumber          Reason = "ID_NUMBER"
	ReasonHomeAddress       Reason = "HOME_ADDRESS"
	ReasonInvalidPhone      Reason = "INVALID_PHONE"
	ReasonInvalidEmail      Reason = "INVALID_EMAIL"
	ReasonInvalidWeChat     Reason = "INVALID_WECHAT"
	ReasonInvalidCreditCode Reason = "INVALID_CREDIT_CODE"
	ReasonInvalidURL        Reason = "INVALID_URL"
	ReasonInvalidMoney      Reason = "INVALID_MONEY"
	ReasonInvalidDate       Reason = "INVALID_DATE"
	ReasonFutureDate        Reason = "FUTURE_DATE"
	ReasonOutOfRange        Reason = "OUT_OF_RANGE"     // params: min and/or max
	ReasonBudgetRange       Reason = "BUDGET_RANGE"     // budgetMax below budgetMin
	ReasonNotFound          Reason = "NOT_FOUND"        // no such element on this customer
	ReasonNotActiveUser     Reason = "NOT_ACTIVE_USER"  // params: id (for lists of users)
	ReasonManagersOnly      Reason = "MANAGERS_ONLY"    // only managers may (re)assign owners
	ReasonAnalystAssigned   Reason = "ANALYST_ASSIGNED" // params: id; analysts own and collaborate on nothing
	ReasonSelfChange        Reason = "SELF_CHANGE"      // an admin's own role or account
	ReasonExclusive         Reason = "EXCLUSIVE"        // arguments that cannot be combined
	ReasonArchived          Reason = "ARCHIVED"
	ReasonAlready           Reason = "ALREADY" // params: state (archived, active)
	ReasonTaken             Reason = "TAKEN"   // a unique value another record has
	ReasonWrongPassword     Reason = "WRONG_PASSWORD"
	ReasonQuotaExceeded     Reason = "QUOTA_EXCEEDED" // params: max (saved or shared segments)
	ReasonInvalidFilter     Reason = "INVALID_FILTER" // a filter (where input) problem
	ReasonInvalidQuery      Reason = "INVALID_QUERY"  // a query line problem; params: pos
	ReasonKeptByRules       Reason = "KEPT_BY_RULES"  // a value the classification rules keep: override it instead
	ReasonPastDate          Reason = "PAST_DATE"      // a date that must be today or later
	ReasonBadTransition     Reason = "BAD_TRANSITION" // params: from, to (a status that cannot follow another)
	// ReasonChangedSince and ReasonGone say why an undo (of an import, of
	// a merge) left a customer as it is: written since (by a person or the
	// rules), or deleted.
	ReasonChangedSince Reason = "CHANGED_SINCE"
	ReasonGone         Reason = "GONE"
)

// Error is the one application error type. Message is safe to show to a
// client; internal details travel in Err and only reach the log.
type Error struct {
	Code    Code
	Message string
	Reason  string       // machine-readable cause for clients (ReasonDiskFull ...), or ""
	Fields  []FieldError // for BAD_USER_INPUT: every invalid field
	Err     error        // wrapped cause, never shown to clients
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an application error with a client-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure; the client sees only "internal error".
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: "internal error", Err: err}
}

// DiskFull is the error of a write that failed for want of disk space.
func DiskFull(err error) *Error {
	return &Error{Code: CodeUnavailable, Reason: ReasonDiskFull, Err: err,
		Message: "the server's disk is full: nothing can be saved until an administrator frees space (reading still works)"}
}

// DocumentTooLarge is the error of a write that would make a customer's
// record larger than MaxDocumentBytes.
func DocumentTooLarge(code string, size int) *Error {
	return &Error{Code: CodeBadUserInput, Reason: ReasonDocumentTooLarge,
		Message: fmt.Sprintf("customer %s would grow to %.1f MB, over the limit of %d MB per customer: "+
			"delete records it no longer needs (old interactions, deals or results) before adding more",
			code, float64(size)/(1<<20), MaxDocumentBytes>>20)}
}

// ErrorCode returns the code of err, or INTERNAL when err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }

// reasonError is an error with a Reason, for values read outside a
// Problems (scalars of the API): the edge reads the reason with ReasonOf.
type reasonError struct {
	reason Reason
	msg    string
}

func (e *reasonError) Error() string { return e.msg }

// ReasonError returns an error whose message is msg and whose ReasonOf is r.
func ReasonError(r Reason, msg string) error { return &reasonError{reason: r, msg: msg} }

// ReasonOf returns the reason of an error made by ReasonError (wrapped or
// not), or INVALID.
func ReasonOf(err error) Reason {
	var e *reasonError
	if errors.As(err, &e) {
		return e.reason
	}
	return ReasonInvalid
}

// Problems collects field errors during validation.
type Problems struct {
	prefix string
	list   *[]FieldError
}

// NewProblems starts an empty collection.
func NewProblems() Problems { return Problems{list: new([]FieldError)} }

// At returns a view that prefixes every field with path (joined by '.').
func (p Problems) At(path string) Problems {
	return Problems{prefix: join(p.prefix, path), list: p.list}
}

// Index returns a view for element i of the list field path.
func (p Problems) Index(path string, i int) Problems {
	return Problems{prefix: join(p.prefix, fmt.Sprintf("%s[%d]", path, i)), list: p.list}
}

// Add records a problem with field (relative to the view's prefix), of
// reason INVALID.
func (p Problems) Add(field, format string, args ...any) {
	p.Fail(field, ReasonInvalid, nil, format, args...)
}

// Fail records a problem with field of the given reason and parameters.
func (p Problems) Fail(field string, reason Reason, params map[string]any, format string, args ...any) {
	*p.list = append(*p.list, FieldError{Field: join(p.prefix, field), Message: fmt.Sprintf(format, args...),
		Reason: reason, Params: params})
}

// AddError records a field error as it is, under the view's prefix.
func (p Problems) AddError(f FieldError) {
	f.Field = join(p.prefix, f.Field)
	*p.list = append(*p.list, f)
}

// HasErrors reports whether anything was added (under any prefix).
func (p Problems) HasErrors() bool { return len(*p.list) > 0 }

// Err returns nil when nothing was added, else a BAD_USER_INPUT error.
func (p Problems) Err() error {
	if len(*p.list) == 0 {
		return nil
	}
	fields := append([]FieldError(nil), *p.list...)
	msg := fields[0].Field + ": " + fields[0].Message
	if len(fields) > 1 {
		msg = fmt.Sprintf("%s (and %d more)", msg, len(fields)-1)
	}
	return &Error{Code: CodeBadUserInput, Message: msg, Fields: fields}
}

func join(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	default:
		return prefix + "." + path
	}
}

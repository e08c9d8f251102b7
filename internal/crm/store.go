package crm

import (
	"context"
	"time"
)

// Store is the persistence port. Two adapters implement it: internal/sqlite
// (the embedded default) and internal/mongodb; internal/storetest is the
// conformance suite both must pass. Every method returns *Error values with
// the codes documented on it, or INTERNAL for anything unexpected.
type Store interface {
	Customers() CustomerStore
	Users() UserStore
	Sessions() SessionStore
	Segments() SegmentStore
	APITokens() APITokenStore
	Settings() SettingStore
	Imports() ImportStore
	Merges() MergeStore
	// Ping checks that the store is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Dump and Load copy raw documents for `kehu migrate`.
	Migrator
	Close() error
}

// CustomerStore keeps customer documents.
type CustomerStore interface {
	// Insert stores a new customer (Version 1). When c.Code is empty the store
	// assigns the next code of the month period ("202611") in the same
	// atomic step: C + period + at least three digits, never reused, safe
	// under concurrency. Errors: CONFLICT with field "creditCode" when the
	// credit code is taken, or field "code" when a preset code is. On
	// failure c.Code is left as it was given. A preset code in the store's
	// format (imports, migration) raises its period's sequence to at least
	// its number, so generated codes never collide with it; so does Load.
	// BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE) when the encoded document
	// is larger than MaxDocumentBytes, as for Replace.
	Insert(ctx context.Context, c *Customer, period string) error
	// InsertMany inserts customers in as few writes as the store can (the
	// embedded store: one transaction and one publication of the read
	// model), each as Insert does: Version 1 (and a new ID when ID is
	// empty); a code from period's sequence when Code is empty, in the
	// batch's order, after the batch's preset codes have raised their
	// periods' sequences (so no code drawn collides with one of them).
	// A customer that cannot be inserted is left out and its error is at
	// its index in errs; the others are inserted. Such errors: CONFLICT
	// with field "creditCode" or "code", as Insert's, when the key is taken
	// or was claimed by an earlier customer of the batch; BAD_USER_INPUT
	// (reason DOCUMENT_TOO_LARGE) as Insert's. When err is nil, errs has
	// len(customers) entries, nil for each customer inserted. err is for
	// the whole batch (INTERNAL: a nil customer, an ID twice in the batch,
	// a bad period for a customer without a code, a failed write), with
	// errs nil: nothing was inserted (MongoDB, which writes without a
	// transaction, may have inserted some before a lost connection).
	// Customers left out, and all of them when err is set, keep ID, Code
	// and Version as given.
	InsertMany(ctx context.Context, customers []*Customer, period string) (errs []error, err error)
	// Get returns the full document, archived or not. Errors: NOT_FOUND.
	Get(ctx context.Context, id string) (*Customer, error)
	// GetByCode is Get by customer code. Errors: NOT_FOUND.
	GetByCode(ctx context.Context, code string) (*Customer, error)
	// GetMany returns the full documents of ids that exist, in the order of ids.
	GetMany(ctx context.Context, ids []string) ([]*Customer, error)
	// Replace writes c when the stored version equals expectedVersion; the
	// caller has set c.Version to expectedVersion+1. Errors: NOT_FOUND;
	// CONFLICT when the version moved on (Fields empty) or the credit code is
	// taken (field "creditCode"); BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE)
	// when the encoded document is larger than MaxDocumentBytes.
	Replace(ctx context.Context, c *Customer, expectedVersion int64) error
	// List returns one page in the requested order with keyset paging.
	List(ctx context.Context, q ListQuery) (*Page, error)
	// Counts returns, for each filter (nil: every customer), the number of
	// customers in scope it selects, in one pass over the customers (a
	// sidebar of saved segments), evaluated for q's viewer (q.User,
	// q.Viewer). Errors: BAD_USER_INPUT for a bad scope.
	Counts(ctx context.Context, filters []Filter, q CountQuery) ([]int, error)
	// Each calls fn with every customer in q.Scope that q.Filter (nil:
	// every one) selects, evaluated for q.User and q.Viewer as Counts
	// evaluates, in no set order, and stops at fn's first error, which it
	// returns. With q.Full each customer is the whole document; otherwise
	// it is one on which every Lean filter matches as on the whole
	// document (a read model's Partial customer with its Brief, or the
	// whole document). fn must neither keep nor modify it. Errors:
	// BAD_USER_INPUT for a bad scope.
	Each(ctx context.Context, q EachQuery, fn func(*Customer) error) error
	// CustomersWithTasks calls fn for each active customer with a task
	// that q.Picks (of q's status, OPEN when empty, and of q.Assignee, any
	// assignee's when empty), each once, in no set order, and stops at
	// fn's first error, which it returns. The customer holds those tasks
	// at least: for OPEN as a list hands it out (Partial), for DONE and
	// CLOSED a Partial customer or the whole document. fn must not modify
	// it; the caller picks the tasks (kind, due time, snoozing are its to
	// apply). Errors: BAD_USER_INPUT for an unknown status.
	CustomersWithTasks(ctx context.Context, q TaskQuery, fn func(*Customer) error) error
	// OpenServiceRequests calls fn for each active customer with a service
	// request that is not closed (of q.Assignee, when set), as a list hands
	// it out (Partial) with those requests at least; the caller picks them.
	OpenServiceRequests(ctx context.Context, q ServiceQuery, fn func(*Customer) error) error
	// ReplaceMany replaces each customer that is still at its expected
	// version (expected[i]; customers[i].Version must be expected[i] + 1,
	// each customer once), as Replace does, in as few writes as the store
	// can (the embedded store: one), and returns the indexes, ascending, of
	// those changed or deleted meanwhile, left unwritten: a batch writer's
	// bookkeeping (the classification pass), which redoes those one by one.
	ReplaceMany(ctx context.Context, customers []*Customer, expected []int64) (conflicts []int, err error)
	// DeleteMany removes for good each customer still at its expected
	// version (expected[i] for ids[i], each id once), in as few writes as
	// the store can (the embedded store: one transaction and one
	// publication of the read model, its text index rows with it): the
	// undo of an import, an erasure on request. Every read then misses a
	// deleted customer (Get and GetByCode answer NOT_FOUND; lists, counts,
	// Each, FindMatches and text filters pass it by); its code is never
	// given out again. It returns the indexes, ascending, of the customers
	// not deleted: changed, their version moved on meanwhile (a caller
	// decides again on them); gone, no customer has the id (not an error:
	// gone is what was asked, but not by this call). err is for the whole
	// batch (INTERNAL: ids and expected of different lengths, an id twice,
	// a failed write), with changed and gone nil: nothing was deleted
	// (MongoDB, which deletes without a transaction, may have deleted some
	// before a lost connection).
	DeleteMany(ctx context.Context, ids []string, expected []int64) (changed, gone []int, err error)
	// SetNextChecks stores Class.NextCheckAt of each customer that is still
	// at the version given, changing nothing else (not the version): the
	// classification pass's bookkeeping, which must not make a person's
	// edit of the customer a conflict. A customer changed meanwhile is
	// skipped (its writer computed the check again). It returns how many it
	// stored.
	SetNextChecks(ctx context.Context, checks []NextCheck) (int, error)
	// Estimate returns about how many customers the store holds (archived
	// ones included), cheaply: what the cost model scales with.
	Estimate(ctx context.Context) (int, error)
	// FindMatches returns the customers, archived ones included, that share
	// a key with q: the credit code, the name key (Match.Name) or a phone
	// key (in Match.Phones). At most q.Limit, ordered by code; Partial
	// customers (no nested arrays) with Match set by today's rules (a store
	// recomputes keys of an older MatchKeysVersion). Empty keys match
	// nothing. Errors: BAD_USER_INPUT for a Limit below 1.
	FindMatches(ctx context.Context, q MatchQuery) ([]*Customer, error)
}

// MatchQuery holds the keys of a customer being entered (match.go).
type MatchQuery struct {
	CreditCode string   // as stored (CreditCodeKey); "" for none
	Name       string   // a CompanyNameKey; "" for none
	Phones     []string // PhoneKeys
	Limit      int
}

// Matches reports whether c shares a key with q (the reference semantics
// of FindMatches).
func (q MatchQuery) Matches(c *Customer) bool {
	if q.CreditCode != "" && c.CreditCode == q.CreditCode {
		return true
	}
	if q.Name != "" && c.Match.Name == q.Name {
		return true
	}
	for _, p := range q.Phones {
		if p != "" && contains(c.Match.Phones, p) {
			return true
		}
	}
	return false
}

// TaskQuery selects tasks across customers (Service.Tasks).
type TaskQuery struct {
	Assignee  string     // "" for everyone's (managers)
	Status    TaskStatus // "" for OPEN
	Kind      TaskKind   // "" for any
	DueBefore time.Time  // zero for any
	// Snoozed includes the open tasks put off past Now; Now is the time.
	Snoozed bool
	Now     time.Time
}

// TaskStatus is the status q lists: q.Status, OPEN when empty.
func (q TaskQuery) TaskStatus() TaskStatus {
	if q.Status == "" {
		return TaskOpen
	}
	return q.Status
}

// Picks reports whether a task of status and assignee is one of q's
// status and assignee: what CustomersWithTasks looks for (the reference
// semantics of the stores, on a Task or a BriefTask).
func (q TaskQuery) Picks(status TaskStatus, assignee string) bool {
	return status == q.TaskStatus() && (q.Assignee == "" || assignee == q.Assignee)
}

// NextCheck is a customer's next classification check, at a version.
type NextCheck struct {
	ID      string
	Version int64
	At      time.Time
}

// EachQuery is what Each visits.
type EachQuery struct {
	Scope  ArchiveScope
	Filter Filter
	Full   bool   // whole documents
	User   string // the viewer, for the evaluation gate
	Viewer *Actor // see ListQuery.Viewer
	// DueBy, when set, keeps only the customers whose classification is
	// due by then: Class.NextCheckAt set and not after DueBy (the periodic
	// pass of the classification rules).
	DueBy time.Time
}

// CountQuery is what Counts needs besides the filters.
type CountQuery struct {
	Scope  ArchiveScope
	User   string // the viewer, for the evaluation gate
	Viewer *Actor // see ListQuery.Viewer
}

// OrderField names a sortable customer field. Every order is completed by
// the id, so keyset paging is total.
type OrderField string

const (
	OrderCode               OrderField = "CODE"
	OrderName               OrderField = "NAME"
	OrderCreatedAt          OrderField = "CREATED_AT"
	OrderUpdatedAt          OrderField = "UPDATED_AT"
	OrderLastInteractionAt  OrderField = "LAST_INTERACTION_AT"
	OrderInteractionCount   OrderField = "INTERACTION_COUNT"
	OrderDealCount          OrderField = "DEAL_COUNT"
	OrderTotalAmount        OrderField = "TOTAL_AMOUNT"
	OrderLastDealOn         OrderField = "LAST_DEAL_ON"
	OrderAvgSatisfaction    OrderField = "AVG_SATISFACTION"
	OrderOpenNeedCount      OrderField = "OPEN_NEED_COUNT"
	OrderType               OrderField = "TYPE"
	OrderStage              OrderField = "STAGE" // in pipeline order
	OrderValueTier          OrderField = "VALUE_TIER"
	OrderIntentGrade        OrderField = "INTENT_GRADE"
	OrderNeedType           OrderField = "NEED_TYPE"
	OrderIndustry           OrderField = "INDUSTRY"
	OrderSource             OrderField = "SOURCE"
	OrderProvince           OrderField = "PROVINCE"
	OrderCity               OrderField = "CITY"
	OrderFirstInteractionAt OrderField = "FIRST_INTERACTION_AT"
	OrderFirstDealOn        OrderField = "FIRST_DEAL_ON"
	OrderComplaintCount     OrderField = "COMPLAINT_COUNT"
	OrderLastComplaintAt    OrderField = "LAST_COMPLAINT_AT"
	OrderSatisfactionCount  OrderField = "SATISFACTION_COUNT"
	OrderLifecycle          OrderField = "LIFECYCLE"
	OrderNextFollowUpAt     OrderField = "NEXT_FOLLOW_UP_AT"
)

var orderFields = []OrderField{OrderCode, OrderName, OrderCreatedAt, OrderUpdatedAt, OrderLastInteractionAt,
	OrderInteractionCount, OrderDealCount, OrderTotalAmount, OrderLastDealOn, OrderAvgSatisfaction, OrderOpenNeedCount,
	OrderType, OrderStage, OrderValueTier, OrderIntentGrade, OrderNeedType, OrderIndustry, OrderSource,
	OrderProvince, OrderCity, OrderFirstInteractionAt, OrderFirstDealOn, OrderComplaintCount,
	OrderLastComplaintAt, OrderSatisfactionCount, OrderLifecycle, OrderNextFollowUpAt}

func (f OrderField) Valid() bool { return validEnum(f, orderFields) }

// OrderFields lists every sortable field.
func OrderFields() []OrderField { return append([]OrderField(nil), orderFields...) }

var orderPaths = map[OrderField]string{
	OrderCode: "code", OrderName: "match.order", OrderCreatedAt: "createdAt", OrderUpdatedAt: "updatedAt",
	OrderLastInteractionAt: "stats.lastInteractionAt", OrderInteractionCount: "stats.interactionCount",
	OrderDealCount: "stats.dealCount", OrderTotalAmount: "stats.totalAmount", OrderLastDealOn: "stats.lastDealOn",
	OrderAvgSatisfaction: "stats.avgSatisfaction", OrderOpenNeedCount: "stats.openNeedCount",
	OrderType: "type", OrderStage: "stats.stageRank", OrderValueTier: "valueTier", OrderIntentGrade: "intentGrade",
	OrderNeedType: "needType", OrderIndustry: "match.industryOrder", OrderSource: "match.sourceOrder",
	OrderProvince: "match.provinceOrder", OrderCity: "match.cityOrder", OrderFirstInteractionAt: "stats.firstInteractionAt", OrderFirstDealOn: "stats.firstDealOn",
	OrderComplaintCount: "stats.complaintCount", OrderLastComplaintAt: "stats.lastComplaintAt",
	OrderSatisfactionCount: "stats.satisfactionCount", OrderLifecycle: "lifecycle", OrderNextFollowUpAt: "stats.nextFollowUpAt",
}

// StoragePath is the document path of the field, as both stores sort on it.
func (f OrderField) StoragePath() string {
	if p, ok := orderPaths[f]; ok {
		return p
	}
	return "code"
}

// Optional reports whether the field is a text left out of the document
// when empty (omitempty): the empty value sorts first, as MongoDB sorts a
// missing field before every string, and a store's keyset conditions must
// treat a missing field as equal to "".
func (f OrderField) Optional() bool {
	switch f {
	case OrderValueTier, OrderLifecycle, OrderIntentGrade, OrderNeedType, OrderIndustry, OrderSource, OrderProvince, OrderCity:
		return true
	}
	return false
}

// SortValue returns c's value for f: a string, int64, float64 or time.Time.
func (c *Customer) SortValue(f OrderField) any {
	switch f {
	case OrderName: // in pinyin order (OrderKey)
		if c.Match.Current() {
			return c.Match.Order
		}
		return OrderKey(c.Name)
	case OrderCreatedAt:
		return c.CreatedAt
	case OrderUpdatedAt:
		return c.UpdatedAt
	case OrderLastInteractionAt:
		return c.Stats.LastInteractionAt
	case OrderInteractionCount:
		return int64(c.Stats.InteractionCount)
	case OrderDealCount:
		return int64(c.Stats.DealCount)
	case OrderTotalAmount:
		return int64(c.Stats.TotalAmount)
	case OrderLastDealOn:
		return c.Stats.LastDealOn
	case OrderAvgSatisfaction:
		return c.Stats.AvgSatisfaction
	case OrderOpenNeedCount:
		return int64(c.Stats.OpenNeedCount)
	case OrderType:
		return string(c.Type)
	case OrderStage:
		return int64(c.Stats.StageRank)
	case OrderValueTier:
		return string(c.ValueTier)
	case OrderLifecycle:
		return string(c.Lifecycle)
	case OrderNextFollowUpAt:
		return c.Stats.NextFollowUpAt
	case OrderIntentGrade:
		return string(c.IntentGrade)
	case OrderNeedType:
		return string(c.NeedType)
	case OrderIndustry, OrderSource, OrderProvince, OrderCity: // in pinyin order too
		k := &c.Match
		if !k.Current() {
			k = &MatchKeys{IndustryOrder: OrderKey(c.Industry), SourceOrder: OrderKey(c.Source),
				ProvinceOrder: OrderKey(c.Region.Province), CityOrder: OrderKey(c.Region.City)}
		}
		switch f {
		case OrderIndustry:
			return k.IndustryOrder
		case OrderSource:
			return k.SourceOrder
		case OrderProvince:
			return k.ProvinceOrder
		}
		return k.CityOrder
	case OrderFirstInteractionAt:
		return c.Stats.FirstInteractionAt
	case OrderFirstDealOn:
		return c.Stats.FirstDealOn
	case OrderComplaintCount:
		return int64(c.Stats.ComplaintCount)
	case OrderLastComplaintAt:
		return c.Stats.LastComplaintAt
	case OrderSatisfactionCount:
		return int64(c.Stats.SatisfactionCount)
	}
	return c.Code
}

// CompareSortValues orders two values of one OrderField (-1, 0, +1).
func CompareSortValues(a, b any) int {
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		return cmp3(x < y, x > y)
	case int64:
		y, _ := b.(int64)
		return cmp3(x < y, x > y)
	case float64:
		y, _ := b.(float64)
		return cmp3(x < y, x > y)
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	}
	return 0
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// Cursor is a keyset position: the sort value and id of the last row seen.
type Cursor struct {
	Value any // as returned by SortValue
	ID    string
}

// ArchiveScope selects active, archived or all customers.
type ArchiveScope string

const (
	ScopeActive   ArchiveScope = "ACTIVE"
	ScopeArchived ArchiveScope = "ARCHIVED"
	ScopeAll      ArchiveScope = "ALL"
)

func (s ArchiveScope) Valid() bool { return s == ScopeActive || s == ScopeArchived || s == ScopeAll }

// ListQuery asks for one page of customers.
type ListQuery struct {
	// Search matches, case-insensitively and literally, a substring of the
	// name, the code or any contact's name.
	Search  string
	OrderBy OrderField
	Desc    bool
	First   int     // rows wanted, > 0
	After   *Cursor // start after this position
	Scope   ArchiveScope
	// WithTotal asks for the number of customers matching (ignoring After).
	WithTotal bool
	// Filter, when set, keeps only the customers it matches (segments,
	// internal/segment); Total counts the matching ones.
	Filter Filter
	// Full asks for whole documents; otherwise the nested arrays (contacts,
	// interactions, needs, deals, satisfaction, histories) may be left empty
	// and the returned customers are marked Partial.
	Full bool
	// User is the user the list is evaluated for ("" for the system): the
	// evaluation gate (EvalGate) counts expensive evaluations per user.
	User string
	// Viewer, when set, is who the free-text conditions of Filter match
	// for: on a customer whose contact details the viewer sees masked
	// (Actor.CanSeeContactDetails false) they match the texts as the viewer
	// reads them (MaskFreeText), so a filter cannot recover what is masked.
	Viewer *Actor
	// WithContacts, without Full, asks for the contacts and the notes on
	// the Partial customers of the page (what an export of contact columns
	// needs), not the rest of the nested arrays.
	WithContacts bool
}

// Filter selects customers. internal/segment builds them from the filter
// language; stores apply them to lists and counts.
type Filter interface {
	// Match reports whether a whole customer document is selected: the
	// reference semantics every store must agree with.
	Match(c *Customer) bool
	// Lean reports whether Match reads only what a read model's Partial
	// customer has: the top-level fields and the Brief of the nested
	// arrays (not an interaction's summary). Match then works on such a
	// customer as on the whole document.
	Lean() bool
	// Mongo returns the filter as a MongoDB query document, resolved
	// against the time the filter was built.
	Mongo() (filter any, err error)
}

// Page is one page of a list.
type Page struct {
	Customers []*Customer
	HasNext   bool
	Total     int // -1 unless WithTotal
}

// UserStore keeps staff accounts.
type UserStore interface {
	// Insert stores a new user. Errors: CONFLICT with field "email".
	Insert(ctx context.Context, u *User) error
	// Get: NOT_FOUND.
	Get(ctx context.Context, id string) (*User, error)
	// GetByEmail looks up a normalized (lower-case) email. NOT_FOUND.
	GetByEmail(ctx context.Context, email string) (*User, error)
	// GetMany returns the users of ids that exist, in the order of ids.
	GetMany(ctx context.Context, ids []string) ([]*User, error)
	// List returns every user ordered by email.
	List(ctx context.Context) ([]*User, error)
	// Replace is a versioned write like CustomerStore.Replace.
	// Errors: NOT_FOUND, CONFLICT (version, or field "email").
	Replace(ctx context.Context, u *User, expectedVersion int64) error
	// Count returns the number of users.
	Count(ctx context.Context) (int, error)
}

// SessionStore keeps sign-in sessions, so any replica can serve any request.
type SessionStore interface {
	Insert(ctx context.Context, s *Session) error
	// Get: NOT_FOUND. Expired sessions are returned until swept: the caller
	// compares ExpiresAt with its own clock.
	Get(ctx context.Context, id string) (*Session, error)
	// Delete removes a session; deleting a missing one is not an error.
	Delete(ctx context.Context, id string) error
	// DeleteUser removes every session of a user.
	DeleteUser(ctx context.Context, userID string) error
	// DeleteExpired removes sessions that expired before now.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}

// SettingStore keeps small versioned documents, one per key (the
// classification rule set; leases of periodic jobs), read whole and
// replaced whole with optimistic concurrency. Each is stored as a Setting.
type SettingStore interface {
	// Get decodes the value stored under key into value (a pointer to a
	// struct with bson tags) and returns its version (1 or more).
	// Errors: NOT_FOUND when nothing is stored under key.
	Get(ctx context.Context, key string, value any) (version int64, err error)
	// Put stores value under key as version expectedVersion+1 when the
	// stored version is expectedVersion; expectedVersion 0 creates the key.
	// Errors: CONFLICT (field "expectedVersion") when the stored version is
	// another one or, for 0, the key exists; BAD_USER_INPUT (field "key")
	// for an empty key or one over MaxSettingKeyBytes (100) bytes.
	Put(ctx context.Context, key string, value any, expectedVersion int64) error
}

// Collections every store holds, in the order `kehu migrate` copies them.
const (
	CollectionCustomers = "customers"
	CollectionUsers     = "users"
	CollectionSessions  = "sessions"
	CollectionSequences = "sequences"
	CollectionSegments  = "segments"
	CollectionAPITokens = "apiTokens"
	CollectionSettings  = "settings"
	// CollectionImports holds Import documents, CollectionImportUndo
	// their ImportUndo chunks (with their ImportUndoID as _id) and
	// CollectionImportRows their ImportRows chunks (with their
	// ImportRowsID).
	CollectionImports    = "imports"
	CollectionImportUndo = "importUndo"
	CollectionImportRows = "importRows"
	// CollectionMerges holds Merge documents.
	CollectionMerges = "merges"
)

// Collections lists every collection.
func Collections() []string {
	return []string{CollectionSequences, CollectionUsers, CollectionSessions, CollectionCustomers, CollectionSegments,
		CollectionAPITokens, CollectionSettings, CollectionImports, CollectionImportUndo, CollectionImportRows,
		CollectionMerges}
}

// Migrator copies raw BSON documents between stores.
type Migrator interface {
	// Dump calls fn with every document of the collection, ordered by _id.
	// A sequence document is {_id: "customer:202611", value: int64}.
	Dump(ctx context.Context, collection string, fn func(doc []byte) error) error
	// Load writes documents into the collection, replacing any with the
	// same _id, and makes them visible to readers (the read model).
	Load(ctx context.Context, collection string, docs [][]byte) error
}

// Duplicate returns the CONFLICT error for a taken unique key.
func Duplicate(field string) *Error {
	return &Error{Code: CodeConflict, Message: field + " is already used by another record",
		Fields: []FieldError{{Field: field, Message: "is already used by another record", Reason: ReasonTaken}}}
}

// VersionConflict is the error for a stale expectedVersion.
func VersionConflict(kind string) *Error {
	return &Error{Code: CodeConflict, Message: "the " + kind + " was changed by someone else since you loaded it; reload and apply your change again"}
}

// NotFound is the error for a missing record.
func NotFound(kind, key string) *Error {
	return &Error{Code: CodeNotFound, Message: kind + " " + key + " not found"}
}

// IsVersionConflict reports a CONFLICT without fields: the version moved.
func IsVersionConflict(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == CodeConflict && len(e.Fields) == 0
}

// FormatCode builds a customer code from a period and sequence number.
func FormatCode(period string, n int64) string {
	s := itoa(int(n))
	for len(s) < 3 {
		s = "0" + s
	}
	return "C" + period + s
}

// ParseCode splits a customer code in the store's format (C + yyyymm +
// sequence) into its period and number; ok is false for other formats.
func ParseCode(code string) (period string, n int64, ok bool) {
	if len(code) < 10 || len(code) > 20 || code[0] != 'C' || !allDigits(code[1:]) {
		return "", 0, false
	}
	for _, c := range code[7:] {
		n = n*10 + int64(c-'0')
	}
	return code[1:7], n, true
}

// CodePeriod is the yyyymm period of t in loc.
func CodePeriod(t time.Time, loc *time.Location) string { return t.In(loc).Format("200601") }

package crm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// SavedSegment is a named filter of customers that a user keeps: its
// members and count are evaluated live whenever they are asked for. It is
// private to its owner unless Shared.
type SavedSegment struct {
	ID   string `bson:"_id"`
	Name string `bson:"name"`
	// NameKey is the name folded for comparison (SegmentNameKey): a user's
	// segments have distinct keys, so names are unique per owner regardless
	// of case. Stores keep it unique per OwnerID.
	NameKey string `bson:"nameKey"`
	// Where is the filter in its canonical input form: a CustomerWhere value
	// as JSON text, what the stores' list machinery evaluates.
	Where string `bson:"where"`
	// Query is the filter's canonical one-line form; "" when it has none
	// (an or without branches).
	Query     string    `bson:"query,omitempty"`
	Shared    bool      `bson:"shared"`
	OwnerID   string    `bson:"ownerId"`
	CreatedAt time.Time `bson:"createdAt"`
	CreatedBy string    `bson:"createdBy"`
	UpdatedAt time.Time `bson:"updatedAt"`
	UpdatedBy string    `bson:"updatedBy"`
	Version   int64     `bson:"version"`
}

// MaxSegmentName bounds a segment's name, in characters.
const MaxSegmentName = 80

// Quotas of saved segments per owner: every segment is evaluated live when
// its owner's sidebar shows it, and every shared one in every user's
// sidebar (docs/API.md).
const (
	MaxSavedSegments  = 100 // segments one user owns, shared or not
	MaxSharedSegments = 20  // of which shared
)

// quotaExceeded is the BAD_USER_INPUT of a save over a quota of max.
func quotaExceeded(field string, max int, msg string) error {
	p := NewProblems()
	p.Fail(field, ReasonQuotaExceeded, map[string]any{"max": max}, "%s", msg)
	return p.Err()
}

// checkQuota checks that owner may hold one more segment (adding true)
// and one more shared one (sharing true), seg being the segment saved
// (already counted when it exists).
func (s *Service) checkQuota(ctx context.Context, owner string, seg *SavedSegment, adding, sharing bool) error {
	if !adding && !sharing {
		return nil
	}
	segs, err := s.Store.Segments().ListVisible(ctx, owner)
	if err != nil {
		return err
	}
	own, shared := 0, 0
	for _, x := range segs {
		if x.OwnerID != owner || x.ID == seg.ID {
			continue
		}
		own++
		if x.Shared {
			shared++
		}
	}
	if adding && own >= MaxSavedSegments {
		return quotaExceeded("name", MaxSavedSegments, fmt.Sprintf("you already keep %d saved segments, the most one user may keep: delete one first", MaxSavedSegments))
	}
	if sharing && shared >= MaxSharedSegments {
		return quotaExceeded("shared", MaxSharedSegments, fmt.Sprintf("you already share %d segments, the most one user may share: unshare or delete one first", MaxSharedSegments))
	}
	return nil
}

// quotaLocked checks the quota holding owner's lock, which serialises the
// saves of one owner's segments in this process so that two saves at once
// cannot both pass a quota; the caller calls unlock after its write.
func (s *Service) quotaLocked(ctx context.Context, owner string, seg *SavedSegment, adding, sharing bool) (unlock func(), err error) {
	unlock, err = s.segmentOwners.lock(ctx, owner)
	if err != nil {
		return nil, err
	}
	if err := s.checkQuota(ctx, owner, seg, adding, sharing); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

// SegmentNameKey folds a segment name for the per-owner uniqueness check.
func SegmentNameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// SortSegments orders segments as lists show them: by NameKey, then Name
// (byte order, i.e. Unicode code points), then ID.
func SortSegments(segs []*SavedSegment) {
	slices.SortFunc(segs, func(a, b *SavedSegment) int {
		return cmp.Or(strings.Compare(a.NameKey, b.NameKey), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
}

// SegmentStore keeps saved segments.
type SegmentStore interface {
	// Insert stores a new segment as given (the caller sets Version 1 and
	// NameKey). Errors: CONFLICT with field "name" when its owner already
	// has a segment with the same NameKey.
	Insert(ctx context.Context, s *SavedSegment) error
	// Get returns a segment, whoever owns it. Errors: NOT_FOUND.
	Get(ctx context.Context, id string) (*SavedSegment, error)
	// Replace is a versioned write like CustomerStore.Replace (the caller
	// has set s.Version to expectedVersion+1). Errors: NOT_FOUND; CONFLICT
	// when the version moved on (no fields) or the name is taken among its
	// owner's segments (field "name").
	Replace(ctx context.Context, s *SavedSegment, expectedVersion int64) error
	// Delete removes the segment when its stored version is
	// expectedVersion. Errors: NOT_FOUND; CONFLICT when the version moved.
	Delete(ctx context.Context, id string, expectedVersion int64) error
	// ListVisible returns the segments owned by userID and every shared
	// one, ordered by NameKey, then Name, then ID.
	ListVisible(ctx context.Context, userID string) ([]*SavedSegment, error)
}

// SegmentFilters checks filters for saved segments. internal/segment
// implements it (crm cannot import the filter language, which imports crm).
type SegmentFilters interface {
	// Canonical checks a filter given either as a where input (a
	// CustomerWhere value, where non-nil) or as a query line, and returns
	// its canonical forms: the where input as JSON text, and the one-line
	// form ("" when the filter has none). Errors: BAD_USER_INPUT with the
	// field path ("where.valueTier.in", or "query" with the position).
	Canonical(where map[string]any, query *string) (whereJSON, line string, err error)
}

// SegmentInput is what saveSegment takes: a name and exactly one of Where
// (a CustomerWhere value) and Query (a query line).
type SegmentInput struct {
	Name   string
	Where  map[string]any
	Query  *string
	Shared bool
}

// SegmentPatch changes a segment; nil fields are left alone. Where and
// Query replace the filter; at most one of them may be given.
type SegmentPatch struct {
	Name   *string
	Where  map[string]any
	Query  *string
	Shared *bool
}

// Segments returns the segments a may see in a list: a's own and the
// shared ones, ordered by name. Errors: UNAUTHENTICATED.
func (s *Service) Segments(ctx context.Context, a Actor) ([]*SavedSegment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	return s.Store.Segments().ListVisible(ctx, a.UserID)
}

// Segment returns one segment a may see. Errors: UNAUTHENTICATED;
// NOT_FOUND when it does not exist or is someone else's private segment
// (the same answer, so ids do not reveal private segments).
func (s *Service) Segment(ctx context.Context, a Actor, id string) (*SavedSegment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	seg, err := s.Store.Segments().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeSegment(seg) {
		return nil, NotFound("segment", id)
	}
	return seg, nil
}

// SaveSegment saves a new segment owned by a. Errors: UNAUTHENTICATED;
// BAD_USER_INPUT (name required, at most 80 characters; exactly one of
// where and query, else field "where"; a bad filter with its path);
// CONFLICT with field "name" when a already has a segment of that name
// (case-insensitively).
func (s *Service) SaveSegment(ctx context.Context, a Actor, in SegmentInput) (*SavedSegment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	now := s.now()
	seg := &SavedSegment{ID: NewID(), Shared: in.Shared, OwnerID: a.UserID,
		CreatedAt: now, CreatedBy: a.UserID, UpdatedAt: now, UpdatedBy: a.UserID, Version: 1}
	p := NewProblems()
	seg.Name = checkText(p, "name", in.Name, MaxSegmentName, true)
	seg.NameKey = SegmentNameKey(seg.Name)
	if (in.Where == nil) == (in.Query == nil) {
		p.Fail("where", ReasonExclusive, nil, "give exactly one of where and query")
	} else if err := s.setFilter(p, seg, in.Where, in.Query); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	unlock, err := s.quotaLocked(ctx, seg.OwnerID, seg, true, seg.Shared)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := CheckStored(seg, nil); err != nil {
		return nil, err
	}
	if err := s.Store.Segments().Insert(ctx, seg); err != nil {
		return nil, nameTaken(err, seg)
	}
	return seg, nil
}

// UpdateSegment changes a segment of version expectedVersion. Errors:
// UNAUTHENTICATED; NOT_FOUND (also for someone else's private segment);
// FORBIDDEN (a shared segment of someone else, unless a is an ADMIN);
// BAD_USER_INPUT as for SaveSegment (where and query together: field
// "where"); CONFLICT (a stale version, or field "name").
func (s *Service) UpdateSegment(ctx context.Context, a Actor, id string, expectedVersion int64, patch SegmentPatch) (*SavedSegment, error) {
	seg, err := s.editableSegment(ctx, a, id, expectedVersion)
	if err != nil {
		return nil, err
	}
	p := NewProblems()
	before := StoredStrings(seg)
	if patch.Name != nil {
		seg.Name = checkText(p, "name", *patch.Name, MaxSegmentName, true)
		seg.NameKey = SegmentNameKey(seg.Name)
	}
	switch {
	case patch.Where != nil && patch.Query != nil:
		p.Fail("where", ReasonExclusive, nil, "give at most one of where and query")
	case patch.Where != nil || patch.Query != nil:
		if err := s.setFilter(p, seg, patch.Where, patch.Query); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := CheckStored(seg, before); err != nil {
		return nil, err
	}
	sharing := patch.Shared != nil && *patch.Shared && !seg.Shared
	if patch.Shared != nil {
		seg.Shared = *patch.Shared
	}
	if sharing {
		unlock, err := s.quotaLocked(ctx, seg.OwnerID, seg, false, true)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	seg.Version = expectedVersion + 1
	seg.UpdatedAt, seg.UpdatedBy = s.now(), a.UserID
	if err := s.Store.Segments().Replace(ctx, seg, expectedVersion); err != nil {
		return nil, nameTaken(err, seg)
	}
	return seg, nil
}

// DeleteSegment removes a segment of version expectedVersion. Errors as
// for UpdateSegment.
func (s *Service) DeleteSegment(ctx context.Context, a Actor, id string, expectedVersion int64) error {
	if _, err := s.editableSegment(ctx, a, id, expectedVersion); err != nil {
		return err
	}
	return s.Store.Segments().Delete(ctx, id, expectedVersion)
}

// editableSegment loads a segment a may change at expectedVersion.
func (s *Service) editableSegment(ctx context.Context, a Actor, id string, expectedVersion int64) (*SavedSegment, error) {
	seg, err := s.Segment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.CanEditSegment(seg) {
		return nil, Errorf(CodeForbidden, "only its owner or an admin may change segment %q", seg.Name)
	}
	if seg.Version != expectedVersion {
		return nil, VersionConflict("segment")
	}
	return seg, nil
}

// setFilter checks the filter (exactly one of where and query is set) and
// stores its canonical forms on seg. A bad filter is returned as it is
// when p holds no other problem (keeping the parse error's position), else
// its fields join p's.
func (s *Service) setFilter(p Problems, seg *SavedSegment, where map[string]any, query *string) error {
	if s.Filters == nil {
		return Internal(errNoSegmentFilters)
	}
	w, line, err := s.Filters.Canonical(where, query)
	var e *Error
	switch {
	case err == nil:
		seg.Where, seg.Query = w, line
		// The filter's values are stored too: no ID number or home
		// address in them, named by their path in the input.
		if query != nil {
			checkPersonal(p, "query", *query)
		} else {
			walkStrings(reflect.ValueOf(where), "where", func(path, v string) { checkPersonal(p, path, v) })
		}
		return nil
	case len(*p.list) == 0, !errors.As(err, &e), e.Code != CodeBadUserInput:
		return err
	}
	for _, f := range e.Fields {
		p.AddError(f)
	}
	return nil
}

type constError string

func (e constError) Error() string { return string(e) }

const errNoSegmentFilters = constError("crm: Service.Filters is not set")

// nameTaken words the store's CONFLICT on "name" for the person saving.
func nameTaken(err error, seg *SavedSegment) error {
	e, ok := err.(*Error)
	if !ok || e.Code != CodeConflict || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
		return err
	}
	msg := "a segment called \u201c" + seg.Name + "\u201d already exists for its owner"
	return &Error{Code: CodeConflict, Message: "name: " + msg, Fields: []FieldError{{Field: "name", Message: msg, Reason: ReasonTaken}}}
}

func signedIn(a Actor) error {
	if a.UserID == "" || !a.Role.Valid() {
		return Errorf(CodeUnauthenticated, "sign in first")
	}
	return nil
}

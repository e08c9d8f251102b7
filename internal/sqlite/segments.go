package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// segmentStore is the crm.SegmentStore view of a Store. Segments are few
// and small: they are read from SQLite on every call, not kept in the read
// model.
type segmentStore Store

var _ crm.SegmentStore = (*segmentStore)(nil)

// Insert stores seg. Errors: CONFLICT on "name" (the owner has that name
// key already) or "id".
func (ss *segmentStore) Insert(ctx context.Context, seg *crm.SavedSegment) error {
	if seg == nil || seg.ID == "" {
		return crm.Internal(errors.New("sqlite: insert segment: no segment or no id"))
	}
	doc, err := bson.Marshal(seg)
	if err != nil {
		return crm.Internal(fmt.Errorf("sqlite: encode segment: %w", err))
	}
	return (*Store)(ss).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		_, err := tx.ExecContext(ctx, "INSERT INTO segments (id, owner_id, name_key, shared, version, doc) VALUES (?, ?, ?, ?, ?, ?)",
			seg.ID, seg.OwnerID, seg.NameKey, boolInt(seg.Shared), seg.Version, doc)
		if err != nil {
			return nil, execErr("insert segment", err)
		}
		return nil, nil
	})
}

// Replace writes seg when the stored version is expectedVersion.
func (ss *segmentStore) Replace(ctx context.Context, seg *crm.SavedSegment, expectedVersion int64) error {
	if seg == nil {
		return crm.Internal(errors.New("sqlite: replace segment: nil segment"))
	}
	if seg.Version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("sqlite: replace segment: version %d, want expected version %d + 1", seg.Version, expectedVersion))
	}
	doc, err := bson.Marshal(seg)
	if err != nil {
		return crm.Internal(fmt.Errorf("sqlite: encode segment: %w", err))
	}
	return (*Store)(ss).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		res, err := tx.ExecContext(ctx, `UPDATE segments SET owner_id = ?, name_key = ?, shared = ?, version = ?, doc = ?
			WHERE id = ? AND version = ?`,
			seg.OwnerID, seg.NameKey, boolInt(seg.Shared), seg.Version, doc, seg.ID, expectedVersion)
		if err != nil {
			return nil, execErr("update segment", err)
		}
		return nil, versionCheck(ctx, tx, res, "segments", "segment", seg.ID)
	})
}

// Delete removes the segment at expectedVersion.
func (ss *segmentStore) Delete(ctx context.Context, id string, expectedVersion int64) error {
	return (*Store)(ss).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		res, err := tx.ExecContext(ctx, "DELETE FROM segments WHERE id = ? AND version = ?", id, expectedVersion)
		if err != nil {
			return nil, execErr("delete segment", err)
		}
		return nil, versionCheck(ctx, tx, res, "segments", "segment", id)
	})
}

// Get reads a segment. Errors: NOT_FOUND.
func (ss *segmentStore) Get(ctx context.Context, id string) (*crm.SavedSegment, error) {
	var doc []byte
	err := ss.rdb.QueryRowContext(ctx, "SELECT doc FROM segments WHERE id = ?", id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.NotFound("segment", id)
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get segment: %w", err))
	}
	seg := new(crm.SavedSegment)
	if err := bson.Unmarshal(doc, seg); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode segment %s: %w", id, err))
	}
	return seg, nil
}

// ListVisible returns userID's segments and the shared ones, by name key,
// name and id (SQLite's BINARY collation: Unicode code point order, as
// MongoDB's default).
func (ss *segmentStore) ListVisible(ctx context.Context, userID string) ([]*crm.SavedSegment, error) {
	rows, err := ss.rdb.QueryContext(ctx, `SELECT doc FROM segments WHERE owner_id = ? OR shared = 1`, userID)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list segments: %w", err))
	}
	defer rows.Close()
	out := []*crm.SavedSegment{}
	for rows.Next() {
		var doc sql.RawBytes
		if err := rows.Scan(&doc); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: list segments: %w", err))
		}
		seg := new(crm.SavedSegment)
		if err := bson.Unmarshal(doc, seg); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: decode segment: %w", err))
		}
		out = append(out, seg)
	}
	if err := rows.Err(); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list segments: %w", err))
	}
	crm.SortSegments(out)
	return out, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

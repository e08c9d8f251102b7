package sqlite

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/kehu-crm/kehu/internal/crm"
)

// staleMatchKeys reports whether a stored customer's match keys were made
// by older rules (crm.MatchKeysVersion) or are missing.
func staleMatchKeys(doc []byte) bool {
	v, ok := bson.Raw(doc).Lookup("match", "v").AsInt64OK()
	return !ok || v != crm.MatchKeysVersion
}

// writeBackBatch is the number of customers one write-back transaction
// rewrites.
const writeBackBatch = 500

// writeBackMatchKeys stores today's match keys in the documents whose keys
// the read model recomputed at load (written by a build with older rules,
// or copied from such a store), so that later starts do not recompute
// them again. Only the "match" element changes, not the version: no
// editor sees a conflict. It runs at Open before the store serves, so
// nothing else writes meanwhile.
func (s *Store) writeBackMatchKeys(stale []*entry) error {
	if len(stale) == 0 {
		return nil
	}
	start := time.Now()
	ctx := context.Background()
	for len(stale) > 0 {
		batch := stale[:min(len(stale), writeBackBatch)]
		stale = stale[len(batch):]
		if err := s.writeBackBatch(ctx, batch); err != nil {
			return fmt.Errorf("sqlite: store today's match keys: %w", err)
		}
	}
	s.log.Info("sqlite: match keys of older rules recomputed and stored", "version", crm.MatchKeysVersion,
		"elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

func (s *Store) writeBackBatch(ctx context.Context, batch []*entry) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, e := range batch {
		var doc []byte
		if err := tx.QueryRowContext(ctx, "SELECT doc FROM customers WHERE rowid = ?", e.row).Scan(&doc); err != nil {
			return err
		}
		updated, err := withElement(doc, "match", e.customer().Match)
		if err != nil {
			return fmt.Errorf("customer %s: %w", e.id(), err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE customers SET doc = ? WHERE rowid = ?", updated, e.row); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// withElement returns doc with its element key set to v: in its place when
// doc has it, else at the end. The other elements keep their bytes.
func withElement(doc []byte, key string, v any) ([]byte, error) {
	val, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	elems, err := bson.Raw(doc).Elements()
	if err != nil {
		return nil, err
	}
	idx, out := bsoncore.AppendDocumentStart(make([]byte, 0, len(doc)+len(val)))
	found := false
	for _, el := range elems {
		if el.Key() == key {
			out, found = bsoncore.AppendDocumentElement(out, key, val), true
			continue
		}
		out = append(out, el...)
	}
	if !found {
		out = bsoncore.AppendDocumentElement(out, key, val)
	}
	return bsoncore.AppendDocumentEnd(out, idx)
}

package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// customerStore is the crm.CustomerStore view of a Store.
type customerStore Store

var _ crm.CustomerStore = (*customerStore)(nil)

// maxVars bounds the ids of one IN (...) query.
const maxVars = 500

// sequenceName is the sequences row of a month period's customer codes.
func sequenceName(period string) string { return "customer:" + period }

// validPeriod reports whether period looks like yyyymm.
func validPeriod(period string) bool {
	_, _, ok := crm.ParseCode("C" + period + "000")
	return ok
}

// nullable stores "" as NULL (absent optional unique keys never collide).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Insert stores c with Version 1. When c.Code is empty it takes the next
// number of the period's sequence in the same transaction and sets c.Code.
// A preset code in the store's format raises its period's sequence to at
// least its number, so generated codes never collide with imported ones.
// On failure c is left as it was.
func (cs *customerStore) Insert(ctx context.Context, c *crm.Customer, period string) error {
	if c == nil {
		return crm.Internal(errors.New("sqlite: Insert: nil customer"))
	}
	if c.Code == "" && (len(period) != 6 || !validPeriod(period)) {
		return crm.Internal(fmt.Errorf("sqlite: Insert: invalid code period %q", period))
	}
	s := (*Store)(cs)
	orig := *c
	if c.ID == "" {
		c.ID = crm.NewID()
	}
	c.Version = 1
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		if orig.Code == "" {
			var n int64
			err := tx.QueryRowContext(ctx, `INSERT INTO sequences (name, value) VALUES (?, 1)
				ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, sequenceName(period)).Scan(&n)
			if err != nil {
				return nil, fmt.Errorf("sqlite: next customer code: %w", err)
			}
			c.Code = crm.FormatCode(period, n)
		} else if err := raiseSequence(ctx, tx, c.Code); err != nil {
			return nil, err
		}
		doc, err := bson.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("sqlite: encode customer: %w", err)
		}
		if len(doc) > crm.MaxDocumentBytes {
			return nil, crm.DocumentTooLarge(c.Code, len(doc))
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO customers (id, code, credit_code, version, doc) VALUES (?, ?, ?, ?, ?)`,
			c.ID, c.Code, nullable(c.CreditCode), c.Version, doc)
		if err != nil {
			return nil, execErr("insert customer", err)
		}
		row, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("sqlite: insert customer: %w", err)
		}
		if err := syncTexts(ctx, tx, row, c.Interactions, sql.NullInt64{}); err != nil {
			return nil, err
		}
		it, err := decodeLean(doc)
		if err != nil {
			return nil, err
		}
		it.e.row = row
		return []item{it}, nil
	})
	if err != nil {
		c.ID, c.Code, c.Version = orig.ID, orig.Code, orig.Version
	}
	return err
}

// raiseSequence lifts the sequence of code's period to at least its number
// (no-op for codes in another format).
func raiseSequence(ctx context.Context, tx *sql.Tx, code string) error {
	period, n, ok := crm.ParseCode(code)
	if !ok {
		return nil
	}
	return raisePeriod(ctx, tx, period, n)
}

// raisePeriod lifts period's sequence to at least n.
func raisePeriod(ctx context.Context, tx *sql.Tx, period string, n int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sequences (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`, sequenceName(period), n)
	if err != nil {
		return fmt.Errorf("sqlite: raise customer code sequence: %w", err)
	}
	return nil
}

// sequenceValue reads the last number of period's sequence (0 before the
// first).
func sequenceValue(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, period string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, "SELECT value FROM sequences WHERE name = ?", sequenceName(period)).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite: read customer code sequence: %w", err)
	}
	return n, nil
}

// encodeNew encodes a customer for an insert, with its read-model item;
// label names it in a DOCUMENT_TOO_LARGE error.
func encodeNew(c *crm.Customer, label string) ([]byte, item, error) {
	doc, err := bson.Marshal(c)
	if err != nil {
		return nil, item{}, crm.Internal(fmt.Errorf("sqlite: encode customer: %w", err))
	}
	if len(doc) > crm.MaxDocumentBytes {
		return nil, item{}, crm.DocumentTooLarge(label, len(doc))
	}
	it, err := decodeLean(doc)
	if err != nil {
		return nil, item{}, crm.Internal(err)
	}
	return doc, it, nil
}

// InsertMany inserts the customers in one write (one transaction, one
// publication of the read model), each as Insert does, those with a preset
// code first (they raise the sequences before numbers are drawn). The
// documents are encoded before the write, a customer without a code with
// the number the sequence is expected to give it; the write encodes again
// one that gets another (a concurrent Insert took the number, or an insert
// before it failed). A unique violation undoes its INSERT statement alone,
// so the write goes on with the next customer; numbers are drawn only for
// the customers inserted.
func (cs *customerStore) InsertMany(ctx context.Context, customers []*crm.Customer, period string) ([]error, error) {
	s := (*Store)(cs)
	drawn := false // a customer without a code
	var top int64  // the highest preset number of period
	ids := make(map[string]bool, len(customers))
	for i, c := range customers {
		if c == nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: InsertMany: customer %d is nil", i))
		}
		if c.ID != "" && ids[c.ID] {
			return nil, crm.Internal(fmt.Errorf("sqlite: InsertMany: customer %s twice", c.ID))
		}
		ids[c.ID] = true
		if c.Code == "" {
			drawn = true
		} else if p, n, ok := crm.ParseCode(c.Code); ok && p == period {
			top = max(top, n)
		}
	}
	if drawn && (len(period) != 6 || !validPeriod(period)) {
		return nil, crm.Internal(fmt.Errorf("sqlite: InsertMany: invalid code period %q", period))
	}
	var last int64 // the number the last customer without a code is expected to get
	if drawn {
		n, err := sequenceValue(ctx, s.rdb, period)
		if err != nil {
			return nil, crm.Internal(err)
		}
		last = max(n, top)
	}

	givenCodes, restore := crm.KeepIdentities(customers)
	fail := func(err error) ([]error, error) {
		for i := range customers {
			restore(i)
		}
		return nil, err
	}
	type pending struct {
		i   int
		doc []byte
		it  item
	}
	var presets, unnumbered []pending
	errs := make([]error, len(customers))
	var keys crm.BatchKeys
	for i, c := range customers {
		if errs[i] = keys.Conflict(c.CreditCode, c.Code); errs[i] != nil {
			continue
		}
		if c.ID == "" {
			c.ID = crm.NewID()
		}
		c.Version = 1
		if givenCodes[i] == "" {
			c.Code = crm.FormatCode(period, last+1)
		}
		doc, it, err := encodeNew(c, cmp.Or(givenCodes[i], c.Name))
		if crm.IsCode(err, crm.CodeBadUserInput) {
			errs[i] = err
			continue
		}
		if err != nil {
			return fail(err)
		}
		keys.Claim(c.CreditCode, givenCodes[i])
		if givenCodes[i] != "" {
			presets = append(presets, pending{i, doc, it})
		} else {
			unnumbered = append(unnumbered, pending{i, doc, it})
			last++
		}
	}

	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		var items []item
		insert := func(p pending) (ok bool, err error) {
			c := customers[p.i]
			res, err := tx.ExecContext(ctx, `INSERT INTO customers (id, code, credit_code, version, doc) VALUES (?, ?, ?, ?, ?)`,
				c.ID, c.Code, nullable(c.CreditCode), c.Version, p.doc)
			if e, taken := uniqueViolation(err); taken {
				errs[p.i] = e
				return false, nil
			}
			if err != nil {
				return false, execErr("insert customer", err)
			}
			row, err := res.LastInsertId()
			if err != nil {
				return false, fmt.Errorf("sqlite: insert customer: %w", err)
			}
			if err := syncTexts(ctx, tx, row, c.Interactions, sql.NullInt64{}); err != nil {
				return false, err
			}
			p.it.e.row = row
			items = append(items, p.it)
			return true, nil
		}
		// The last numbers of the periods as this write leaves them, and
		// as it found them; the changed ones are written at its end.
		seqs, found := map[string]int64{}, map[string]int64{}
		number := func(p string) (int64, error) {
			if n, ok := seqs[p]; ok {
				return n, nil
			}
			n, err := sequenceValue(ctx, tx, p)
			seqs[p], found[p] = n, n
			return n, err
		}
		for _, p := range presets {
			ok, err := insert(p)
			if err != nil {
				return nil, err
			}
			if pp, n, format := crm.ParseCode(customers[p.i].Code); ok && format {
				cur, err := number(pp)
				if err != nil {
					return nil, err
				}
				seqs[pp] = max(cur, n)
			}
		}
		for _, p := range unnumbered {
			n, err := number(period)
			if err != nil {
				return nil, err
			}
			c := customers[p.i]
			if code := crm.FormatCode(period, n+1); c.Code != code {
				c.Code = code
				p.doc, p.it, err = encodeNew(c, c.Name)
				if crm.IsCode(err, crm.CodeBadUserInput) {
					errs[p.i] = err
					continue
				}
				if err != nil {
					return nil, err
				}
			}
			ok, err := insert(p)
			if err != nil {
				return nil, err
			}
			if ok {
				seqs[period] = n + 1
			}
		}
		for p, n := range seqs {
			if n == found[p] {
				continue
			}
			if err := raisePeriod(ctx, tx, p, n); err != nil {
				return nil, err
			}
		}
		// The read model takes a write's customers sorted by id.
		slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.e.id(), b.e.id()) })
		return items, nil
	})
	if err != nil {
		return fail(err)
	}
	for i, err := range errs {
		if err != nil {
			restore(i)
		}
	}
	return errs, nil
}

// Replace writes c when the stored version is expectedVersion; c.Version
// must be expectedVersion+1.
func (cs *customerStore) Replace(ctx context.Context, c *crm.Customer, expectedVersion int64) error {
	if c == nil {
		return crm.Internal(errors.New("sqlite: Replace: nil customer"))
	}
	if c.Version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("sqlite: Replace: customer version %d, want expected version %d + 1", c.Version, expectedVersion))
	}
	doc, err := bson.Marshal(c)
	if err != nil {
		return crm.Internal(fmt.Errorf("sqlite: encode customer: %w", err))
	}
	if len(doc) > crm.MaxDocumentBytes {
		return crm.DocumentTooLarge(c.Code, len(doc))
	}
	it, err := decodeLean(doc)
	if err != nil {
		return crm.Internal(err)
	}
	s := (*Store)(cs)
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		row, ok, err := updateCustomer(ctx, tx, c, doc, expectedVersion)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notUpdated(ctx, tx, "customers", "customer", c.ID)
		}
		it.e.row = row
		return []item{it}, nil
	})
}

// updateCustomer writes c's encoded document when the stored version is
// expected, with its code sequence and text index; ok is false (and
// nothing written) when it is not, or c is gone. It returns c's rowid.
func updateCustomer(ctx context.Context, tx *sql.Tx, c *crm.Customer, doc []byte, expected int64) (row int64, ok bool, err error) {
	// texts_key is not set here: RETURNING gives the key stored before.
	var key sql.NullInt64
	err = tx.QueryRowContext(ctx, `UPDATE customers SET code = ?, credit_code = ?, version = ?, doc = ?
		WHERE id = ? AND version = ? RETURNING rowid, texts_key`, c.Code, nullable(c.CreditCode), c.Version, doc, c.ID, expected).Scan(&row, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, execErr("update customer", err)
	}
	if err := raiseSequence(ctx, tx, c.Code); err != nil {
		return 0, false, err
	}
	if err := syncTexts(ctx, tx, row, c.Interactions, key); err != nil {
		return 0, false, err
	}
	return row, true, nil
}

// ReplaceMany writes the customers still at their expected versions in one
// write (one transaction, one publication of the read model) and reports
// the indexes of the others (changed or deleted meanwhile), unwritten.
func (cs *customerStore) ReplaceMany(ctx context.Context, customers []*crm.Customer, expected []int64) ([]int, error) {
	if len(customers) != len(expected) {
		return nil, crm.Internal(fmt.Errorf("sqlite: ReplaceMany: %d customers, %d versions", len(customers), len(expected)))
	}
	type pending struct {
		i   int
		doc []byte
		it  item
	}
	// The read model takes a write's customers sorted by id, once each.
	order := make([]int, len(customers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(customers[a].ID, customers[b].ID) })
	var ps []pending
	for k, i := range order {
		c := customers[i]
		if c == nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: ReplaceMany: customer %d is nil", i))
		}
		if c.Version != expected[i]+1 {
			return nil, crm.Internal(fmt.Errorf("sqlite: ReplaceMany: customer %s version %d, want expected version %d + 1", c.ID, c.Version, expected[i]))
		}
		if k > 0 && customers[order[k-1]].ID == c.ID {
			return nil, crm.Internal(fmt.Errorf("sqlite: ReplaceMany: customer %s twice", c.ID))
		}
		doc, err := bson.Marshal(c)
		if err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: encode customer: %w", err))
		}
		if len(doc) > crm.MaxDocumentBytes {
			return nil, crm.DocumentTooLarge(c.Code, len(doc))
		}
		it, err := decodeLean(doc)
		if err != nil {
			return nil, crm.Internal(err)
		}
		ps = append(ps, pending{i, doc, it})
	}
	var conflicts []int
	err := (*Store)(cs).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		conflicts = conflicts[:0]
		var items []item
		for _, p := range ps {
			row, ok, err := updateCustomer(ctx, tx, customers[p.i], p.doc, expected[p.i])
			if err != nil {
				return nil, err
			}
			if !ok {
				conflicts = append(conflicts, p.i)
				continue
			}
			it := p.it
			it.e.row = row
			items = append(items, it)
		}
		return items, nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(conflicts)
	return conflicts, nil
}

// DeleteMany deletes the customers still at their expected versions in one
// write (one transaction, one publication of the read model) and reports
// the others, changed or gone. A deleted customer's text index rows go in
// the same write: they are keyed by its rowid, which SQLite may give the
// next customer inserted. The code sequences stay as they are.
func (cs *customerStore) DeleteMany(ctx context.Context, ids []string, expected []int64) (changed, gone []int, err error) {
	if len(ids) != len(expected) {
		return nil, nil, crm.Internal(fmt.Errorf("sqlite: DeleteMany: %d ids, %d versions", len(ids), len(expected)))
	}
	// The read model takes a write's customers sorted by id, once each.
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(ids[a], ids[b]) })
	for k := 1; k < len(order); k++ {
		if ids[order[k]] == ids[order[k-1]] {
			return nil, nil, crm.Internal(fmt.Errorf("sqlite: DeleteMany: customer %s twice", ids[order[k]]))
		}
	}
	if len(ids) == 0 {
		return nil, nil, nil
	}
	err = (*Store)(cs).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		changed, gone = nil, nil
		var items []item
		for _, i := range order {
			var row int64
			err := tx.QueryRowContext(ctx, "DELETE FROM customers WHERE id = ? AND version = ? RETURNING rowid",
				ids[i], expected[i]).Scan(&row)
			if errors.Is(err, sql.ErrNoRows) {
				var one int
				switch err := tx.QueryRowContext(ctx, "SELECT 1 FROM customers WHERE id = ?", ids[i]).Scan(&one); {
				case errors.Is(err, sql.ErrNoRows):
					gone = append(gone, i)
				case err != nil:
					return nil, fmt.Errorf("sqlite: delete customer: %w", err)
				default:
					changed = append(changed, i)
				}
				continue
			}
			if err != nil {
				return nil, execErr("delete customer", err)
			}
			if err := indexRows(ctx, tx, row, map[int64]string{}); err != nil {
				return nil, err
			}
			items = append(items, removal(ids[i]))
		}
		return items, nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(changed)
	slices.Sort(gone)
	return changed, gone, nil
}

// SetNextChecks stores the classification's next check of customers still
// at their version, in one write: the document with only that field
// changed, and the read model entry.
func (cs *customerStore) SetNextChecks(ctx context.Context, checks []crm.NextCheck) (int, error) {
	if len(checks) == 0 {
		return 0, nil
	}
	// The read model takes a write's customers sorted by id, once each.
	checks = slices.Clone(checks)
	slices.SortStableFunc(checks, func(a, b crm.NextCheck) int { return strings.Compare(a.ID, b.ID) })
	checks = slices.CompactFunc(checks, func(a, b crm.NextCheck) bool { return a.ID == b.ID })
	s := (*Store)(cs)
	stored := 0
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		stored = 0
		var items []item
		for _, ch := range checks {
			var raw []byte
			var row int64
			err := tx.QueryRowContext(ctx, "SELECT rowid, doc FROM customers WHERE id = ? AND version = ?", ch.ID, ch.Version).Scan(&row, &raw)
			if errors.Is(err, sql.ErrNoRows) {
				continue // changed or gone meanwhile
			}
			if err != nil {
				return nil, fmt.Errorf("sqlite: read customer: %w", err)
			}
			var c crm.Customer
			if err := bson.Unmarshal(raw, &c); err != nil {
				return nil, fmt.Errorf("sqlite: decode customer %s: %w", ch.ID, err)
			}
			c.Class.NextCheckAt = ch.At.UTC().Truncate(time.Millisecond)
			doc, err := bson.Marshal(&c)
			if err != nil {
				return nil, fmt.Errorf("sqlite: encode customer: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE customers SET doc = ? WHERE rowid = ?", doc, row); err != nil {
				return nil, execErr("update customer", err)
			}
			it, err := decodeLean(doc)
			if err != nil {
				return nil, err
			}
			it.e.row = row
			items = append(items, it)
			stored++
		}
		return items, nil
	})
	if err != nil {
		return 0, err
	}
	return stored, nil
}

// versionCheck turns an UPDATE ... WHERE id AND version that changed no row
// into NOT_FOUND or CONFLICT.
func versionCheck(ctx context.Context, tx *sql.Tx, res sql.Result, table, kind, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: update %s: %w", kind, err)
	}
	if n == 1 {
		return nil
	}
	return notUpdated(ctx, tx, table, kind, id)
}

// notUpdated says why an UPDATE ... WHERE id AND version changed no row:
// NOT_FOUND or CONFLICT.
func notUpdated(ctx context.Context, tx *sql.Tx, table, kind, id string) error {
	var one int
	switch err := tx.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = ?", id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return crm.NotFound(kind, id)
	case err != nil:
		return fmt.Errorf("sqlite: update %s: %w", kind, err)
	}
	return crm.VersionConflict(kind)
}

// Get reads the full document.
func (cs *customerStore) Get(ctx context.Context, id string) (*crm.Customer, error) {
	return cs.getBy(ctx, "id", id)
}

// GetByCode reads the full document by customer code.
func (cs *customerStore) GetByCode(ctx context.Context, code string) (*crm.Customer, error) {
	return cs.getBy(ctx, "code", code)
}

func (cs *customerStore) getBy(ctx context.Context, column, key string) (*crm.Customer, error) {
	var doc []byte
	err := cs.rdb.QueryRowContext(ctx, "SELECT doc FROM customers WHERE "+column+" = ?", key).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.NotFound("customer", key)
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get customer: %w", err))
	}
	c := new(crm.Customer)
	if err := bson.Unmarshal(doc, c); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode customer %s: %w", key, err))
	}
	return c, nil
}

// GetMany reads the full documents of the ids that exist, in the order of
// ids (a repeated id is returned each time it is asked for). Large batches
// are decoded on every core.
func (cs *customerStore) GetMany(ctx context.Context, ids []string) ([]*crm.Customer, error) {
	var docs [][]byte
	err := queryIn(ctx, cs.rdb, "SELECT doc FROM customers WHERE id IN", ids, func(doc []byte) error {
		docs = append(docs, bytes.Clone(doc))
		return nil
	})
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get customers: %w", err))
	}
	decoded := make([]*crm.Customer, len(docs))
	errs := make([]error, len(docs))
	workers := min(runtime.NumCPU(), (len(docs)+7)/8)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				c := new(crm.Customer)
				if errs[i] = bson.Unmarshal(docs[i], c); errs[i] == nil {
					decoded[i] = c
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode customers: %w", err))
	}
	byID := make(map[string]*crm.Customer, len(decoded))
	for _, c := range decoded {
		byID[c.ID] = c
	}
	out := make([]*crm.Customer, 0, len(byID))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// queryIn runs prefix + " (?, ?, ...)" for ids in chunks of maxVars and
// calls fn with the single column of every row (valid only during the call).
func queryIn(ctx context.Context, db *sql.DB, prefix string, ids []string, fn func([]byte) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxVars)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := prefix + " (?" + strings.Repeat(", ?", len(chunk)-1) + ")"
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var doc sql.RawBytes
			if err := rows.Scan(&doc); err != nil {
				rows.Close()
				return err
			}
			if err := fn(doc); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

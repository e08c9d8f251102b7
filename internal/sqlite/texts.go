package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The text index: the free texts of interactions that filters search
// (crm.InteractionTexts; the read model's brief leaves them out) in an FTS5
// table with the trigram tokenizer, so a filter like
// interactions.some(summary:*物流效率*) looks its candidates up instead of
// decoding every document.
//
// One row per non-empty text: rowid = customers.rowid<<20 | element<<2 |
// code (crm.InteractionText.Code), column t the text folded with
// crm.FoldText (indexed, case-sensitive trigrams: the folding is ours, the
// filters' own), column o the text as stored (what the exact condition is
// checked on). The rows of a customer are rewritten in the transaction that
// writes its document (only the rows whose text changed), so the index is
// always the documents' own, and it lives in the database file: it
// survives restarts and needs no rebuild at start-up.
//
// A needle of three or more characters is looked up in the index (every
// text containing it contains its trigrams as a phrase); a shorter one, or
// a condition with no needle (eq on several values, isNull ...), reads
// every row of the table: the texts only, sequentially, still far less than
// decoding every document. Either way the candidates are checked with the
// filter's exact condition.

const textsTable = `CREATE VIRTUAL TABLE texts USING fts5(t, o UNINDEXED, tokenize = 'trigram case_sensitive 1');
	CREATE VIRTUAL TABLE grams USING fts5(g, tokenize = 'unicode61', detail = none, content = '', contentless_delete = 1);
	CREATE TABLE masked_texts (id INTEGER PRIMARY KEY) STRICT;`

const (
	textElemBits  = 18 // elements per customer: 262,144 > crm.MaxNested
	textCodeBits  = 2  // codes 0-3
	textRowShift  = textElemBits + textCodeBits
	textMaxElems  = 1 << textElemBits
	textCodeMask  = 1<<textCodeBits - 1
	minTrigramLen = 3
)

// textRow is the rowid of the text code (rowCode) of element elem.
func textRow(custRow int64, elem, code int) int64 {
	return custRow<<textRowShift | int64(elem)<<textCodeBits | int64(code)
}

// rowCode is the code of a row: 2*InteractionText.Code, +1 for the text as
// a viewer who sees contact details masked reads it (crm.MaskFreeText),
// kept only when it differs from the text; masked_texts lists the rowids
// of the texts that have such a masked row.
func rowCode(code int, masked bool) int {
	if masked {
		return 2*code + 1
	}
	return 2 * code
}

// indexTexts brings the index rows of the customer at rowid custRow to the
// texts of its interactions, in tx: it deletes the rows whose text changed
// or went away and inserts the new ones.
func indexTexts(ctx context.Context, tx *sql.Tx, custRow int64, interactions []crm.Interaction) error {
	want, err := textRows(custRow, interactions)
	if err != nil {
		return err
	}
	return indexRows(ctx, tx, custRow, want)
}

// textRows are the index rows of the texts of the interactions of the
// customer at rowid custRow: rowid to text.
func textRows(custRow int64, interactions []crm.Interaction) (map[int64]string, error) {
	if len(interactions) > textMaxElems {
		return nil, fmt.Errorf("sqlite: index texts: %d interactions", len(interactions))
	}
	want := map[int64]string{}
	for i := range interactions {
		for _, t := range crm.InteractionTexts {
			if s := t.Get(&interactions[i]); s != "" {
				want[textRow(custRow, i, rowCode(t.Code, false))] = s
				if m := crm.MaskFreeText(s); m != s {
					want[textRow(custRow, i, rowCode(t.Code, true))] = m
				}
			}
		}
	}
	return want, nil
}

// textsKey fingerprints the texts of a customer's interactions (each with
// its interaction's place and its kind), with the index's format and the
// masking rules, which decide the rows made from them: the customers table
// keeps it (texts_key), so that a write whose texts are those already
// indexed leaves the index alone without working out its rows.
func textsKey(interactions []crm.Interaction) int64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(n uint64) {
		binary.LittleEndian.PutUint64(b[:], n)
		h.Write(b[:])
	}
	put(textIndexFormat)
	put(crm.MaskRulesVersion)
	for i := range interactions {
		for _, t := range crm.InteractionTexts {
			if s := t.Get(&interactions[i]); s != "" {
				put(uint64(i))
				put(uint64(t.Code))
				put(uint64(len(s)))
				h.Write([]byte(s))
			}
		}
	}
	return int64(h.Sum64())
}

// syncTexts brings the index rows of the customer at rowid custRow to its
// interactions unless the texts_key stored (old; NULL when unknown) says
// they are indexed already, and stores the new key.
func syncTexts(ctx context.Context, tx *sql.Tx, custRow int64, interactions []crm.Interaction, old sql.NullInt64) error {
	key := textsKey(interactions)
	if old.Valid && old.Int64 == key {
		return nil
	}
	if err := indexTexts(ctx, tx, custRow, interactions); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE customers SET texts_key = ? WHERE rowid = ?", key, custRow); err != nil {
		return fmt.Errorf("sqlite: update text index: %w", err)
	}
	return nil
}

// indexRows brings the index rows of the customer at rowid custRow to want.
func indexRows(ctx context.Context, tx *sql.Tx, custRow int64, want map[int64]string) error {
	rows, err := tx.QueryContext(ctx, "SELECT rowid, coalesce(o, t) FROM texts WHERE rowid BETWEEN ? AND ?",
		textRow(custRow, 0, 0), textRow(custRow+1, 0, 0)-1)
	if err != nil {
		return fmt.Errorf("sqlite: read text index: %w", err)
	}
	var stale []int64
	for rows.Next() {
		var id int64
		var o string
		if err := rows.Scan(&id, &o); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: read text index: %w", err)
		}
		if s, ok := want[id]; ok && s == o {
			delete(want, id) // unchanged
			continue
		}
		stale = append(stale, id)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("sqlite: read text index: %w", err)
	}
	for _, id := range stale {
		for _, q := range []string{"DELETE FROM texts WHERE rowid = ?", "DELETE FROM grams WHERE rowid = ?"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("sqlite: update text index: %w", err)
			}
		}
		if _, masked := want[id]; id&1 == 1 && !masked {
			if _, err := tx.ExecContext(ctx, "DELETE FROM masked_texts WHERE id = ?", id-1); err != nil {
				return fmt.Errorf("sqlite: update text index: %w", err)
			}
		}
	}
	// In rowid order: FTS5 flushes its pending index data whenever a rowid
	// is not greater than the last one written (measured: 30x slower in
	// map order).
	ids := slices.Sorted(maps.Keys(want))
	for _, id := range ids {
		s := want[id]
		t := crm.FoldText(s)
		var o any // the text as stored, when folding changed it
		if t != s {
			o = s
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO texts (rowid, t, o) VALUES (?, ?, ?)", id, t, o); err != nil {
			return fmt.Errorf("sqlite: update text index: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO grams (rowid, g) VALUES (?, ?)", id, shortGrams(t)); err != nil {
			return fmt.Errorf("sqlite: update text index: %w", err)
		}
		if id&1 == 1 { // a masked text: its text's row has one
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO masked_texts (id) VALUES (?)", id-1); err != nil {
				return fmt.Errorf("sqlite: update text index: %w", err)
			}
		}
	}
	return nil
}

// shortGrams lists the distinct one- and two-character pieces of a folded
// text as words of the grams table (what needles shorter than a trigram
// look up): u<hex> for a character, b<hex>x<hex> for two.
func shortGrams(t string) string {
	seen := map[string]bool{}
	var b strings.Builder
	prev := rune(-1)
	for _, r := range t {
		for _, g := range [2]string{gramWord(r, -1), gramWord(prev, r)} {
			if g != "" && !seen[g] {
				seen[g] = true
				b.WriteString(g)
				b.WriteByte(' ')
			}
		}
		prev = r
	}
	return b.String()
}

// gramWord is the word of one character (b < 0) or two.
func gramWord(a, b rune) string {
	switch {
	case a < 0:
		return ""
	case b < 0:
		return "u" + strconv.FormatInt(int64(a), 16)
	}
	return "b" + strconv.FormatInt(int64(a), 16) + "x" + strconv.FormatInt(int64(b), 16)
}

// needleGram is the grams word a needle of one or two folded characters
// looks up; "" for other needles.
func needleGram(needle string) string {
	var rs []rune
	for _, r := range needle {
		if rs = append(rs, r); len(rs) > 2 {
			return ""
		}
	}
	switch len(rs) {
	case 1:
		return gramWord(rs[0], -1)
	case 2:
		return gramWord(rs[0], rs[1])
	}
	return ""
}

// customerRow returns the rowid of customer id in tx.
func customerRow(ctx context.Context, tx *sql.Tx, id string) (int64, error) {
	var r int64
	if err := tx.QueryRowContext(ctx, "SELECT rowid FROM customers WHERE id = ?", id).Scan(&r); err != nil {
		return 0, fmt.Errorf("sqlite: customer rowid: %w", err)
	}
	return r, nil
}

// interactionsDoc decodes only a document's interactions.
type interactionsDoc struct {
	Interactions []crm.Interaction `bson:"interactions"`
}

// indexDoc indexes the texts of a stored customer document (one written
// over another by Load: whatever key the row had, it is indexed and keyed
// anew).
func indexDoc(ctx context.Context, tx *sql.Tx, custRow int64, doc []byte) error {
	var d interactionsDoc
	if err := bson.Unmarshal(doc, &d); err != nil {
		return fmt.Errorf("sqlite: index texts: %w", err)
	}
	return syncTexts(ctx, tx, custRow, d.Interactions, sql.NullInt64{})
}

// backfillTexts indexes every stored customer (the upgrade to schema 3).
func backfillTexts(ctx context.Context, tx *sql.Tx) error {
	return backfillFrom(ctx, tx, math.MinInt64)
}

// backfillFrom indexes the customers after rowid from, a thousand at a time.
func backfillFrom(ctx context.Context, tx *sql.Tx, from int64) error {
	for {
		rows, err := tx.QueryContext(ctx, "SELECT rowid, doc FROM customers WHERE rowid > ? ORDER BY rowid LIMIT 1000", from)
		if err != nil {
			return err
		}
		type doc struct {
			row int64
			d   interactionsDoc
		}
		var docs []doc
		for rows.Next() {
			var d doc
			var raw []byte
			if err := rows.Scan(&d.row, &raw); err != nil {
				rows.Close()
				return err
			}
			if err := bson.Unmarshal(raw, &d.d); err != nil {
				rows.Close()
				return fmt.Errorf("%w: customer (row %d): %v", errBadDocument, d.row, err)
			}
			docs = append(docs, d)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		for _, d := range docs {
			if err := indexTexts(ctx, tx, d.row, d.d.Interactions); err != nil {
				return err
			}
		}
		from = docs[len(docs)-1].row
	}
}

// textLookups and textScans count the text conditions answered by an
// index lookup and by reading every row (for the tests).
var textLookups, textScans atomic.Int64

// textMatches is crm.TextMatches over one snapshot: per condition, the
// interactions (of entries' briefs) it selects, or, when the condition
// holds for an empty text, the ones it rejects.
type textMatches struct {
	sets   []map[*crm.BriefInteraction]struct{}
	negate []bool
	custs  []map[*crm.Brief]struct{} // customer-level answers (TextCond.Some) by the customers' briefs, or nil
}

func (m *textMatches) Has(i int, e *crm.BriefInteraction) bool {
	_, in := m.sets[i][e]
	return in != m.negate[i]
}

func (m *textMatches) Any(i int, c *crm.Customer) bool {
	if m.custs[i] != nil { // a customer without a brief is evaluated on its document
		_, in := m.custs[i][c.Brief]
		return in && c.Brief != nil
	}
	for j := range c.Brief.Interactions {
		if m.Has(i, &c.Brief.Interactions[j]) {
			return true
		}
	}
	return false
}

// anyText answers an exact, unmasked some(...) condition per customer: the
// index yields the customers, not every matching text (an unselective
// needle matches most texts: measured 5-10 times faster).
func (cs *customerStore) anyText(ctx context.Context, tx *sql.Tx, c crm.TextCond, byRow map[int64]*entry) (map[*crm.Brief]struct{}, error) {
	table, arg := "texts", phrase(c.Needle)
	if utf8.RuneCountInString(c.Needle) < minTrigramLen {
		table, arg = "grams", needleGram(c.Needle)
	}
	textLookups.Add(1)
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT rowid >> ? FROM "+table+" WHERE "+table+" MATCH ? AND (rowid & ?) = ?",
		textRowShift, arg, textCodeMask, rowCode(c.Code, false))
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
	}
	defer rows.Close()
	set := map[*crm.Brief]struct{}{}
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
		}
		if e := byRow[r]; e != nil && e.brief != nil {
			set[e.brief] = struct{}{}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
	}
	return set, nil
}

// textCache holds, for one snapshot, what matchTexts computed: the map
// from rowids to entries, the masked rows, and each condition's set.
type textCache struct {
	byRow     map[int64]*entry
	hasMasked map[int64]bool
	sets      map[string]map[*crm.BriefInteraction]struct{}
	custs     map[string]map[*crm.Brief]struct{}
}

// phrase quotes a folded needle as an FTS5 phrase.
func phrase(needle string) string { return `"` + strings.ReplaceAll(needle, `"`, `""`) + `"` }

// matchTexts answers conds on snap from the index as of tx (which must see
// the database exactly as snap was published: see readAt).
func (cs *customerStore) matchTexts(ctx context.Context, tx *sql.Tx, snap *snapshot, conds []crm.TextCond, cache *textCache) (*textMatches, error) {
	m := &textMatches{sets: make([]map[*crm.BriefInteraction]struct{}, len(conds)), negate: make([]bool, len(conds)),
		custs: make([]map[*crm.Brief]struct{}, len(conds))}
	if cache.byRow == nil {
		cache.byRow = make(map[int64]*entry, snap.n)
		for _, ch := range snap.chunks {
			for _, e := range ch.entries[:ch.n] {
				cache.byRow[e.row] = e
			}
		}
		cache.sets = map[string]map[*crm.BriefInteraction]struct{}{}
		cache.custs = map[string]map[*crm.Brief]struct{}{}
	}
	byRow, hasMasked := cache.byRow, cache.hasMasked
	for k, c := range conds {
		if set, ok := cache.sets[c.Key]; ok && c.Key != "" {
			m.sets[k], m.negate[k], m.custs[k] = set, c.MatchesEmpty, cache.custs[c.Key]
			continue
		}
		if c.Some && c.Exact && !c.Masked && !c.MatchesEmpty && c.Needle != "" {
			custs, err := cs.anyText(ctx, tx, c, byRow)
			if err != nil {
				return nil, err
			}
			m.custs[k] = custs
			if c.Key != "" {
				cache.sets[c.Key], cache.custs[c.Key] = nil, custs
			}
			continue
		}
		if c.Masked && hasMasked == nil {
			hasMasked = map[int64]bool{}
			rows, err := tx.QueryContext(ctx, "SELECT id FROM masked_texts")
			if err != nil {
				return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
				}
				hasMasked[id] = true
			}
			if err := rows.Close(); err != nil {
				return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
			}
		}
		cache.hasMasked = hasMasked
		set := map[*crm.BriefInteraction]struct{}{}
		m.sets[k], m.negate[k] = set, c.MatchesEmpty
		if c.Key != "" {
			cache.sets[c.Key] = set
		}
		// An exact lookup (a contains: the index answers containment of the
		// folded text) reads no text; a check joins the texts in the order
		// written (CROSS JOIN: the lookup first). Rowids map to read-model
		// entries through entry.row.
		var query string
		var args []any
		check := !c.Exact
		switch {
		case c.Needle == "":
			query, check = "SELECT x.rowid, coalesce(x.o, x.t) FROM texts x", true
			textScans.Add(1)
		case utf8.RuneCountInString(c.Needle) >= minTrigramLen && check:
			query = "SELECT x.rowid, coalesce(x.o, x.t) FROM texts x WHERE texts MATCH ?"
			textLookups.Add(1)
		case utf8.RuneCountInString(c.Needle) >= minTrigramLen:
			query = "SELECT x.rowid, '' FROM texts x WHERE texts MATCH ?"
			textLookups.Add(1)
		case check: // one or two characters
			query = "SELECT x.rowid, coalesce(x.o, x.t) FROM grams g CROSS JOIN texts x ON x.rowid = g.rowid WHERE grams MATCH ?"
			textLookups.Add(1)
		default:
			query = "SELECT x.rowid, '' FROM grams x WHERE grams MATCH ?"
			textLookups.Add(1)
		}
		if c.Needle != "" {
			if utf8.RuneCountInString(c.Needle) >= minTrigramLen {
				args = append(args, phrase(c.Needle))
			} else {
				args = append(args, needleGram(c.Needle))
			}
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
		}
		for rows.Next() {
			var row int64
			var o string
			if err := rows.Scan(&row, &o); err != nil {
				rows.Close()
				return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
			}
			switch code := int(row & textCodeMask); {
			case code == rowCode(c.Code, false) && (!c.Masked || !hasMasked[row]):
				// the text, as everyone reads it
			case code == rowCode(c.Code, true) && c.Masked:
				// the text as masked viewers read it
			default:
				continue // another field, or a variant the condition does not read
			}
			if check && c.Match(o) == c.MatchesEmpty {
				continue // not selected (not rejected, when negated)
			}
			e := byRow[row>>textRowShift]
			if e == nil {
				continue
			}
			b := e.brief
			elem := int(row>>textCodeBits) & (textMaxElems - 1)
			if b == nil || elem >= len(b.Interactions) {
				continue // evaluated on its document
			}
			set[&b.Interactions[elem]] = struct{}{}
		}
		if err := rows.Close(); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: search texts: %w", err))
		}
		if err := ctx.Err(); err != nil {
			return nil, crm.Internal(err)
		}
	}
	return m, nil
}

// readAt starts a read transaction that sees the database exactly as the
// snapshot it returns was published: writers hold pubmu from their commit
// until they publish, and the transaction's first read fixes its view
// (WAL) while this holds pubmu.
func (s *Store) readAt(ctx context.Context) (*sql.Tx, *snapshot, error) {
	s.pubmu.Lock()
	defer s.pubmu.Unlock()
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, crm.Internal(fmt.Errorf("sqlite: begin read: %w", err))
	}
	var one int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sequences").Scan(&one); err != nil {
		_ = tx.Rollback()
		return nil, nil, crm.Internal(fmt.Errorf("sqlite: begin read: %w", err))
	}
	return tx, s.snap.Load(), nil
}

// bindText turns a filter that reads free text into a lean one for snap,
// answering its text conditions from the index as of tx. It returns f
// itself when f cannot be bound (then it is evaluated on documents).
func (cs *customerStore) bindText(ctx context.Context, tx *sql.Tx, snap *snapshot, f crm.Filter, cache *textCache) (crm.Filter, error) {
	tf, ok := f.(crm.TextFilter)
	if !ok || f.Lean() {
		return f, nil
	}
	m, err := cs.matchTexts(ctx, tx, snap, tf.TextConds(), cache)
	if err != nil {
		return nil, err
	}
	return tf.Bind(m), nil
}

// The text index is derived data: Open rebuilds it from the stored
// customers when its tables are damaged (quick_check finds damage in them
// alone), and when what it holds was written by other rules (the masking
// rules of crm.MaskFreeText, or this file's format), as recorded in the
// text_index table. The rest of the database is never rebuilt: damage
// there stops start-up (health.go).

// textIndexFormat numbers the layout of the index rows (rowids, columns,
// grams); bump it when they change.
const textIndexFormat = 1

// textIndexTable records what the index was built by.
const textIndexTable = `CREATE TABLE text_index (
		id      INTEGER PRIMARY KEY CHECK (id = 1),
		masking INTEGER NOT NULL, -- crm.MaskRulesVersion
		format  INTEGER NOT NULL  -- textIndexFormat
	) STRICT;`

// isIndexTable reports whether a table of the database belongs to the text
// index (the FTS5 tables, their shadow tables, masked_texts, text_index).
func isIndexTable(name string) bool {
	switch name {
	case "texts", "grams", "masked_texts", "text_index":
		return true
	}
	return strings.HasPrefix(name, "texts_") || strings.HasPrefix(name, "grams_")
}

// checkTextIndex rebuilds the text index when quick_check found damage in
// it (damage, logged at WARN) or it is missing or of another format, and
// refreshes its masked rows when they were written by other masking rules.
func (s *Store) checkTextIndex(path, damage string) error {
	ctx := context.Background()
	if damage != "" {
		s.log.Warn("sqlite: the text index is damaged; rebuilding it from the stored customers "+
			"(it is derived data: nothing is lost)", "file", path, "damage", damage)
		if err := s.dropDamagedIndex(ctx, path); err != nil {
			return err
		}
		return s.rebuildTextIndex(ctx, "damaged")
	}
	var tables int
	if err := s.wdb.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name IN ('texts', 'grams', 'masked_texts', 'text_index')").Scan(&tables); err != nil {
		return fmt.Errorf("sqlite: read schema: %w", err)
	}
	if tables < 4 {
		return s.rebuildTextIndex(ctx, "missing")
	}
	var masking, format int
	err := s.wdb.QueryRowContext(ctx, "SELECT masking, format FROM text_index WHERE id = 1").Scan(&masking, &format)
	switch {
	case errors.Is(err, sql.ErrNoRows): // upgraded from schema 3: format 1, masking rules 1
		return s.refreshTextIndex(ctx, "masking rules 1")
	case err != nil:
		return fmt.Errorf("sqlite: read text index version: %w", err)
	case format != textIndexFormat:
		return s.rebuildTextIndex(ctx, fmt.Sprintf("format %d", format))
	case masking != crm.MaskRulesVersion:
		return s.refreshTextIndex(ctx, fmt.Sprintf("masking rules %d", masking))
	}
	return nil
}

// refreshTextIndex brings an index of the current format, written under
// other masking rules, to the current ones: every customer's texts are
// compared with the index (indexTexts), so only the masked rows that
// change are written, in one transaction.
func (s *Store) refreshTextIndex(ctx context.Context, was string) error {
	start := time.Now()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: refresh text index: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var before int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM masked_texts").Scan(&before); err != nil {
		return fmt.Errorf("sqlite: refresh text index: %w", err)
	}
	if err := backfillTexts(ctx, tx); err != nil {
		return fmt.Errorf("sqlite: refresh text index: %w", err)
	}
	var after int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM masked_texts").Scan(&after); err != nil {
		return fmt.Errorf("sqlite: refresh text index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO text_index (id, masking, format) VALUES (1, ?, ?)",
		crm.MaskRulesVersion, textIndexFormat); err != nil {
		return fmt.Errorf("sqlite: refresh text index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: refresh text index: %w", err)
	}
	s.log.Info("sqlite: text index rebuilt for new masking rules", "was", was, "now", crm.MaskRulesVersion,
		"maskedTextsBefore", before, "maskedTextsAfter", after, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// rebuildTextIndex drops the index tables and builds them again from the
// stored customers, in one transaction (a crash leaves the old index and
// its version, so the next start rebuilds again).
func (s *Store) rebuildTextIndex(ctx context.Context, why string) error {
	start := time.Now()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: rebuild text index: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range []string{"DROP TABLE IF EXISTS texts", "DROP TABLE IF EXISTS grams", "DROP TABLE IF EXISTS masked_texts",
		"DROP TABLE IF EXISTS text_index", textsTable, textIndexTable} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: rebuild text index: %w", err)
		}
	}
	if err := backfillTexts(ctx, tx); err != nil {
		return fmt.Errorf("sqlite: rebuild text index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO text_index (id, masking, format) VALUES (1, ?, ?)",
		crm.MaskRulesVersion, textIndexFormat); err != nil {
		return fmt.Errorf("sqlite: rebuild text index: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM customers").Scan(&n); err != nil {
		return fmt.Errorf("sqlite: rebuild text index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: rebuild text index: %w", err)
	}
	if n > 0 || why == "damaged" {
		s.log.Info("sqlite: text index rebuilt", "why", why, "customers", n, "elapsed", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// dropDamagedIndex removes the index tables from a database whose index
// pages are damaged. DROP TABLE reads every page it frees and fails on a
// damaged one; then the tables' schema entries are deleted instead
// (writable_schema) and VACUUM rewrites the file without their pages.
func (s *Store) dropDamagedIndex(ctx context.Context, path string) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: drop text index: %w", err)
	}
	for _, q := range []string{"DROP TABLE IF EXISTS texts", "DROP TABLE IF EXISTS grams",
		"DROP TABLE IF EXISTS masked_texts", "DROP TABLE IF EXISTS text_index"} {
		if _, err = tx.ExecContext(ctx, q); err != nil {
			break
		}
	}
	if err == nil {
		return tx.Commit()
	}
	_ = tx.Rollback()
	if !isDamage(err) {
		return fmt.Errorf("sqlite: drop text index: %w", err)
	}
	start := time.Now()
	for _, q := range []string{"PRAGMA writable_schema = ON",
		`DELETE FROM sqlite_schema WHERE name IN ('texts', 'grams', 'masked_texts', 'text_index')
			OR name LIKE 'texts\_%' ESCAPE '\' OR name LIKE 'grams\_%' ESCAPE '\'`,
		"PRAGMA writable_schema = OFF"} {
		if _, err := s.wdb.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: drop text index: %w", err)
		}
	}
	// A new connection reads the schema without the index.
	s.wdb.Close()
	if s.wdb, err = openDB(path, "immediate", false); err != nil {
		return err
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	if _, err := s.wdb.ExecContext(ctx, "VACUUM"); err != nil {
		return fmt.Errorf("sqlite: drop text index: vacuum: %w", err)
	}
	s.log.Warn("sqlite: damaged text index removed; the database file was rewritten without it",
		"file", path, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

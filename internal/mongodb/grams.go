package mongodb

import (
	"context"
	"encoding/binary"
	"slices"
	"strconv"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The text index of the MongoDB store: MongoDB's own text index does not
// tokenize Chinese, so each customer document carries the n-grams of its
// free texts (crm.InteractionTexts), in fields of the store's own that the
// domain never sees (every read projects them out):
//
//	_gv      gramsVersion: the grams below are complete for this version;
//	         -gramsVersion: too many to keep (the document has no grams);
//	         absent or another version: not computed yet (Open backfills)
//	_grams   the distinct 1- and 2-rune pieces of every text, folded with
//	         crm.FoldText (the filters' own case folding), in one multikey
//	         index
//	_mgrams  the same of the texts that crm.MaskFreeText changes, masked:
//	         what a viewer who sees the contact details masked can search
//
// A piece is its runes packed in an int64, 21 bits each plus one (so no
// piece is zero and pieces of different lengths differ): exact, and 8 bytes
// where a Chinese bigram is 6 bytes of string plus a length and a 0. Pieces
// of two runes, as CJK bigram tokenizers use: trigrams would add ~660
// distinct pieces (8.6 KB) to a demo customer's ~770 for little more
// selectivity on Chinese needles (measured: docs/PERFORMANCE.md).
//
// A filter's necessary needles (segment's TextNeeds) become an $all on the
// pieces of each needle (its bigrams; a one-rune needle the rune), ORed
// with the documents whose grams are not current; the exact condition
// ($regex, or the in-process check of a masked viewer) then runs on those
// candidates only.

// gramsVersion changes with the pieces' format and with the masking rules
// (the masked texts' pieces are MaskFreeText's output): either change makes
// every document's grams stale, and the backfill recomputes them.
const gramsVersion = gramsFormat*1000 + crm.MaskRulesVersion

const (
	gramsFormat = 1
	fieldGV     = "_gv"
	fieldGrams  = "_grams"
	fieldMGrams = "_mgrams"
	// maxGrams bounds the pieces kept on one document (grams and masked
	// grams together, ~14 bytes each in BSON: ~700 KB): a document with
	// more keeps none and is a candidate for every text filter.
	maxGrams = 50000
	// maxNeedleGrams bounds the bigrams looked up for one needle.
	maxNeedleGrams = 8
)

// storeOnly lists the fields of a customer document that only this store
// writes and reads.
var storeOnly = []string{fieldGV, fieldGrams, fieldMGrams}

// withoutStoreFields projects the store's own fields out of a read.
var withoutStoreFields = bson.D{{Key: fieldGV, Value: 0}, {Key: fieldGrams, Value: 0}, {Key: fieldMGrams, Value: 0}}

func pack(rs []rune) int64 {
	var g int64
	for _, r := range rs {
		g = g<<21 | int64(r+1)
	}
	return g
}

// addGrams appends the pieces of the folded text t to dst.
func addGrams(dst []int64, t string) []int64 {
	var w [2]rune // the last runes read
	n := 0
	for _, r := range crm.FoldText(t) {
		w[0], w[1] = w[1], r
		n++
		dst = append(dst, pack(w[1:]))
		if n >= 2 {
			dst = append(dst, pack(w[:]))
		}
	}
	return dst
}

// distinct sorts and deduplicates gs.
func distinct(gs []int64) []int64 {
	slices.Sort(gs)
	return slices.Compact(gs)
}

// textGrams returns the grams and the masked grams of a customer's
// interaction texts; ok is false when they are too many to keep.
func textGrams(interactions []crm.Interaction) (grams, masked []int64, ok bool) {
	for i := range interactions {
		for _, t := range crm.InteractionTexts {
			s := t.Get(&interactions[i])
			if s == "" {
				continue
			}
			grams = addGrams(grams, s)
			if m := crm.MaskFreeText(s); m != s {
				masked = addGrams(masked, m)
			}
		}
		if len(grams)+len(masked) > 4*maxGrams { // bound the work before deduplication too
			grams, masked = distinct(grams), distinct(masked)
			if len(grams)+len(masked) > maxGrams {
				return nil, nil, false
			}
		}
	}
	grams, masked = distinct(grams), distinct(masked)
	return grams, masked, len(grams)+len(masked) <= maxGrams
}

// appendGrams returns the encoded customer doc with the text index fields
// of its interactions appended.
func appendGrams(doc []byte, interactions []crm.Interaction) []byte {
	grams, masked, ok := textGrams(interactions)
	out := make([]byte, 0, len(doc)+16+15*(len(grams)+len(masked)))
	out = append(out, doc[:len(doc)-1]...) // without the document's final 0
	if !ok {
		out = bsoncore.AppendInt32Element(out, fieldGV, -gramsVersion)
	} else {
		out = bsoncore.AppendInt32Element(out, fieldGV, gramsVersion)
		out = appendInt64Array(out, fieldGrams, grams)
		if len(masked) > 0 {
			out = appendInt64Array(out, fieldMGrams, masked)
		}
	}
	out = append(out, 0)
	binary.LittleEndian.PutUint32(out, uint32(len(out)))
	return out
}

func appendInt64Array(dst []byte, key string, vs []int64) []byte {
	idx, dst := bsoncore.AppendArrayElementStart(dst, key)
	var k []byte
	for i, v := range vs {
		k = strconv.AppendInt(k[:0], int64(i), 10)
		dst = bsoncore.AppendInt64Element(dst, string(k), v)
	}
	dst, _ = bsoncore.AppendArrayEnd(dst, idx) // cannot fail: idx is ours
	return dst
}

// needleGrams returns the pieces every text containing the folded needle
// has: its distinct bigrams (at most maxNeedleGrams, spread over it), or
// the needle itself when it is one rune.
func needleGrams(needle string) []int64 {
	rs := []rune(crm.FoldText(needle))
	if len(rs) < 2 {
		return []int64{pack(rs)}
	}
	var gs []int64
	n := len(rs) - 1
	step := max(1, (n+maxNeedleGrams-1)/maxNeedleGrams)
	for i := 0; i < n; i += step {
		gs = append(gs, pack(rs[i:i+2]))
	}
	if (n-1)%step != 0 {
		gs = append(gs, pack(rs[n-1:])) // the last one too
	}
	return distinct(gs)
}

// gramsNotCurrent selects the documents whose grams cannot be trusted (not
// computed yet, by an older or newer version, or too many to keep): every
// prefilter lets them through.
var gramsNotCurrent = bson.D{{Key: fieldGV, Value: bson.D{{Key: "$ne", Value: gramsVersion}}}}

// textPrefilter returns a condition every customer the filter f selects
// satisfies (for a masked viewer, masked: in the texts as masked), from the
// needles the filter must find (segment's TextNeeds); nil when f has none.
func textPrefilter(f crm.Filter, masked bool) bson.D {
	tn, ok := f.(interface{ TextNeeds() [][]string })
	if !ok {
		return nil
	}
	terms := tn.TextNeeds()
	if len(terms) == 0 {
		return nil
	}
	var or bson.A
	for _, term := range terms {
		var gs []int64
		for _, needle := range term {
			if !utf8.ValidString(needle) {
				return nil // pieces are runes: a needle of invalid bytes has none to look up
			}
			gs = append(gs, needleGrams(needle)...)
		}
		all := bson.D{{Key: "$all", Value: distinct(gs)}}
		or = append(or, bson.D{{Key: fieldGrams, Value: all}})
		if masked {
			or = append(or, bson.D{{Key: fieldMGrams, Value: all}})
		}
	}
	or = append(or, gramsNotCurrent)
	return bson.D{{Key: "$or", Value: or}}
}

// withGrams returns a customer document (as another store keeps it) with
// the text index fields: any it had are replaced.
func withGrams(raw bson.Raw) (bson.Raw, error) {
	var c struct {
		Interactions []crm.Interaction `bson:"interactions"`
	}
	if err := bson.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	elems, err := raw.Elements()
	if err != nil {
		return nil, err
	}
	kept := make([]byte, 4, len(raw))
	for _, e := range elems {
		if !slices.Contains(storeOnly, e.Key()) {
			kept = append(kept, e...)
		}
	}
	kept = append(kept, 0)
	binary.LittleEndian.PutUint32(kept, uint32(len(kept)))
	return appendGrams(kept, c.Interactions), nil
}

// backfillBatch is the number of documents the backfill reads and updates
// at once.
const backfillBatch = 200

// backfillGrams gives the text index fields to every customer document
// whose grams are not current (written before this version of the store,
// or by another version), in batches in _id order, each update guarded by
// the version read so a concurrent write (which writes its own grams) is
// never overwritten. Until a document has them, every text prefilter lets
// it through (gramsNotCurrent): the backfill makes filters faster, never
// more correct. It returns the number of documents updated.
func (s *Store) backfillGrams(ctx context.Context) (int, error) {
	stale := bson.D{{Key: fieldGV, Value: bson.D{{Key: "$nin", Value: bson.A{gramsVersion, -gramsVersion}}}}}
	fo := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(backfillBatch).SetBatchSize(backfillBatch).
		SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}, {Key: "interactions", Value: 1}})
	updated, last := 0, ""
	for {
		filter := stale
		if last != "" {
			filter = bson.D{{Key: "$and", Value: bson.A{stale, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}}}}}
		}
		cur, err := s.customers.Find(ctx, filter, fo)
		if err != nil {
			return updated, internal("text index backfill", err)
		}
		var docs []struct {
			ID           string            `bson:"_id"`
			Version      int64             `bson:"version"`
			Interactions []crm.Interaction `bson:"interactions"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return updated, internal("text index backfill", err)
		}
		if len(docs) == 0 {
			return updated, nil
		}
		models := make([]mongo.WriteModel, 0, len(docs))
		for _, d := range docs {
			grams, masked, ok := textGrams(d.Interactions)
			set := bson.D{{Key: fieldGV, Value: gramsVersion}, {Key: fieldGrams, Value: grams}}
			unset := bson.D{}
			switch {
			case !ok:
				set = bson.D{{Key: fieldGV, Value: -gramsVersion}}
				unset = bson.D{{Key: fieldGrams, Value: ""}, {Key: fieldMGrams, Value: ""}}
			case len(masked) > 0:
				set = append(set, bson.E{Key: fieldMGrams, Value: masked})
			default:
				unset = bson.D{{Key: fieldMGrams, Value: ""}}
			}
			update := bson.D{{Key: "$set", Value: set}}
			if len(unset) > 0 {
				update = append(update, bson.E{Key: "$unset", Value: unset})
			}
			models = append(models, mongo.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}}).
				SetUpdate(update))
		}
		res, err := s.customers.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		if err != nil {
			return updated, internal("text index backfill", err)
		}
		updated += int(res.ModifiedCount)
		last = docs[len(docs)-1].ID
	}
}

// TextIndexBackfill waits until the start-up backfill of the text index
// has ended (or ctx is done) and returns the number of documents it
// updated and its error. Filters are right before it ends, only slower.
func (s *Store) TextIndexBackfill(ctx context.Context) (int, error) {
	select {
	case <-s.backfillDone:
		return s.backfilled, s.backfillErr
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

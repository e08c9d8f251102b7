package demo

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// loadBatch is the number of documents per Migrator.Load call.
const loadBatch = 500

// The demo's progress is kept in two documents of the sequences
// collection, written before anything else, so that a load cut short (a
// kill -9, a full disk) is finished at the next start with the same
// documents instead of leaving half a demo for good.
const (
	// markerPending holds the load's now (Unix nanoseconds) while it is
	// unfinished, 0 once the demo is complete.
	markerPending = "demo:pending"
	// markerCount holds the number of customers being loaded.
	markerCount = "demo:count"
)

// Outcome says what Ensure did.
type Outcome int

const (
	// Skipped: the store already holds customers (a finished demo, or real
	// data); nothing was written.
	Skipped Outcome = iota
	// Loaded: the store was empty and now holds the demo.
	Loaded
	// Resumed: an earlier load was cut short and has now been finished,
	// with the customers and time of that first attempt.
	Resumed
)

// Ensure makes sure the store holds a complete demo when it holds no other
// data: it loads the demo into an empty store (as Load), finishes a load
// that was cut short (with the count and time that load started with, so
// the documents are the ones it would have written; n and now are then
// ignored), and leaves a store with other customers alone.
func Ensure(ctx context.Context, store crm.Store, seed int64, n int, now time.Time, passwordHash string) (Outcome, int, error) {
	marks := map[string]int64{}
	err := store.Dump(ctx, crm.CollectionSequences, func(doc []byte) error {
		var d struct {
			ID    string `bson:"_id"`
			Value int64  `bson:"value"`
		}
		if err := bson.Unmarshal(doc, &d); err == nil && (d.ID == markerPending || d.ID == markerCount) {
			marks[d.ID] = d.Value
		}
		return nil
	})
	if err != nil {
		return Skipped, 0, err
	}
	if started := marks[markerPending]; started != 0 {
		n := int(marks[markerCount])
		return Resumed, n, load(ctx, store, seed, n, time.Unix(0, started).In(now.Location()), passwordHash)
	}
	empty, err := isEmpty(ctx, store)
	if err != nil || !empty {
		return Skipped, 0, err
	}
	return Loaded, max(n, 0), load(ctx, store, seed, n, now, passwordHash)
}

// Load writes the demo data into an empty store: the sequences of the
// customer codes, the staff of Users(now) with passwordHash set, and n
// customers of Customers(seed, n, now, users), as raw BSON through the
// store's Migrator in batches of 500 documents. Customers are generated
// (on all cores) while the previous batch is being written, and only a few
// batches are held at a time, so memory stays flat whatever n is. A load
// that is cut short is finished by Ensure.
//
// It refuses a store that already holds customers (CONFLICT): the demo's
// codes and sequences would collide with theirs. Users with the demo ids
// are replaced.
func Load(ctx context.Context, store crm.Store, seed int64, n int, now time.Time, passwordHash string) error {
	empty, err := isEmpty(ctx, store)
	if err != nil {
		return err
	}
	if !empty {
		return crm.Errorf(crm.CodeConflict, "demo data can only be loaded into an empty store, and this one already holds customers")
	}
	return load(ctx, store, seed, n, now, passwordHash)
}

func isEmpty(ctx context.Context, store crm.Store) (bool, error) {
	page, err := store.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderCode, First: 1, Scope: crm.ScopeAll})
	if err != nil {
		return false, err
	}
	return len(page.Customers) == 0, nil
}

// load writes (or rewrites: every write is an upsert of the same bytes)
// the whole demo between the two states of the markers.
func load(ctx context.Context, store crm.Store, seed int64, n int, now time.Time, passwordHash string) error {
	n = max(n, 0)
	if err := setMarkers(ctx, store, now.UnixNano(), n); err != nil {
		return err
	}
	users := Users(now)
	g := newGenerator(seed, n, now, users)

	seq := g.sequences()
	keys := make([]string, 0, len(seq))
	for k := range seq {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	docs := make([][]byte, 0, len(keys))
	for _, k := range keys {
		b, err := bson.Marshal(bson.D{{Key: "_id", Value: k}, {Key: "value", Value: seq[k]}})
		if err != nil {
			return crm.Internal(err)
		}
		docs = append(docs, b)
	}
	if err := loadAll(ctx, store, crm.CollectionSequences, docs); err != nil {
		return err
	}

	docs = docs[:0]
	for _, u := range users {
		cp := *u
		cp.PasswordHash = passwordHash
		b, err := bson.Marshal(&cp)
		if err != nil {
			return crm.Internal(err)
		}
		docs = append(docs, b)
	}
	if err := loadAll(ctx, store, crm.CollectionUsers, docs); err != nil {
		return err
	}

	err := g.stream(ctx, func(docs [][]byte) error {
		return store.Load(ctx, crm.CollectionCustomers, docs)
	})
	if err != nil {
		return err
	}
	return setMarkers(ctx, store, 0, n)
}

func setMarkers(ctx context.Context, store crm.Store, pending int64, n int) error {
	var docs [][]byte
	for _, m := range []struct {
		id string
		v  int64
	}{{markerPending, pending}, {markerCount, int64(n)}} {
		b, err := bson.Marshal(bson.D{{Key: "_id", Value: m.id}, {Key: "value", Value: m.v}})
		if err != nil {
			return crm.Internal(err)
		}
		docs = append(docs, b)
	}
	return store.Load(ctx, crm.CollectionSequences, docs)
}

// stream generates the customers in batches of loadBatch, encodes them to
// BSON and hands each batch to write, in order. The next batch is generated
// (on all cores) while write works on the current one; at most three
// batches exist at a time.
func (g *generator) stream(ctx context.Context, write func(docs [][]byte) error) error {
	type batch struct {
		docs [][]byte
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan batch, 1)
	defer func() {
		cancel()
		for range batches { // let the producer finish before returning
		}
	}()
	n := len(g.skel)
	go func() {
		defer close(batches)
		for from := 0; from < n && ctx.Err() == nil; from += loadBatch {
			to := min(n, from+loadBatch)
			out := batch{docs: make([][]byte, to-from)}
			var mu sync.Mutex
			g.generate(from, to, func(i int, c *crm.Customer) {
				b, err := bson.Marshal(c)
				if err != nil {
					mu.Lock()
					out.err = errors.Join(out.err, err)
					mu.Unlock()
				}
				out.docs[i-from] = b
			})
			select {
			case batches <- out:
			case <-ctx.Done():
				return
			}
			if out.err != nil {
				return
			}
		}
	}()
	for b := range batches {
		if b.err != nil {
			return crm.Internal(b.err)
		}
		if err := write(b.docs); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func loadAll(ctx context.Context, store crm.Store, collection string, docs [][]byte) error {
	for len(docs) > 0 {
		k := min(len(docs), loadBatch)
		if err := store.Load(ctx, collection, docs[:k]); err != nil {
			return err
		}
		docs = docs[k:]
	}
	return nil
}

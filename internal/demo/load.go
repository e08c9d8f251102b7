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

// Load writes the demo data into an empty store: the sequences of the
// customer codes, the staff of Users(now) with passwordHash set, and n
// customers of Customers(seed, n, now, users), as raw BSON through the
// store's Migrator in batches of 500 documents. Customers are generated
// (on all cores) while the previous batch is being written, and only a few
// batches are held at a time, so memory stays flat whatever n is.
//
// It refuses a store that already holds customers (CONFLICT): the demo's
// codes and sequences would collide with theirs. Users with the demo ids
// are replaced.
func Load(ctx context.Context, store crm.Store, seed int64, n int, now time.Time, passwordHash string) error {
	page, err := store.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderCode, First: 1, Scope: crm.ScopeAll})
	if err != nil {
		return err
	}
	if len(page.Customers) > 0 {
		return crm.Errorf(crm.CodeConflict, "demo data can only be loaded into an empty store, and this one already holds customers")
	}
	n = max(n, 0)
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

	return g.stream(ctx, func(docs [][]byte) error {
		return store.Load(ctx, crm.CollectionCustomers, docs)
	})
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

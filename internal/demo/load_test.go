package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

func openStore(t *testing.T) crm.Store {
	t.Helper()
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func dump(t *testing.T, s crm.Store, collection string) [][]byte {
	t.Helper()
	var docs [][]byte
	if err := s.Dump(context.Background(), collection, func(doc []byte) error {
		docs = append(docs, bytes.Clone(doc))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestLoad loads more than two batches into a real (SQLite) store and finds
// exactly the documents Customers makes, the users with the password hash,
// and sequences that let the store continue the codes.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	const seed, n = 11, 700
	s := openStore(t)
	start := time.Now()
	if err := demo.Load(ctx, s, seed, n, now, "hash!"); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d customers in %v", n, time.Since(start))

	// Customers: byte for byte what Customers returns (Dump orders by _id,
	// which is creation order).
	want := encodeAll(t, demo.Customers(seed, n, now, demo.Users(now)))
	got := dump(t, s, crm.CollectionCustomers)
	if len(got) != n {
		t.Fatalf("store holds %d customers, want %d", len(got), n)
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("customer %d differs from Customers()", i)
		}
	}
	page, err := s.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderCode, First: 10, Scope: crm.ScopeAll, WithTotal: true})
	if err != nil || page.Total != n {
		t.Fatalf("list: %v, total %d", err, page.Total)
	}

	// Users, with the hash.
	users, err := s.Users().List(ctx)
	if err != nil || len(users) != len(demo.Users(now)) {
		t.Fatalf("users: %v, %d", err, len(users))
	}
	u, err := s.Users().GetByEmail(ctx, "sales1@kehu.local")
	if err != nil || u.PasswordHash != "hash!" || u.Role != crm.RoleSales {
		t.Fatalf("sales1: %+v, %v", u, err)
	}

	// Sequences: the next code of the current month follows the demo's.
	seqs := map[string]int64{}
	for _, doc := range dump(t, s, crm.CollectionSequences) {
		var d struct {
			ID    string `bson:"_id"`
			Value int64  `bson:"value"`
		}
		if err := bson.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(d.ID, "demo:") { // the load's progress markers
			continue
		}
		seqs[d.ID] = d.Value
	}
	cs := demo.Customers(seed, n, now, demo.Users(now))
	wantSeq := demo.Sequences(cs)
	if len(seqs) != len(wantSeq) {
		t.Fatalf("sequences %v, want %v", seqs, wantSeq)
	}
	for k, v := range wantSeq {
		if seqs[k] != v {
			t.Errorf("sequence %s = %d, want %d", k, seqs[k], v)
		}
	}
	period := crm.CodePeriod(now, crm.DefaultLocation)
	c := &crm.Customer{ID: "ffffffffffffffffffffffff", Name: "新客户测试有限公司", CreatedAt: now, UpdatedAt: now, Version: 1}
	c.Recompute()
	if err := s.Customers().Insert(ctx, c, period); err != nil {
		t.Fatal(err)
	}
	if next := crm.FormatCode(period, wantSeq["customer:"+period]+1); c.Code != next {
		t.Errorf("next code %s, want %s", c.Code, next)
	}

	// A store with customers is refused.
	if err := demo.Load(ctx, s, seed, 10, now, "x"); !crm.IsCode(err, crm.CodeConflict) {
		t.Errorf("second load: %v, want CONFLICT", err)
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := demo.Load(ctx, openStore(t), 1, 2000, now, "x"); err == nil {
		t.Fatal("Load with a canceled context succeeded")
	}
}

// cancelAfter passes everything to the real store and cancels the load's
// context once n customers have been written: a load cut short.
type cancelAfter struct {
	crm.Store
	n      int
	cancel context.CancelFunc
}

func (s *cancelAfter) Load(ctx context.Context, coll string, docs [][]byte) error {
	if err := s.Store.Load(ctx, coll, docs); err != nil {
		return err
	}
	if coll == crm.CollectionCustomers {
		if s.n -= len(docs); s.n <= 0 {
			s.cancel()
		}
	}
	return nil
}

// TestEnsureFinishesAnInterruptedLoad: a demo load stopped after 1,000 of
// 2,000 customers is finished at the next start, with exactly the
// documents an uninterrupted load writes, even though the clock moved on;
// a complete demo, or a store with other data, is left alone.
func TestEnsureFinishesAnInterruptedLoad(t *testing.T) {
	const seed, n = 5, 2000
	dir := t.TempDir()
	s, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, _, err := demo.Ensure(ctx, &cancelAfter{Store: s, n: 1000, cancel: cancel}, seed, n, now, "h"); err == nil {
		t.Fatal("the interrupted load reported success")
	}
	if got := len(dump(t, s, crm.CollectionCustomers)); got != 1000 {
		t.Fatalf("interrupted after %d customers, want 1000", got)
	}
	s.Close()

	s, err = sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	later := now.Add(36 * time.Hour)
	outcome, count, err := demo.Ensure(context.Background(), s, seed, 50, later, "h")
	if err != nil || outcome != demo.Resumed || count != n {
		t.Fatalf("restart: outcome %v, %d customers, %v; want Resumed, %d", outcome, count, err, n)
	}
	want := encodeAll(t, demo.Customers(seed, n, now, demo.Users(now)))
	got := dump(t, s, crm.CollectionCustomers)
	if len(got) != n {
		t.Fatalf("after the restart the store holds %d customers, want %d", len(got), n)
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("customer %d differs from an uninterrupted load", i)
		}
	}
	page, err := s.Customers().List(context.Background(), crm.ListQuery{First: 1, Scope: crm.ScopeAll, WithTotal: true})
	if err != nil || page.Total != n {
		t.Fatalf("read model after resuming: %v, total %d", err, page.Total)
	}

	// Complete now: the next start leaves it alone.
	if outcome, _, err := demo.Ensure(context.Background(), s, seed, n, later, "h"); err != nil || outcome != demo.Skipped {
		t.Fatalf("start after a complete demo: %v %v", outcome, err)
	}
	// A fresh store gets the demo; one with its own customers does not.
	fresh := openStore(t)
	if outcome, count, err := demo.Ensure(context.Background(), fresh, seed, 30, now, "h"); err != nil || outcome != demo.Loaded || count != 30 {
		t.Fatalf("fresh store: %v %d %v", outcome, count, err)
	}
	own := openStore(t)
	c := &crm.Customer{ID: crm.NewID(), Name: "自有客户", CreatedAt: now, UpdatedAt: now, Version: 1}
	c.Recompute()
	if err := own.Customers().Insert(context.Background(), c, "202611"); err != nil {
		t.Fatal(err)
	}
	if outcome, _, err := demo.Ensure(context.Background(), own, seed, 30, now, "h"); err != nil || outcome != demo.Skipped {
		t.Fatalf("store with its own data: %v %v", outcome, err)
	}
	if got := len(dump(t, own, crm.CollectionCustomers)); got != 1 {
		t.Fatalf("the demo was written into a store with its own data: %d customers", got)
	}
}

package demo_test

import (
	"bytes"
	"context"
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

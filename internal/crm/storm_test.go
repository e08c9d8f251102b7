package crm_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// countingStore passes everything to the real store and counts the
// customer writes that lost a version race.
type countingStore struct {
	crm.Store
	conflicts atomic.Int64
}

func (s *countingStore) Customers() crm.CustomerStore {
	return countingCustomers{s.Store.Customers(), &s.conflicts}
}

type countingCustomers struct {
	crm.CustomerStore
	conflicts *atomic.Int64
}

func (c countingCustomers) Replace(ctx context.Context, cu *crm.Customer, expected int64) error {
	err := c.CustomerStore.Replace(ctx, cu, expected)
	if crm.IsVersionConflict(err) {
		c.conflicts.Add(1)
	}
	return err
}

// bigCustomer stores a customer owned by owner with n interactions of about
// 3 KB each (1,500 make ~4.5 MB of BSON) and returns it.
func bigCustomer(t testing.TB, s crm.Store, n int) *crm.Customer {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	if err := s.Users().Insert(ctx, &crm.User{ID: owner.UserID, Email: "owner@example.com", Name: "Owner",
		Role: crm.RoleSales, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	c := &crm.Customer{ID: crm.NewID(), Name: "大客户", Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		OwnerID: owner.UserID, CreatedAt: now, CreatedBy: owner.UserID, UpdatedAt: now, UpdatedBy: owner.UserID}
	c.Interactions = interactions(n, now)
	c.Recompute()
	if err := s.Customers().Insert(ctx, c, "202611"); err != nil {
		t.Fatal(err)
	}
	return c
}

func interactions(n int, now time.Time) []crm.Interaction {
	summary := strings.Repeat("客户反馈物流效率有待提高", 83) // 996 characters, 2,988 bytes
	out := make([]crm.Interaction, n)
	for i := range out {
		out[i] = crm.Interaction{ID: crm.NewID(), At: now.Add(-time.Duration(n-i) * time.Hour),
			Channel: crm.ChannelPhone, Participants: []string{owner.UserID}, Summary: summary,
			CreatedBy: owner.UserID}
	}
	return out
}

// TestAppendStormOnOneLargeCustomer: 50 writers append to one customer of
// 1,500 interactions (4.5 MB) at once through the service on the real
// SQLite store. Every append succeeds, none is lost, and none had to be
// retried: writes to one customer are serialised in the process.
func TestAppendStormOnOneLargeCustomer(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites a 4.5 MB document 50 times")
	}
	db, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	store := &countingStore{Store: db}
	svc := &crm.Service{Store: store, Clock: crm.SystemClock{}}
	c := bigCustomer(t, db, 1500)
	if size := docSize(t, c); size < 4<<20 {
		t.Fatalf("the customer is only %d bytes", size)
	}

	const writers = 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			_, err := svc.LogInteraction(context.Background(), owner, c.ID, nil,
				crm.InteractionInput{Channel: crm.ChannelWeChat, Summary: fmt.Sprintf("并发追加 %d", i)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("append failed: %v", err)
		}
	}
	got, err := svc.Customer(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Interactions) != 1500+writers || got.Stats.InteractionCount != 1500+writers {
		t.Errorf("interactions: %d (count %d), want %d", len(got.Interactions), got.Stats.InteractionCount, 1500+writers)
	}
	seen := map[string]bool{}
	for _, it := range got.Interactions[1500:] {
		seen[it.Summary] = true
	}
	for i := range writers {
		if !seen[fmt.Sprintf("并发追加 %d", i)] {
			t.Errorf("append %d is missing", i)
		}
	}
	if got.Version != c.Version+writers {
		t.Errorf("version %d, want %d", got.Version, c.Version+writers)
	}
	if n := store.conflicts.Load(); n != 0 {
		t.Errorf("%d appends lost a version race and were retried; writes to one customer should wait their turn", n)
	}
}

// A customer's record may not grow over crm.MaxDocumentBytes: the append
// that would cross it is refused with DOCUMENT_TOO_LARGE and changes
// nothing; a smaller change still works.
func TestDocumentSizeBound(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	c := bigCustomer(t, svc.Store, 0)
	// Grow the stored record to just under the limit.
	now := c.CreatedAt
	per := docSize(t, &crm.Customer{Interactions: interactions(1, now)}) - docSize(t, &crm.Customer{})
	n := (crm.MaxDocumentBytes - 8<<10 - docSize(t, c)) / per
	for docSize(t, withInteractions(c, n+1, now)) < crm.MaxDocumentBytes-8<<10 {
		n++
	}
	big := withInteractions(c, n, now)
	big.Version = c.Version + 1
	if err := svc.Store.Customers().Replace(ctx, big, c.Version); err != nil {
		t.Fatal(err)
	}

	long := strings.Repeat("长", crm.MaxLongText) // 15 KB of BSON: over the limit
	_, err := svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: long})
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || e.Reason != crm.ReasonDocumentTooLarge ||
		!strings.Contains(e.Message, "delete records") {
		t.Fatalf("append over the limit: %v", err)
	}
	got, err := svc.Customer(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != big.Version || len(got.Interactions) != n {
		t.Fatalf("a refused append changed the customer: version %d, %d interactions", got.Version, len(got.Interactions))
	}
	if _, err := svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "短"}); err != nil {
		t.Fatalf("a small append under the limit: %v", err)
	}

	// Insert is bounded too.
	huge := withInteractions(&crm.Customer{ID: crm.NewID(), Name: "过大", OwnerID: owner.UserID}, n+10, now)
	if err := svc.Store.Customers().Insert(ctx, huge, "202611"); crm.ErrorCode(err) != crm.CodeBadUserInput {
		t.Fatalf("insert over the limit: %v", err)
	}
}

func withInteractions(c *crm.Customer, n int, now time.Time) *crm.Customer {
	cp := *c
	cp.Interactions = interactions(n, now)
	cp.Recompute()
	return &cp
}

func docSize(t testing.TB, c *crm.Customer) int {
	t.Helper()
	b, err := bson.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// BenchmarkAppendStorm: 50 writers appending to one customer of 1,500
// interactions (4.5 MB) on the SQLite store; ns/op is per append.
func BenchmarkAppendStorm(b *testing.B) {
	db, err := sqlite.Open(b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	svc := &crm.Service{Store: db, Clock: crm.SystemClock{}}
	c := bigCustomer(b, db, 1500)
	b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.LogInteraction(context.Background(), owner, c.ID, nil,
				crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "并发追加"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

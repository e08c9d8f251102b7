package crm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestEvalGate(t *testing.T) {
	ctx := context.Background()
	g := crm.NewEvalGate(crm.EvalLimits{Total: 3, PerUser: 2, Wait: -1})
	r1, err := g.Acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := g.Acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Acquire(ctx, "a")
	var rl *crm.RateLimitedError
	if !crm.IsCode(err, crm.CodeRateLimited) || !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		t.Fatalf("a's third: %v", err)
	}
	r3, err := g.Acquire(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Acquire(ctx, "c"); !crm.IsCode(err, crm.CodeRateLimited) {
		t.Fatalf("over the total: %v", err)
	}
	r1()
	r1() // releasing twice frees one slot only
	if _, err := g.Acquire(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Acquire(ctx, "d"); !crm.IsCode(err, crm.CodeRateLimited) {
		t.Fatalf("over the total after a double release: %v", err)
	}
	r2()
	r3()

	// A waiter gets the slot that frees while it waits.
	w := crm.NewEvalGate(crm.EvalLimits{Total: 1, PerUser: 1, Wait: time.Minute})
	rel, _ := w.Acquire(ctx, "a")
	got := make(chan error, 1)
	go func() {
		r, err := w.Acquire(ctx, "b")
		if err == nil {
			r()
		}
		got <- err
	}()
	rel()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// A cancelled waiter gives up.
	rel, _ = w.Acquire(ctx, "a")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := w.Acquire(cctx, "b"); err == nil {
		t.Fatal("a cancelled waiter got a slot")
	}
	rel()
}

func TestFilterCost(t *testing.T) {
	if crm.FilterCost(50000, false) != 501 || crm.FilterCost(50000, true) != 5010 || crm.FilterCost(0, false) != 1 {
		t.Fatal(crm.FilterCost(50000, false), crm.FilterCost(50000, true))
	}
}

package crm

import (
	"context"
	"testing"
)

func TestKeyLocks(t *testing.T) {
	var k keyLocks
	ctx := context.Background()
	unlockA, err := k.lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	// Another key is independent.
	unlockB, err := k.lock(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	unlockB()
	// A waiter for a held key gives up with its context, holding nothing.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := k.lock(cancelled, "a"); err != context.Canceled {
		t.Fatalf("waiting on a held lock with a cancelled context: %v", err)
	}
	got := make(chan struct{})
	go func() {
		unlock, err := k.lock(ctx, "a")
		if err == nil {
			unlock()
		}
		close(got)
	}()
	unlockA()
	<-got
	if len(k.m) != 0 {
		t.Fatalf("locks nobody holds are kept: %v", k.m)
	}
}

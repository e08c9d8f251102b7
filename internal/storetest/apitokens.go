package storetest

import (
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func apiToken(name, hash string, created time.Time) *crm.APIToken {
	return &crm.APIToken{ID: crm.NewID(), Name: name, Hash: hash, CreatedBy: "u1", CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour)}
}

func init() {
	register("APITokens", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ts := s.APITokens()
		if list, err := ts.List(ctx(t)); err != nil || len(list) != 0 {
			t.Fatalf("list on empty: %v %v", list, err)
		}
		older := apiToken("大屏", "hash-a", base)
		newer := apiToken("Grafana", "hash-b", base.Add(time.Minute))
		for _, x := range []*crm.APIToken{older, newer} {
			if err := ts.Insert(ctx(t), x); err != nil {
				t.Fatal(err)
			}
		}
		mustField(t, ts.Insert(ctx(t), apiToken("again", "hash-a", base)), crm.CodeConflict, "hash")

		got, err := ts.GetByHash(ctx(t), "hash-b")
		if err != nil || got.ID != newer.ID || got.Name != "Grafana" || got.CreatedBy != "u1" ||
			!got.CreatedAt.Equal(newer.CreatedAt) || !got.ExpiresAt.Equal(newer.ExpiresAt) || got.LastUsedAt != nil || got.Revoked() {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if got, err := ts.Get(ctx(t), older.ID); err != nil || got.Hash != "hash-a" {
			t.Fatalf("by id: %+v %v", got, err)
		}
		_, err = ts.GetByHash(ctx(t), "no such hash")
		mustCode(t, err, crm.CodeNotFound)
		_, err = ts.Get(ctx(t), crm.NewID())
		mustCode(t, err, crm.CodeNotFound)

		// Newest first.
		list, err := ts.List(ctx(t))
		if err != nil || len(list) != 2 || list[0].ID != newer.ID || list[1].ID != older.ID {
			t.Fatalf("list: %v %v", list, err)
		}

		// LastUsedAt only moves forward; a missing token is no error.
		at := base.Add(time.Hour)
		for _, when := range []time.Time{at, at.Add(-time.Minute)} {
			if err := ts.Touch(ctx(t), older.ID, when); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := ts.Get(ctx(t), older.ID); got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
			t.Fatalf("last used: %+v", got.LastUsedAt)
		}
		if err := ts.Touch(ctx(t), crm.NewID(), at); err != nil {
			t.Fatalf("touch a missing token: %v", err)
		}

		// Revoking keeps the first time and who; the token stays listed.
		first := base.Add(2 * time.Hour)
		r, err := ts.Revoke(ctx(t), older.ID, first, "u2")
		if err != nil || r.RevokedAt == nil || !r.RevokedAt.Equal(first) || r.RevokedBy != "u2" {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		r, err = ts.Revoke(ctx(t), older.ID, first.Add(time.Hour), "u3")
		if err != nil || !r.RevokedAt.Equal(first) || r.RevokedBy != "u2" {
			t.Fatalf("revoke again: %+v %v", r, err)
		}
		if got, _ := ts.GetByHash(ctx(t), "hash-a"); !got.Revoked() || got.LastUsedAt == nil {
			t.Fatalf("after revoke: %+v", got)
		}
		_, err = ts.Revoke(ctx(t), crm.NewID(), first, "u2")
		mustCode(t, err, crm.CodeNotFound)
		if list, _ := ts.List(ctx(t)); len(list) != 2 {
			t.Fatalf("%d tokens listed after revoke", len(list))
		}
		if got, _ := ts.Get(ctx(t), newer.ID); got.Revoked() {
			t.Fatal("revoking one token revoked another")
		}

		// Durable across a restart.
		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		if got, err := s.APITokens().GetByHash(ctx(t), "hash-a"); err != nil || !got.Revoked() || !got.LastUsedAt.Equal(at) {
			t.Fatalf("after reopen: %+v %v", got, err)
		}
	})
}

package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func user(email string) *crm.User {
	return &crm.User{ID: crm.NewID(), Email: email, Name: "测试用户", Role: crm.RoleSales,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: base, UpdatedAt: base, Version: 1}
}

func init() {
	register("Users", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		us := s.Users()
		if n, err := us.Count(ctx(t)); err != nil || n != 0 {
			t.Fatalf("count on empty: %d %v", n, err)
		}
		b := user("b@kehu.local")
		a := user("a@kehu.local")
		for _, u := range []*crm.User{b, a} {
			if err := us.Insert(ctx(t), u); err != nil {
				t.Fatal(err)
			}
		}
		mustField(t, us.Insert(ctx(t), user("a@kehu.local")), crm.CodeConflict, "email")
		got, err := us.Get(ctx(t), a.ID)
		if err != nil || got.Email != a.Email || got.PasswordHash != a.PasswordHash || got.Role != a.Role || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("get: %+v %v", got, err)
		}
		if got, err := us.GetByEmail(ctx(t), "b@kehu.local"); err != nil || got.ID != b.ID {
			t.Fatalf("by email: %+v %v", got, err)
		}
		_, err = us.GetByEmail(ctx(t), "nobody@kehu.local")
		mustCode(t, err, crm.CodeNotFound)
		_, err = us.Get(ctx(t), crm.NewID())
		mustCode(t, err, crm.CodeNotFound)
		list, err := us.List(ctx(t))
		if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
			t.Fatalf("list by email: %v %v", list, err)
		}
		many, err := us.GetMany(ctx(t), []string{b.ID, "missing", a.ID})
		if err != nil || len(many) != 2 || many[0].ID != b.ID || many[1].ID != a.ID {
			t.Fatalf("GetMany: %v %v", many, err)
		}
		next := *a
		next.Role, next.Disabled, next.MustChangePassword, next.Version = crm.RoleManager, true, true, 2
		if err := us.Replace(ctx(t), &next, 1); err != nil {
			t.Fatal(err)
		}
		if err := us.Replace(ctx(t), &next, 1); !crm.IsVersionConflict(err) {
			t.Fatalf("stale user replace: %v", err)
		}
		taken := *b
		taken.Email, taken.Version = "a@kehu.local", 2
		mustField(t, us.Replace(ctx(t), &taken, 1), crm.CodeConflict, "email")
		got, _ = us.Get(ctx(t), a.ID)
		if got.Role != crm.RoleManager || !got.Disabled || !got.MustChangePassword || got.Version != 2 {
			t.Fatalf("after replace: %+v", got)
		}
		// The list shows every write at once (a store may cache it), and
		// changing a listed user changes nothing stored.
		list, err = us.List(ctx(t))
		if err != nil || len(list) != 2 || list[0].Role != crm.RoleManager || !list[0].Disabled || list[0].Version != 2 {
			t.Fatalf("list after replace: %+v %v", list[0], err)
		}
		list[0].Name = "changed by a caller"
		c := user("c@kehu.local")
		if err := us.Insert(ctx(t), c); err != nil {
			t.Fatal(err)
		}
		list, err = us.List(ctx(t))
		if err != nil || len(list) != 3 || list[2].ID != c.ID || list[0].Name == "changed by a caller" {
			t.Fatalf("list after insert: %v %v", list, err)
		}
		if n, _ := us.Count(ctx(t)); n != 3 {
			t.Fatalf("count %d", n)
		}
	})

	register("Sessions", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ss := s.Sessions()
		mk := func(id, user string, exp time.Duration) *crm.Session {
			return &crm.Session{ID: id, UserID: user, CreatedAt: base, ExpiresAt: base.Add(exp)}
		}
		for _, x := range []*crm.Session{mk("s1", "u1", time.Hour), mk("s2", "u1", 2*time.Hour), mk("s3", "u2", -time.Minute), mk("s4", "u2", time.Hour)} {
			if err := ss.Insert(ctx(t), x); err != nil {
				t.Fatal(err)
			}
		}
		got, err := ss.Get(ctx(t), "s1")
		if err != nil || got.UserID != "u1" || !got.ExpiresAt.Equal(base.Add(time.Hour)) {
			t.Fatalf("get: %+v %v", got, err)
		}
		n, err := ss.DeleteExpired(ctx(t), base)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpired: %d %v", n, err)
		}
		_, err = ss.Get(ctx(t), "s3")
		mustCode(t, err, crm.CodeNotFound)
		if err := ss.Delete(ctx(t), "s1"); err != nil {
			t.Fatal(err)
		}
		if err := ss.Delete(ctx(t), "s1"); err != nil {
			t.Fatalf("deleting a missing session: %v", err)
		}
		if err := ss.DeleteUser(ctx(t), "u2"); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]bool{"s1": false, "s2": true, "s4": false} {
			_, err := ss.Get(ctx(t), id)
			if (err == nil) != want {
				t.Fatalf("session %s present=%v, want %v (%v)", id, err == nil, want, err)
			}
		}
	})

	register("DumpAndLoad", false, func(t *testing.T, h Harness) {
		src := open(t, h)
		for i := 0; i < 5; i++ {
			insert(t, src, sample(10+i))
		}
		if err := src.Users().Insert(ctx(t), user("m@kehu.local")); err != nil {
			t.Fatal(err)
		}
		if err := src.Sessions().Insert(ctx(t), &crm.Session{ID: "tok", UserID: "u", CreatedAt: base, ExpiresAt: base.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		for _, seg := range []*crm.SavedSegment{savedSegment("u", "A 类", true), savedSegment("u", "私有", false)} {
			if err := src.Segments().Insert(ctx(t), seg); err != nil {
				t.Fatal(err)
			}
		}
		if err := src.APITokens().Insert(ctx(t), apiToken("大屏", "hash", base)); err != nil {
			t.Fatal(err)
		}
		for v := int64(0); v < 2; v++ {
			if err := src.Settings().Put(ctx(t), "rules", ruleSetNo(int(v)+1), v); err != nil {
				t.Fatal(err)
			}
		}
		if err := src.Imports().Insert(ctx(t), anImport("imp", "u", base)); err != nil {
			t.Fatal(err)
		}
		if err := src.Imports().AppendUndo(ctx(t), undoChunk(t, "imp", 0)); err != nil {
			t.Fatal(err)
		}
		if err := src.Imports().AppendRows(ctx(t), rowsChunk("imp", 0)); err != nil {
			t.Fatal(err)
		}
		if err := src.Merges().Insert(ctx(t), aMerge(t, "mrg", base, "c1", "c2")); err != nil {
			t.Fatal(err)
		}
		dst := open(t, h)
		for _, coll := range crm.Collections() {
			var docs [][]byte
			if err := src.Dump(ctx(t), coll, func(d []byte) error { docs = append(docs, append([]byte(nil), d...)); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(docs) == 0 {
				t.Fatalf("nothing dumped from %s", coll)
			}
			if err := dst.Load(ctx(t), coll, docs); err != nil {
				t.Fatal(err)
			}
			// Loading again replaces rather than duplicates.
			if err := dst.Load(ctx(t), coll, docs); err != nil {
				t.Fatalf("reload %s: %v", coll, err)
			}
			var back [][]byte
			if err := dst.Dump(ctx(t), coll, func(d []byte) error { back = append(back, append([]byte(nil), d...)); return nil }); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(docs) != fmt.Sprint(back) {
				t.Fatalf("%s: loaded documents differ from the dump", coll)
			}
		}
		// The loaded data is live: lists see it and the sequence continues.
		p, err := dst.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderCode, First: 10, WithTotal: true})
		if err != nil || p.Total != 5 {
			t.Fatalf("list after load: %+v %v", p, err)
		}
		if c := insert(t, dst, plain("迁移后", base)); c.Code != "C202611006" {
			t.Fatalf("sequence after load: %s", c.Code)
		}
		// Loaded segments are live, with their unique names.
		if list, err := dst.Segments().ListVisible(ctx(t), "u"); err != nil || len(list) != 2 {
			t.Fatalf("segments after load: %v %v", list, err)
		}
		mustField(t, dst.Segments().Insert(ctx(t), savedSegment("u", "a 类", false)), crm.CodeConflict, "name")
		// Loaded API tokens are found by their hash.
		if tok, err := dst.APITokens().GetByHash(ctx(t), "hash"); err != nil || tok.Name != "大屏" {
			t.Fatalf("API token after load: %+v %v", tok, err)
		}
		// Loaded settings keep their version and take the next one.
		mustSetting(t, dst.Settings(), "rules", ruleSetNo(2), 2)
		mustField(t, dst.Settings().Put(ctx(t), "rules", ruleSetNo(3), 0), crm.CodeConflict, "expectedVersion")
		if err := dst.Settings().Put(ctx(t), "rules", ruleSetNo(3), 2); err != nil {
			t.Fatalf("put a loaded setting: %v", err)
		}
		mustSetting(t, dst.Settings(), "rules", ruleSetNo(3), 3)
		// Loaded merges are listed by their customers.
		mustMerges(t, dst.Merges(), "c2", 10, "mrg")
		if err := dst.Load(ctx(t), "nonsense", nil); err == nil {
			t.Fatal("unknown collection accepted")
		}
	})
}

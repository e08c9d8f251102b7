package sqlite_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// TestPresetCodesRaiseTheSequence: generated codes never collide with codes
// that were imported (Insert with a code, or Load).
func TestPresetCodesRaiseTheSequence(t *testing.T) {
	s := openAt(t, t.TempDir())
	preset := small("导入")
	preset.Code = "C202611050"
	mustInsert(t, s, preset)
	if c := mustInsert(t, s, small("新建")); c.Code != "C202611051" {
		t.Fatalf("code after an imported C202611050: %s", c.Code)
	}
	loaded := small("迁移")
	loaded.Code = "C202611200"
	doc, err := bson.Marshal(loaded)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(ctx(t), crm.CollectionCustomers, [][]byte{doc}); err != nil {
		t.Fatal(err)
	}
	if c := mustInsert(t, s, small("再新建")); c.Code != "C202611201" {
		t.Fatalf("code after a loaded C202611200: %s", c.Code)
	}
	// Codes in another format are kept and do not touch the sequence.
	other := small("旧编号")
	other.Code = "KH-0001"
	mustInsert(t, s, other)
	if c := mustInsert(t, s, small("又一个")); c.Code != "C202611202" {
		t.Fatalf("code after KH-0001: %s", c.Code)
	}
}

// TestFailedWritesLeaveNoTrace: a failed Insert restores the caller's
// customer, and a failed Load writes and publishes nothing of its batch.
func TestFailedWritesLeaveNoTrace(t *testing.T) {
	s := openAt(t, t.TempDir())
	a := small("甲")
	a.CreditCode = "91350100M000100Y43"
	mustInsert(t, s, a)

	b := small("乙")
	b.CreditCode = a.CreditCode
	b.Version = 7
	if err := s.Customers().Insert(ctx(t), b, "202611"); !crm.IsCode(err, crm.CodeConflict) {
		t.Fatalf("duplicate credit code: %v", err)
	}
	if b.Code != "" || b.Version != 7 {
		t.Fatalf("failed insert changed the customer: code %q version %d", b.Code, b.Version)
	}

	fresh := small("丙")
	fresh.Code = "C202611300"
	clash := small("丁")
	clash.Code = a.Code // taken
	var docs [][]byte
	for _, c := range []*crm.Customer{fresh, clash} {
		doc, err := bson.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	err := s.Load(ctx(t), crm.CollectionCustomers, docs)
	if e, ok := err.(*crm.Error); !ok || e.Code != crm.CodeConflict || len(e.Fields) != 1 || e.Fields[0].Field != "code" {
		t.Fatalf("load with a taken code: %v", err)
	}
	if _, err := s.Customers().Get(ctx(t), fresh.ID); !crm.IsCode(err, crm.CodeNotFound) {
		t.Fatalf("failed load kept part of its batch: %v", err)
	}
	for _, tc := range []struct {
		name string
		docs [][]byte
	}{
		{"not BSON", [][]byte{[]byte("{}")}},
		{"no id", [][]byte{mustMarshal(t, bson.D{{Key: "code", Value: "C202611999"}})}},
		{"no code", [][]byte{mustMarshal(t, bson.D{{Key: "_id", Value: crm.NewID()}})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Load(ctx(t), crm.CollectionCustomers, tc.docs); !crm.IsCode(err, crm.CodeBadUserInput) {
				t.Fatalf("want BAD_USER_INPUT, got %v", err)
			}
		})
	}
	checkReadModel(t, s)
	if got := listAll(t, s, 10); len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("read model after failed writes: %d customers", len(got))
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

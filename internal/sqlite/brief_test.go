package sqlite

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/kehu-crm/kehu/internal/crm"
)

// FuzzReadBrief checks the byte walker against a reflective decode into
// crm.Customer followed by crm.BriefOf: whenever both succeed they agree.
// (The walker may refuse what the decoder converts, such as a double for an
// amount: the read model then reads that customer's document, which is
// always right. The read-model consistency tests check that it takes every
// document Kehu writes.)
func FuzzReadBrief(f *testing.F) {
	at := time.Date(2026, 11, 23, 9, 30, 0, 123_000_000, time.UTC)
	seeds := []any{
		bson.D{{Key: "_id", Value: "a"}},
		bson.D{{Key: "interactions", Value: bson.A{}}, {Key: "contacts", Value: nil}},
		bson.D{{Key: "interactions", Value: bson.A{
			bson.D{{Key: "at", Value: at}, {Key: "channel", Value: "VISIT"}, {Key: "summary", Value: "拜访"}, {Key: "createdBy", Value: "u1"}},
			bson.D{{Key: "channel", Value: "PHONE"}, {Key: "keyEvent", Value: "COMPLAINT"}},
			bson.D{{Key: "at", Value: nil}, {Key: "channel", Value: "EMAIL"}, {Key: "keyEvent", Value: nil}, {Key: "createdBy", Value: nil}},
		}}},
		bson.D{{Key: "contacts", Value: bson.A{
			bson.D{{Key: "id", Value: "k1"}, {Key: "name", Value: "王经理"}, {Key: "title", Value: "采购经理"}, {Key: "role", Value: "DECISION_MAKER"}, {Key: "primary", Value: true}, {Key: "phone", Value: "13800000000"}},
			bson.D{{Key: "name", Value: nil}, {Key: "primary", Value: nil}},
		}}},
		bson.D{{Key: "needs", Value: bson.A{
			bson.D{{Key: "title", Value: "ERP"}, {Key: "kind", Value: "CURRENT"}, {Key: "type", Value: "SOLUTION"}, {Key: "priority", Value: "HIGH"},
				{Key: "urgent", Value: true}, {Key: "important", Value: false}, {Key: "status", Value: "OPEN"}, {Key: "budgetMin", Value: int64(100)},
				{Key: "budgetMax", Value: int64(5000000)}, {Key: "expectedOn", Value: at}, {Key: "openedAt", Value: at}, {Key: "resolvedAt", Value: at}},
			bson.D{{Key: "title", Value: "培训"}, {Key: "budgetMax", Value: nil}, {Key: "resolvedAt", Value: nil}, {Key: "budgetMax", Value: int32(7)}},
		}}},
		bson.D{{Key: "deals", Value: bson.A{
			bson.D{{Key: "product", Value: "云服务"}, {Key: "amount", Value: int64(12345600)}, {Key: "date", Value: at}, {Key: "note", Value: "首单"}},
			bson.D{{Key: "product", Value: "培训"}, {Key: "amount", Value: int32(5)}},
		}}},
		bson.D{{Key: "interactions", Value: bson.A{
			bson.D{{Key: "channel", Value: "VISIT"}, {Key: "participants", Value: bson.A{"u1", "u2"}}, {Key: "durationMin", Value: int32(45)}},
			bson.D{{Key: "channel", Value: "PHONE"}, {Key: "participants", Value: bson.A{"u1", "u2"}}, {Key: "durationMin", Value: int64(70000)}},
			bson.D{{Key: "channel", Value: "EMAIL"}, {Key: "participants", Value: nil}},
			bson.D{{Key: "channel", Value: "EMAIL"}, {Key: "participants", Value: bson.A{int32(3)}}},
			bson.D{{Key: "at", Value: at}, {Key: "channel", Value: "PHONE"}, {Key: "recordedAt", Value: at.Add(30 * time.Hour)},
				{Key: "nextAction", Value: bson.D{{Key: "what", Value: "回访"}, {Key: "due", Value: at}, {Key: "done", Value: false}}}},
			bson.D{{Key: "at", Value: at}, {Key: "channel", Value: "PHONE"}, {Key: "recordedAt", Value: nil},
				{Key: "nextAction", Value: bson.D{{Key: "what", Value: "回访"}, {Key: "due", Value: nil}, {Key: "done", Value: true}}}},
			bson.D{{Key: "channel", Value: "PHONE"}, {Key: "nextAction", Value: nil}},
			bson.D{{Key: "channel", Value: "PHONE"}, {Key: "nextAction", Value: "soon"}},
		}}},
		bson.D{{Key: "satisfaction", Value: bson.A{
			bson.D{{Key: "id", Value: "s1"}, {Key: "at", Value: at}, {Key: "score", Value: int32(88)}, {Key: "comment", Value: "好"}},
			bson.D{{Key: "score", Value: int64(40)}},
		}}},
		bson.D{{Key: "stageHistory", Value: bson.A{
			bson.D{{Key: "to", Value: "POTENTIAL"}, {Key: "at", Value: at}, {Key: "by", Value: "u1"}},
			bson.D{{Key: "from", Value: "POTENTIAL"}, {Key: "to", Value: "WON"}, {Key: "at", Value: at}},
			bson.D{{Key: "from", Value: "WON"}, {Key: "to", Value: "SOLD"}},
		}}},
		bson.D{{Key: "serviceRequests", Value: bson.A{
			bson.D{{Key: "id", Value: "r1"}, {Key: "kind", Value: "COMPLAINT"}, {Key: "status", Value: "CLOSED"}, {Key: "priority", Value: "HIGH"},
				{Key: "assigneeId", Value: "u1"}, {Key: "openedAt", Value: at}, {Key: "due", Value: at}, {Key: "resolvedAt", Value: at},
				{Key: "closedAt", Value: at}, {Key: "resolutionHours", Value: int64(5)}, {Key: "summary", Value: "投诉"}},
			bson.D{{Key: "kind", Value: "CONSULTATION"}, {Key: "resolvedAt", Value: nil}, {Key: "resolutionHours", Value: int32(2)}},
			bson.D{{Key: "kind", Value: "AFTER_SALES"}, {Key: "resolutionHours", Value: 1.5}},
		}}},
		bson.D{{Key: "tasks", Value: bson.A{
			bson.D{{Key: "id", Value: "t1"}, {Key: "kind", Value: "NEXT_ACTION"}, {Key: "key", Value: "i1"}, {Key: "title", Value: "回访"},
				{Key: "assigneeId", Value: "u1"}, {Key: "due", Value: at}, {Key: "status", Value: "DONE"}, {Key: "createdAt", Value: at},
				{Key: "closedAt", Value: at.Add(time.Hour)}, {Key: "closedBy", Value: "u1"}},
			bson.D{{Key: "kind", Value: "MANUAL"}, {Key: "status", Value: "OPEN"}, {Key: "closedAt", Value: nil}, {Key: "snoozedUntil", Value: at}},
			bson.D{{Key: "kind", Value: "FOLLOW_UP"}, {Key: "status", Value: "CLOSED"}, {Key: "assigneeId", Value: nil}, {Key: "closedAt", Value: at}},
			bson.D{{Key: "kind", Value: "CHURN_RISK"}, {Key: "due", Value: "tomorrow"}},
		}}},
		bson.D{{Key: "interactions", Value: bson.A{bson.D{{Key: "channel", Value: "FAX"}}}}},
		bson.D{{Key: "interactions", Value: bson.A{bson.D{{Key: "at", Value: "yesterday"}}}}},
		bson.D{{Key: "deals", Value: bson.A{int32(1)}}},
		bson.D{{Key: "needs", Value: "none"}},
	}
	for _, s := range seeds {
		b, err := bson.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got := readBrief(doc, strCache{})
		var c crm.Customer
		if err := bson.Unmarshal(doc, &c); err != nil || foldedKeys(doc) {
			return // not a customer document as Kehu writes them
		}
		want, ok := crm.BriefOf(&c)
		if !ok {
			if got != nil {
				t.Fatalf("walker read %+v where a brief cannot represent the arrays", got)
			}
			return
		}
		if got != nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("walker %+v\nreflective decode %+v", got, want)
		}
	})
}

// TestReadBriefSeeds: the walker takes every seed a brief can represent
// (the fuzz property alone would pass a walker that refuses everything).
func TestReadBriefSeeds(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 30, 0, 123_000_000, time.UTC)
	c := &crm.Customer{
		Contacts:     []crm.Contact{{ID: "k", Name: "王经理", Title: "采购经理", Role: crm.ContactRoleDecisionMaker, Primary: true, Phone: "13800000000"}},
		Interactions: []crm.Interaction{{ID: "i", At: at, Channel: crm.ChannelVisit, KeyEvent: crm.KeyEventSigned, Summary: "拜访", CreatedBy: "u1"}, {ID: "j", At: at, Channel: crm.ChannelPhone}},
		Needs:        []crm.Need{{Title: "ERP", Kind: crm.NeedKindCurrent, Priority: crm.PriorityHigh, Status: crm.NeedStatusOpen, OpenedAt: at, ExpectedOn: &at, BudgetMax: new(crm.Money(500))}},
		Deals:        []crm.Deal{{Product: "云服务", Amount: 12345600, Date: at}},
		Tasks: []crm.Task{{ID: "t", Kind: crm.TaskNextAction, Title: "回访", AssigneeID: "u1", Due: at, Status: crm.TaskDone, CreatedAt: at, ClosedAt: new(at.Add(time.Hour))},
			{ID: "o", Kind: crm.TaskManual, Title: "报价", Due: at, Status: crm.TaskOpen, CreatedAt: at}},
	}
	doc, err := bson.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got := readBrief(doc, strCache{})
	want, _ := crm.BriefOf(c)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("walker %+v\nwant %+v", got, want)
	}
}

// foldedKeys reports whether the document or an element of its arrays has
// a key that differs only in case from one the walker reads: the reflective
// decoder falls back to such keys, and Kehu never writes them.
func foldedKeys(doc []byte) bool {
	odd := func(d bsoncore.Document, names ...string) bool {
		els, _ := d.Elements()
		for _, el := range els {
			k := el.Key()
			for _, n := range names {
				if k != n && strings.EqualFold(k, n) {
					return true
				}
			}
		}
		return false
	}
	arrays := map[string][]string{
		"contacts":        {"name", "title", "role", "primary"},
		"interactions":    {"at", "channel", "keyEvent", "createdBy"},
		"needs":           {"title", "kind", "type", "priority", "status", "urgent", "important", "openedAt", "resolvedAt", "expectedOn", "budgetMax"},
		"deals":           {"product", "amount", "date"},
		"satisfaction":    {"at", "score"},
		"stageHistory":    {"at", "from", "to"},
		"serviceRequests": {"kind", "status", "priority", "assigneeId", "openedAt", "due", "resolvedAt", "closedAt", "resolutionHours"},
		"tasks":           {"kind", "status", "assigneeId", "due", "createdAt", "closedAt"},
	}
	d := bsoncore.Document(doc)
	if odd(d, "contacts", "interactions", "needs", "deals", "satisfaction", "stageHistory", "serviceRequests", "tasks") {
		return true
	}
	for name, keys := range arrays {
		arr, ok := d.Lookup(name).ArrayOK()
		if !ok {
			continue
		}
		vals, _ := arr.Values()
		for _, v := range vals {
			if e, ok := v.DocumentOK(); ok && odd(e, keys...) {
				return true
			}
		}
	}
	return false
}

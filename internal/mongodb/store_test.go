package mongodb_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongodb"
	"github.com/kehu-crm/kehu/internal/mongotest"
	"github.com/kehu-crm/kehu/internal/storetest"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

var suiteNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func open(t *testing.T, db string) *mongodb.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := mongodb.Open(ctx, mongotest.URI(t), db, mongotest.Options())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	dbs := map[crm.Store]string{} // the database of each open store, for Reopen
	h := storetest.Harness{
		Open: func(t *testing.T) crm.Store {
			db := mongotest.NewDatabase(t)
			s := open(t, db)
			mu.Lock()
			dbs[s] = db
			mu.Unlock()
			return s
		},
		Reopen: func(t *testing.T, s crm.Store) crm.Store {
			mu.Lock()
			db := dbs[s]
			mu.Unlock()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s2 := open(t, db)
			mu.Lock()
			dbs[s2] = db
			mu.Unlock()
			return s2
		},
	}
	if mongotest.FerretDB() {
		// Measured: run against FerretDB v1.24.0, the racing cases hand one
		// code out twice, let two writers win one version and lose 22 of 30
		// concurrent appends.
		h.SkipRaces = "FerretDB v1's SQLite handler does not make an update atomic (it reads the document " +
			"outside a transaction and writes it back unchecked), so racing versioned writes and sequence " +
			"increments lose updates there; set KEHU_TEST_MONGODB_URI to run these cases on a real MongoDB"
		h.SkipNestedFilters = "FerretDB v1 does not implement $expr and mis-evaluates $elemMatch " +
			"(internal/segment's FerretDB test measures it); set KEHU_TEST_MONGODB_URI to run these cases on a real MongoDB"
	}
	storetest.Run(t, h)
}

func TestOpenTwiceIsIdempotent(t *testing.T) {
	db := mongotest.NewDatabase(t)
	s1 := open(t, db)
	defer s1.Close()
	ctx := context.Background()
	c := newCustomer("甲")
	c.CreditCode = "91350100M000100Y43"
	if err := s1.Customers().Insert(ctx, c, "202611"); err != nil {
		t.Fatal(err)
	}
	// Indexes an earlier build made and nothing reads now: dropped.
	for _, f := range []string{"name", "industry"} {
		if _, err := s1.Database().Collection(crm.CollectionCustomers).Indexes().CreateOne(ctx, mongo.IndexModel{
			Keys:    bson.D{{Key: "archivedAt", Value: 1}, {Key: f, Value: 1}, {Key: "_id", Value: 1}},
			Options: options.Index().SetName("list_" + f),
		}); err != nil {
			t.Fatal(err)
		}
	}
	s2 := open(t, db)
	defer s2.Close()
	// The indexes are there once, and still enforce uniqueness.
	cur, err := s2.Database().Collection(crm.CollectionCustomers).Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var idx []struct {
		Name   string `bson:"name"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &idx); err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, i := range idx {
		names[i.Name]++
	}
	if names["list_name"] != 0 || names["list_industry"] != 0 {
		t.Error("an obsolete index (list_name, list_industry) is still there")
	}
	for _, want := range []string{"_id_", "uniq_code", "uniq_creditCode", "list_code", "list_match.order", "list_match.industryOrder", "list_match.cityOrder", "list_stats.lastInteractionAt",
		"list_valueTier", "seg_stage", "seg_tags", "seg_interactions.at", "text_grams", "text_mgrams", "text_gv", "match_name", "match_phones", "match_v"} {
		if names[want] != 1 {
			t.Errorf("index %s present %d times: %v", want, names[want], names)
		}
	}
	if len(idx) != 2+1+len(crm.OrderFields())+len(mongodb.FilterIndexPaths)+3+3 { // +3 text grams, +3 match keys
		t.Errorf("%d indexes: %v", len(idx), names)
	}
	dup := newCustomer("乙")
	dup.CreditCode = c.CreditCode
	err = s2.Customers().Insert(ctx, dup, "202611")
	if e, ok := err.(*crm.Error); !ok || e.Code != crm.CodeConflict || len(e.Fields) != 1 || e.Fields[0].Field != "creditCode" {
		t.Fatalf("duplicate credit code after reopen: %v", err)
	}
	if dup.Code != "" {
		t.Fatalf("failed insert kept its drawn code %s", dup.Code)
	}
}

func newCustomer(name string) *crm.Customer {
	c := &crm.Customer{ID: crm.NewID(), Name: name, Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		CreatedAt: suiteNow, UpdatedAt: suiteNow, CreatedBy: "u", UpdatedBy: "u", Version: 1}
	c.Recompute()
	return c
}

// A lean list page does not fetch the nested arrays or the notes: check the
// customers returned and the documents on the wire are both without them.
func TestListProjection(t *testing.T) {
	s := open(t, mongotest.NewDatabase(t))
	defer s.Close()
	ctx := context.Background()
	c := newCustomer("投影公司")
	c.Notes = "长备注"
	c.Contacts = []crm.Contact{{ID: "c1", Name: "王五"}}
	c.Interactions = []crm.Interaction{{ID: "i1", At: suiteNow, Channel: crm.ChannelPhone, Summary: "电话"}}
	c.Deals = []crm.Deal{{ID: "d1", Product: "产品", Amount: 100, Date: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}
	c.Recompute()
	if err := s.Customers().Insert(ctx, c, "202611"); err != nil {
		t.Fatal(err)
	}
	p, err := s.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderName, First: 10, Search: "王五"})
	if err != nil || len(p.Customers) != 1 {
		t.Fatalf("lean list: %+v %v", p, err)
	}
	got := p.Customers[0]
	if !got.Partial || got.Interactions != nil || got.Contacts != nil || got.Deals != nil || got.Notes != "" {
		t.Fatalf("lean row loaded nested data: partial=%v interactions=%v contacts=%v deals=%v notes=%q",
			got.Partial, got.Interactions, got.Contacts, got.Deals, got.Notes)
	}
	if got.Stats.InteractionCount != 1 || got.Stats.TotalAmount != 100 || got.Code != c.Code || got.Version != 1 {
		t.Fatalf("lean row lost its scalars: %+v", got)
	}
	p, err = s.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderName, First: 10, Full: true})
	if err != nil || len(p.Customers) != 1 {
		t.Fatalf("full list: %+v %v", p, err)
	}
	if full := p.Customers[0]; full.Partial || len(full.Interactions) != 1 || full.Notes != c.Notes {
		t.Fatalf("full row: %+v", full)
	}
}

func TestListRejectsBadInput(t *testing.T) {
	s := open(t, mongotest.NewDatabase(t))
	defer s.Close()
	ctx := context.Background()
	for name, q := range map[string]crm.ListQuery{
		"first 0":           {OrderBy: crm.OrderName},
		"unknown order":     {OrderBy: "SHOE_SIZE", First: 1},
		"unknown scope":     {Scope: "DELETED", First: 1},
		"cursor type wrong": {OrderBy: crm.OrderInteractionCount, First: 1, After: &crm.Cursor{Value: "3", ID: "x"}},
	} {
		if _, err := s.Customers().List(ctx, q); !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Errorf("%s: want BAD_USER_INPUT, got %v", name, err)
		}
	}
}

func TestSequenceDocument(t *testing.T) {
	s := open(t, mongotest.NewDatabase(t))
	defer s.Close()
	ctx := context.Background()
	for range 2 {
		if err := s.Customers().Insert(ctx, newCustomer("序列"), "202611"); err != nil {
			t.Fatal(err)
		}
	}
	var docs []bson.Raw
	if err := s.Dump(ctx, crm.CollectionSequences, func(d []byte) error { docs = append(docs, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d sequence documents", len(docs))
	}
	id, _ := docs[0].Lookup("_id").StringValueOK()
	v := docs[0].Lookup("value")
	if n, ok := v.Int64OK(); id != "customer:202611" || !ok || n != 2 {
		t.Fatalf("sequence document %v", docs[0])
	}
}

func TestUnreachableFailsFastAndClearly(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := mongodb.Open(context.Background(), "mongodb://kehu:secret@127.0.0.1:1/?connectTimeoutMS=500", "kehu",
		mongodb.Options{ServerSelectionTimeout: 500 * time.Millisecond})
	took := time.Since(start)
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot reach mongodb://kehu:***@127.0.0.1:1/") || strings.Contains(msg, "secret") {
		t.Fatalf("unclear or leaky error: %s", msg)
	}
	if took > 5*time.Second {
		t.Fatalf("took %s to fail", took)
	}

	start = time.Now()
	_, err = mongodb.Open(context.Background(), "mongodb://127.0.0.1:1", "kehu", mongodb.Options{})
	if took := time.Since(start); err == nil || took > mongodb.DefaultServerSelectionTimeout+3*time.Second {
		t.Fatalf("default timeout: %v after %s", err, took)
	}

	if _, err := mongodb.Open(context.Background(), "postgres://x", "kehu", mongodb.Options{}); err == nil ||
		!strings.Contains(err.Error(), "invalid URI") {
		t.Fatalf("bad scheme: %v", err)
	}
}

func TestFerretDBNeedsPlainIndexes(t *testing.T) {
	if !mongotest.FerretDB() {
		t.Skip("MongoDB implements partial and TTL indexes")
	}
	_, err := mongodb.Open(context.Background(), mongotest.URI(t), mongotest.NewDatabase(t), mongodb.Options{})
	if err == nil || !strings.Contains(err.Error(), "PlainCreditCodeIndex") {
		t.Fatalf("want a hint at the FerretDB options, got %v", err)
	}
}

// The stored document is exactly bson.Marshal of the struct (the bytes the
// SQLite store keeps): same field order, same types, absent where omitted.
func TestStoredBytesAreTheEncodedStruct(t *testing.T) {
	s := open(t, mongotest.NewDatabase(t))
	defer s.Close()
	ctx := context.Background()
	founded := time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC)
	due := suiteNow.Add(72 * time.Hour)
	budget := crm.Money(1200050)
	c := newCustomer("字节公司")
	c.FoundedOn = &founded
	c.Tags = []string{"高意向"}
	c.Contacts = []crm.Contact{{ID: "c1", Name: "王经理", Phone: "13812345678", Primary: true}}
	c.Interactions = []crm.Interaction{{ID: "i1", At: suiteNow, Channel: crm.ChannelVisit, Summary: "拜访",
		NextAction: &crm.NextAction{What: "方案", Due: &due}, DurationMin: 45}}
	c.Needs = []crm.Need{{ID: "n1", Title: "需求", Kind: crm.NeedKindCurrent, BudgetMax: &budget, OpenedAt: suiteNow}}
	c.Deals = []crm.Deal{{ID: "d1", Product: "系统", Amount: 68000000, Date: founded}}
	c.Satisfaction = []crm.Satisfaction{{ID: "s1", At: suiteNow, Score: 87}, {ID: "s2", At: suiteNow, Score: 90}}
	c.Recompute()
	if err := s.Customers().Insert(ctx, c, "202611"); err != nil {
		t.Fatal(err)
	}
	want, err := bson.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	if err := s.Dump(ctx, crm.CollectionCustomers, func(d []byte) error { got = d; return nil }); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("stored bytes differ from the encoded struct:\nwant %v\n got %v", bson.Raw(want), bson.Raw(got))
	}
	if _, err := bson.Raw(got).LookupErr("creditCode"); err == nil {
		t.Fatal("an unknown credit code is stored")
	}
}

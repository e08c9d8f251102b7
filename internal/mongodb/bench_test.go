package mongodb_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/mongotest"
	"github.com/kehu-crm/kehu/internal/segment"
)

// BenchmarkTextIndex measures the text index on demo customers
// (KEHU_BENCH_TEXT_N, default 2,000), on the test server (FerretDB unless
// KEHU_TEST_MONGODB_URI is set): what the grams add to a document, the
// start-up backfill, and summary filters through the store with the grams
// current and with every document's grams marked not current (what the
// store did before: every document of the scope is a candidate). The
// backfill is measured on a real MongoDB only.
//
//	go test ./internal/mongodb -run '^$' -bench TextIndex -benchtime 3x -timeout 60m
func BenchmarkTextIndex(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("KEHU_BENCH_TEXT_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	users := demo.Users(now)
	var viewer *crm.Actor
	for _, u := range users {
		if u.Role == crm.RoleSales {
			viewer = &crm.Actor{UserID: u.ID, Role: u.Role}
			break
		}
	}
	db := mongotest.NewDatabase(b)
	s := mongotest.OpenDatabase(b, db)
	var docs [][]byte
	for _, c := range demo.Customers(1, n, now, users) {
		d, err := bson.Marshal(c)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	start := time.Now()
	if err := s.Load(ctx, crm.CollectionCustomers, docs); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d customers loaded in %s", n, time.Since(start).Round(time.Millisecond))
	coll := s.Database().Collection(crm.CollectionCustomers)

	// Document growth.
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		b.Fatal(err)
	}
	var plain, with, uni, bi, tri, masked int
	for cur.Next(ctx) {
		with += len(cur.Current)
		var g struct {
			Grams  []int64 `bson:"_grams"`
			MGrams []int64 `bson:"_mgrams"`
		}
		if err := bson.Unmarshal(cur.Current, &g); err != nil {
			b.Fatal(err)
		}
		for _, x := range g.Grams {
			switch {
			case x < 1<<21:
				uni++
			case x < 1<<42:
				bi++
			default:
				tri++
			}
		}
		masked += len(g.MGrams)
	}
	if err := cur.Err(); err != nil {
		b.Fatal(err)
	}
	_ = cur.Close(ctx)
	for _, d := range docs {
		plain += len(d)
	}
	b.Logf("per customer: document %d B, with the grams %d B (+%d B, +%d%%); distinct pieces %d (1: %d, 2: %d, 3: %d), masked %d",
		plain/n, with/n, (with-plain)/n, 100*(with-plain)/plain, (uni+bi+tri)/n, uni/n, bi/n, tri/n, masked/n)

	// The start-up backfill of documents without grams. Not on FerretDB:
	// its updates guarded by the version ({_id, version}) decode every
	// document, so the backfill takes quadratic time there.
	if !mongotest.FerretDB() {
		if _, err := coll.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$unset", Value: bson.D{{Key: "_gv", Value: ""}, {Key: "_grams", Value: ""}, {Key: "_mgrams", Value: ""}}}}); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		s.Close()
		s = mongotest.OpenDatabase(b, db)
		opened := time.Since(start)
		done, err := s.TextIndexBackfill(ctx)
		if err != nil || done != n {
			b.Fatalf("backfill: %d, %v", done, err)
		}
		b.Logf("open %s (ready), backfill of %d documents done after %s", opened.Round(time.Millisecond), n, time.Since(start).Round(time.Millisecond))
		coll = s.Database().Collection(crm.CollectionCustomers)
	}

	for _, needle := range []string{"合同金额", "物流效率", "客户", "投", "x"} {
		f, err := segment.NewFilter(segment.Quant{Array: segment.Interactions, Q: segment.Some,
			Where: segment.Cond{Field: "summary", Op: segment.Contains, Value: segment.String(needle)}}, segment.Options{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		for _, current := range []bool{true, false} {
			gv := 1
			if !current {
				gv = 0
			}
			if _, err := coll.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "_gv", Value: gv}}}}); err != nil {
				b.Fatal(err)
			}
			for _, v := range []*crm.Actor{nil, viewer} {
				name := needle + "/grams=" + strconv.FormatBool(current) + "/masked=" + strconv.FormatBool(v != nil)
				b.Run(name, func(b *testing.B) {
					var got int
					for b.Loop() {
						counts, err := s.Customers().Counts(ctx, []crm.Filter{f}, crm.CountQuery{Viewer: v})
						if err != nil {
							b.Fatal(err)
						}
						got = counts[0]
					}
					b.ReportMetric(float64(got), "customers")
				})
			}
		}
	}
}

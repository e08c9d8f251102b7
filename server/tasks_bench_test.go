package main

// My work today on the embedded default (docs/PERFORMANCE.md, "Tasks"):
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench BenchmarkMyWorkToday -benchtime 50x -v -timeout 60m ./server
//
// On a copy of the demo data, a salesperson is given 500 open tasks on
// 500 customers (createTask); then their work today (tasks due by the end
// of today, the first 50 by due time, with the customers' names) over
// HTTP: median and p90.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

func BenchmarkMyWorkToday(b *testing.B) {
	for _, n := range benchSizes() {
		src := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			a, _, _ := startBenchApp(b, benchCopy(b, src), n)
			defer a.Close()
			ts := benchServer(b, a)
			ctx := context.Background()
			id, token := benchUser(b, ts, "bench-tasks@kehu.local", "基准销售", crm.RoleSales)
			boss := crm.Actor{UserID: "bench", Role: crm.RoleAdmin}
			ids := customerIDs(b, a, 500)
			if len(ids) < 500 {
				b.Fatalf("only %d customers", len(ids))
			}
			start := time.Now()
			due := a.clock.Now().Add(-time.Hour)
			for i, cid := range ids {
				if _, _, err := a.crm.CreateTask(ctx, boss, cid, nil, crm.TaskInput{Title: fmt.Sprintf("回访 %d", i), AssigneeID: &id, Due: due.Add(time.Duration(i) * time.Minute)}); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("n=%d: 500 tasks created in %v", n, time.Since(start).Round(time.Millisecond))
			end := time.Date(testNow.Year(), testNow.Month(), testNow.Day(), 23, 59, 59, 0, crm.DefaultLocation).Format(time.RFC3339)
			medianOver(b, ts, token, `{ tasks(first: 50, dueBefore: "`+end+`") { totalCount nodes { id kind title due customer { id code name } } } }`)
		})
	}
}

// benchServer serves a over HTTP until the benchmark ends.
func benchServer(b *testing.B, a *app) *testServer {
	srv := httptest.NewServer(a.handler)
	b.Cleanup(srv.Close)
	return &testServer{Server: srv, app: a}
}

// benchUser adds a user with the demo password to a benchmark's app and
// signs them in: their id and session token.
func benchUser(b *testing.B, ts *testServer, email, name string, role crm.Role) (id, token string) {
	b.Helper()
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	id, now := crm.NewID(), ts.app.clock.Now()
	if err := ts.app.store.Users().Insert(context.Background(), &crm.User{ID: id, Email: email, Name: name, Role: role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now, Version: 1}); err != nil {
		b.Fatal(err)
	}
	if token = ts.login(&testing.T{}, email, DemoPassword); token == "" {
		b.Fatal("no sign-in")
	}
	return id, token
}

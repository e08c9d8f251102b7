package main

// The duplicate review on the embedded default (docs/PERFORMANCE.md,
// "Duplicates"):
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench BenchmarkDuplicateCandidates -benchtime 10x -v -timeout 60m ./server
//
// On a copy of the demo data, with one customer in 50 typed in again
// (another legal form, the same phone), the first page of
// duplicateCandidates over HTTP as a manager: the store's scan of every
// customer, the pairing and the page, median and p90.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func BenchmarkDuplicateCandidates(b *testing.B) {
	for _, n := range benchSizes() {
		src := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			a, _, _ := startBenchApp(b, benchCopy(b, src), n)
			defer a.Close()
			ts := benchServer(b, a)
			ctx := context.Background()
			managerID, token := benchUser(b, ts, "bench-dups@kehu.local", "基准经理", crm.RoleManager)
			boss := crm.Actor{UserID: managerID, Role: crm.RoleManager}
			ids := customerIDs(b, a, n/50)
			cs, err := a.store.Customers().GetMany(ctx, ids)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range cs {
				in := crm.CustomerInput{Name: strings.Replace(c.Name, "有限公司", "股份有限公司", 1)}
				if len(c.Contacts) > 0 && c.Contacts[0].Phone != "" {
					in.Contacts = []crm.ContactInput{{Name: c.Contacts[0].Name, ContactFields: crm.ContactFields{Phone: &c.Contacts[0].Phone}}}
				}
				if _, err := a.crm.CreateCustomer(ctx, boss, in); err != nil {
					b.Fatal(err)
				}
			}
			var out struct{ DuplicateCandidates struct{ TotalCount int } }
			ts.post(&testing.T{}, token, `{ duplicateCandidates(first: 20) { totalCount } }`, nil).ok(&testing.T{}, &out)
			b.Logf("n=%d: %d pairs after %d planted duplicates", n, out.DuplicateCandidates.TotalCount, len(cs))
			medianOver(b, ts, token, `{ duplicateCandidates(first: 20) { totalCount nodes { score reasons a { code name } b { code name } } } }`)
		})
	}
}

package crm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// BenchmarkBulkChange: one bulk change of 500 customers on the embedded
// store, by a list search, alternating the stage so that every customer
// is written: the per-customer cost of the single edit's path (lock, read,
// rule, validation, versioned write, read-model publish).
func BenchmarkBulkChange(b *testing.B) {
	const n = 500
	svc, _ := newService(b)
	ctx := context.Background()
	boss := crm.Actor{UserID: "bench-manager", Role: crm.RoleManager}
	if err := svc.Store.Users().Insert(ctx, &crm.User{ID: boss.UserID, Email: "bench@kehu.local", Name: "bench", Role: crm.RoleManager, Version: 1}); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := svc.CreateCustomer(ctx, boss, crm.CustomerInput{Name: fmt.Sprintf("基准%04d号公司", i)}); err != nil {
			b.Fatal(err)
		}
	}
	stages := []crm.Stage{crm.StageContacted, crm.StagePotential}
	b.ResetTimer()
	for i := range b.N {
		job, err := svc.StartBulkChange(ctx, boss, crm.BulkChange{Action: crm.BulkSetStage, Stage: stages[i%2],
			List: &crm.ListQuery{Search: "基准"}})
		if err != nil {
			b.Fatal(err)
		}
		for job.Status == crm.BulkRunning {
			time.Sleep(time.Millisecond)
			if job, err = svc.BulkJob(ctx, boss, job.ID); err != nil {
				b.Fatal(err)
			}
		}
		if job.Changed != n {
			b.Fatalf("changed %d of %d: %+v", job.Changed, n, job.Failures)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "us/customer")
}

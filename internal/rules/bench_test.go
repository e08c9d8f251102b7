package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
)

// What the rules add to a write: Classify on a demo customer as the
// service calls it (the rule set read from the settings store, compiled at
// the write's time, applied, the next check found); and a customer write
// (40 deals, 40 interactions; its notes changed) through the service with
// and without the rules.
//
//	go test ./internal/rules -run '^$' -bench 'Classify|Write' -benchtime 2000x
func BenchmarkClassify(b *testing.B) {
	w := newWorld(b, now)
	cs := demoCustomers(b, 200)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := *cs[i%len(cs)]
		// Each write has its own time: the set is compiled every time.
		if _, err := w.rules.Classify(ctx, &c, now.Add(time.Duration(i)*time.Millisecond)); err != nil {
			b.Fatal(err)
		}
	}
}

// The parts of Classify: compiling the default set, applying it.
func BenchmarkCompileDefaults(b *testing.B) {
	for b.Loop() {
		if _, err := rules.Compile(rules.Defaults(), segment.Options{Now: now, Loc: crm.DefaultLocation}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyDefaults(b *testing.B) {
	cs := demoCustomers(b, 200)
	p := compile(b, rules.Defaults())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := *cs[i%len(cs)]
		p.Apply(&c, 0)
	}
}

func benchWrite(b *testing.B, classify bool) {
	w := newWorld(b, now)
	if !classify {
		w.crm.Classifier = nil
	}
	ctx := context.Background()
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "基准公司"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 40 { // a customer with some history
		w.clock.Advance(time.Hour)
		if _, err := w.crm.RecordDeal(ctx, w.sales, c.ID, nil, crm.DealInput{Product: "产品", Amount: crm.Money(int64(i+1) * 1_000_000)}); err != nil {
			b.Fatal(err)
		}
	}
	for range 40 {
		w.clock.Advance(time.Hour)
		if _, err := w.crm.LogInteraction(ctx, w.sales, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "电话回访"}); err != nil {
			b.Fatal(err)
		}
	}
	// The same change again and again (the notes), so the document keeps
	// its size.
	notes := []string{"重点客户", "年度框架协议"}
	c = w.get(b, c.ID)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		w.clock.Advance(time.Minute)
		c, err = w.crm.UpdateCustomer(ctx, w.sales, c.ID, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Notes: &notes[i%2]}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteWithRules(b *testing.B)    { benchWrite(b, true) }
func BenchmarkWriteWithoutRules(b *testing.B) { benchWrite(b, false) }

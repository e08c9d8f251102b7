package dedupe_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/dedupe"
	"github.com/kehu-crm/kehu/internal/demo"
)

const benchCustomers = 50_000

var benchData = sync.OnceValue(func() []*crm.Customer {
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	all := demo.Customers(1, benchCustomers, now, demo.Users(now))
	out := make([]*crm.Customer, 0, len(all)+len(all)/50+60)
	for _, c := range all {
		out = append(out, lean(c))
	}
	// Planted duplicates: one customer in 50 typed again (another legal
	// form, spaces, full width) with one of its phones or e-mails, or none.
	seq := 0
	again := func(name string, contacts []crm.Contact) *crm.Customer {
		seq++
		c := &crm.Customer{ID: fmt.Sprintf("dup%06d", seq), Code: fmt.Sprintf("C209912%05d", seq), Name: name,
			Contacts: contacts}
		c.Recompute()
		return lean(c)
	}
	for i, c := range all {
		if i%50 != 7 {
			continue
		}
		name := c.Name
		switch i % 4 {
		case 0:
			name = strings.Replace(name, "股份有限公司", "有限公司", 1)
		case 1:
			name = strings.TrimSuffix(strings.TrimSuffix(name, "有限公司"), "股份")
		case 2:
			name = strings.Join(strings.Split(name, ""), " ")
		}
		var cts []crm.Contact
		switch ct := c.Contacts[0]; i % 3 {
		case 0:
			cts = []crm.Contact{{Name: ct.Name, Phone: ct.Phone}}
		case 1:
			cts = []crm.Contact{{Name: ct.Name, Email: ct.Email}}
		}
		out = append(out, again(name, cts))
	}
	// A franchise's 400 number on 30 customers, an info@ address on 25:
	// skipped keys.
	for i := range 30 {
		out = append(out, again(fmt.Sprintf("云帆加盟%d号店", i), []crm.Contact{{Phone: "400-800-1234"}}))
	}
	for i := range 25 {
		out = append(out, again(fmt.Sprintf("云帆代理%d号", i), []crm.Contact{{Email: "info@yunfan.cn"}}))
	}
	return out
})

// BenchmarkFinder finds the duplicates among 50,000 demo customers (as a
// read model's Each hands them out) and about 1,000 planted ones: Add of
// every customer, then Pairs and Skipped. The store's scan is not in it.
func BenchmarkFinder(b *testing.B) {
	cs := benchData()
	b.ReportAllocs()
	var pairs, skipped int
	for b.Loop() {
		f := dedupe.NewFinder()
		for _, c := range cs {
			f.Add(c)
		}
		pairs, skipped = len(f.Pairs()), len(f.Skipped())
	}
	b.ReportMetric(float64(len(cs)), "customers")
	b.ReportMetric(float64(pairs), "pairs")
	b.ReportMetric(float64(skipped), "skipped")
}

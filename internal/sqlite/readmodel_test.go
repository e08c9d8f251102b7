package sqlite_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// sameDoc fails unless want and got encode to the same BSON.
func sameDoc(t testing.TB, want, got *crm.Customer) {
	t.Helper()
	wb, err := bson.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := bson.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wb, gb) {
		t.Fatalf("documents differ:\nwant %v\n got %v", bson.Raw(wb), bson.Raw(gb))
	}
}

// leanOf is what the read model must hold for a stored customer: the
// customer without nested arrays and notes, marked Partial.
func leanOf(c *crm.Customer) crm.Customer {
	l := *c
	l.Contacts, l.Interactions, l.Needs, l.Deals, l.Satisfaction = nil, nil, nil, nil, nil
	l.StageHistory, l.TierHistory, l.OwnerHistory, l.LifecycleHistory, l.TagHistory = nil, nil, nil, nil, nil
	l.Notes = ""
	l.Tasks = nil
	for _, t := range c.Tasks {
		if t.Open() {
			l.Tasks = append(l.Tasks, t)
		}
	}
	l.ServiceRequests = nil
	for _, r := range c.ServiceRequests {
		if !r.Closed() {
			l.ServiceRequests = append(l.ServiceRequests, r)
		}
	}
	l.Partial = true
	l.Brief, _ = crm.BriefOf(c)
	return l
}

// fieldDiff names the fields where a and b differ.
func fieldDiff(a, b crm.Customer) []string {
	var diff []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			diff = append(diff, fmt.Sprintf("%s: %v != %v", va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface()))
		}
	}
	return diff
}

// listAll pages through every customer with Full=false, Scope ALL.
func listAll(t testing.TB, s crm.Store, pageSize int) []*crm.Customer {
	t.Helper()
	var all []*crm.Customer
	q := crm.ListQuery{First: pageSize, Scope: crm.ScopeAll, WithTotal: true}
	for {
		page, err := s.Customers().List(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Customers...)
		if !page.HasNext {
			if page.Total != len(all) {
				t.Fatalf("total %d, paged through %d", page.Total, len(all))
			}
			return all
		}
		last := page.Customers[len(page.Customers)-1]
		q.After = &crm.Cursor{Value: last.SortValue(crm.OrderCode), ID: last.ID}
	}
}

// checkReadModel compares the read model, field by field, with the lean
// projection of every stored document.
func checkReadModel(t testing.TB, s crm.Store) {
	t.Helper()
	if err := sqlite.CheckSnapshot(s.(*sqlite.Store)); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	var ids []string
	err := s.Dump(ctx(t), crm.CollectionCustomers, func(doc []byte) error {
		ids = append(ids, bson.Raw(doc).Lookup("_id").StringValue())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	listed := listAll(t, s, 1000)
	if len(listed) != len(ids) {
		t.Fatalf("read model has %d customers, store %d", len(listed), len(ids))
	}
	byID := make(map[string]*crm.Customer, len(listed))
	for _, c := range listed {
		if byID[c.ID] != nil {
			t.Fatalf("customer %s listed twice", c.ID)
		}
		byID[c.ID] = c
	}
	full, err := s.Customers().GetMany(ctx(t), ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range full {
		got, ok := byID[c.ID]
		if !ok {
			t.Fatalf("customer %s missing from the read model", c.ID)
		}
		if d := fieldDiff(leanOf(c), *got); d != nil {
			t.Fatalf("read model differs from stored customer %s:\n%v", c.ID, d)
		}
	}
}

// TestReadModelConsistency races inserts, versioned replaces (retried on
// conflict) and batch loads, with readers listing all along, then checks
// that the read model equals what is stored, before and after a restart.
func TestReadModelConsistency(t *testing.T) {
	for _, limit := range []int{0, 4} {
		t.Run(fmt.Sprintf("chunkLimit=%d", limit), func(t *testing.T) {
			if limit > 0 {
				t.Cleanup(sqlite.SetChunkLimit(limit))
			}
			testReadModelConsistency(t)
		})
	}
}

func testReadModelConsistency(t *testing.T) {
	s := openAt(t, t.TempDir())
	seed := rand.New(rand.NewPCG(7, 7))
	var (
		mu  sync.Mutex
		ids []string
	)
	for i := range 30 {
		ids = append(ids, mustInsert(t, s, genCustomer(seed, i, 3)).ID)
	}
	randomID := func(r *rand.Rand) string {
		mu.Lock()
		defer mu.Unlock()
		return ids[r.IntN(len(ids))]
	}
	addID := func(id string) {
		mu.Lock()
		ids = append(ids, id)
		mu.Unlock()
	}
	mutate := func(r *rand.Rand, c *crm.Customer) {
		c.Name = fmt.Sprintf("改名%d", r.IntN(1000))
		c.Stage = genStages[r.IntN(len(genStages))]
		c.Tags = []string{genTags[r.IntN(len(genTags))]}
		c.Interactions = append(c.Interactions, crm.Interaction{ID: crm.NewID(), At: genTime(r), Channel: crm.ChannelPhone,
			Summary: "电话回访", CreatedBy: "u"})
		if r.IntN(4) == 0 {
			if c.ArchivedAt == nil {
				at := genTime(r)
				c.ArchivedAt = &at
			} else {
				c.ArchivedAt = nil
			}
		}
		c.UpdatedAt = genTime(r)
		c.Recompute()
	}

	const writers, ops = 6, 25
	stop := make(chan struct{})
	var readers, wg sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 20, Scope: crm.ScopeAll,
					OrderBy: crm.OrderLastInteractionAt, Desc: true, WithTotal: true})
				if err != nil {
					t.Error(err)
					return
				}
				for i := 1; i < len(page.Customers); i++ {
					a, b := page.Customers[i-1], page.Customers[i]
					if crm.CompareSortValues(a.Stats.LastInteractionAt, b.Stats.LastInteractionAt) < 0 {
						t.Errorf("page out of order")
						return
					}
				}
			}
		})
	}
	for w := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for op := range ops {
				switch k := r.IntN(10); {
				case k < 4: // insert
					c := genCustomer(r, 1000*w+op, 3)
					if err := s.Customers().Insert(ctx(t), c, "202611"); err != nil {
						t.Error(err)
						return
					}
					addID(c.ID)
				case k < 8: // versioned replace, retried on conflict
					id := randomID(r)
					for attempt := 0; ; attempt++ {
						c, err := s.Customers().Get(ctx(t), id)
						if err != nil {
							t.Error(err)
							return
						}
						mutate(r, c)
						c.Version++
						err = s.Customers().Replace(ctx(t), c, c.Version-1)
						if err == nil {
							break
						}
						if !crm.IsVersionConflict(err) || attempt > 50 {
							t.Errorf("replace %s: %v", id, err)
							return
						}
					}
				default: // batch load of new and replaced customers
					var docs [][]byte
					var added []string
					for j := range 1 + r.IntN(4) {
						var c *crm.Customer
						if j%2 == 0 {
							c = genCustomer(r, 1000*w+op, 2)
							c.Code = fmt.Sprintf("C202612%05d", (100*w+op)*4+j)
							added = append(added, c.ID)
						} else {
							var err error
							if c, err = s.Customers().Get(ctx(t), randomID(r)); err != nil {
								t.Error(err)
								return
							}
							mutate(r, c)
							c.Version++
						}
						doc, err := bson.Marshal(c)
						if err != nil {
							t.Error(err)
							return
						}
						docs = append(docs, doc)
					}
					if err := s.Load(ctx(t), crm.CollectionCustomers, docs); err != nil {
						t.Errorf("load: %v", err)
						return
					}
					for _, id := range added {
						addID(id)
					}
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	if t.Failed() {
		return
	}
	checkReadModel(t, s)
	s = reopen(t, s)
	checkReadModel(t, s)
}

// TestLeanDocCoversCustomer fails when crm.Customer gains a field that the
// read model neither decodes nor deliberately drops.
func TestLeanDocCoversCustomer(t *testing.T) {
	dropped := map[string]bool{"Notes": true, "Contacts": true, "Interactions": true, "Needs": true, "Deals": true,
		"Satisfaction": true, "StageHistory": true, "TierHistory": true, "OwnerHistory": true, "LifecycleHistory": true, "TagHistory": true, "Partial": true, "ContactsLoaded": true,
		"Brief": true} // Brief is built from the arrays: leanOf checks it
	lean := sqlite.LeanDocType
	ct := reflect.TypeFor[crm.Customer]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		if dropped[f.Name] {
			continue
		}
		lf, ok := lean.FieldByName(f.Name)
		if !ok || lf.Type != f.Type || lf.Tag != f.Tag {
			t.Errorf("crm.Customer.%s (%s `%s`) is not decoded by the read model: add it to leanDoc and decodeLean",
				f.Name, f.Type, f.Tag)
		}
	}
	// And decodeLean copies every decoded field: a fully populated customer
	// must come back equal to its lean projection.
	s := openAt(t, t.TempDir())
	c := genCustomer(rand.New(rand.NewPCG(5, 5)), 1, 5)
	at := genNow
	c.ArchivedAt = &at
	c.MergedInto = "survivor-1"
	c.Edited = c.Version
	c.CreditCode = "91310000MA1FL0000X"
	c.Lifecycle, c.CadenceDays = crm.LifecycleStable, 14
	c.Class = crm.Classification{RuleSet: 3, At: genNow, NextCheckAt: genNow.Add(time.Hour),
		ValueTier: crm.ClassValue{Suggested: "B", Rule: "B类", Override: &crm.Override{Value: "A", Reason: "战略", By: "owner-1", At: genNow}},
		Lifecycle: crm.ClassValue{Suggested: "STABLE", Rule: "稳定"}, Cadence: crm.ClassValue{Suggested: "14", Rule: "B类"}}
	done := genNow.Add(-time.Hour)
	c.Tasks = []crm.Task{ // the read model keeps the open one
		{ID: "t1", Kind: crm.TaskFollowUp, Key: "k", Title: "按周期跟进", AssigneeID: "owner-1", Due: genNow, Status: crm.TaskOpen, CreatedAt: genNow},
		{ID: "t2", Kind: crm.TaskManual, Title: "寄样品", Due: genNow, Status: crm.TaskDone, CreatedAt: genNow, CreatedBy: "owner-1", ClosedAt: &done, ClosedBy: "owner-1"},
	}
	c.ServiceRequests = []crm.ServiceRequest{ // the read model keeps the one not closed
		{ID: "r1", Kind: crm.ServiceComplaint, Summary: "投诉", Priority: crm.PriorityHigh, Status: crm.ServiceInProgress, Due: genNow,
			AssigneeID: "owner-1", OpenedAt: genNow, OpenedBy: "owner-1", History: []crm.ServiceStatusChange{{To: crm.ServiceOpen, At: genNow, By: "owner-1"}}},
		{ID: "r2", Kind: crm.ServiceConsultation, Summary: "咨询", Priority: crm.PriorityLow, Status: crm.ServiceClosed, Due: genNow,
			OpenedAt: genNow, OpenedBy: "owner-1", ClosedAt: &done, ClosedBy: "owner-1", History: []crm.ServiceStatusChange{}},
	}
	mustInsert(t, s, c)
	got := listAll(t, s, 10)
	if len(got) != 1 {
		t.Fatalf("listed %d", len(got))
	}
	if d := fieldDiff(leanOf(c), *got[0]); d != nil {
		t.Fatal(d)
	}
	for i := range ct.NumField() {
		if f := ct.Field(i); !dropped[f.Name] && reflect.ValueOf(*got[0]).Field(i).IsZero() {
			t.Errorf("field %s is zero in the read model: set it in the test customer", f.Name)
		}
	}
	if !slices.Equal(got[0].Tags, c.Tags) {
		t.Fatal("tags")
	}
}

package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/dedupe"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// countingStore is a real store that counts its reads of customer
// documents by id (the listings themselves are not counted).
type countingStore struct {
	crm.Store
	customers *countingCustomers
}

func (s *countingStore) Customers() crm.CustomerStore { return s.customers }

// countingCustomers counts the calls that read customer documents by id:
// one store round trip each, however many documents it returns.
type countingCustomers struct {
	crm.CustomerStore
	reads atomic.Int64
}

func (c *countingCustomers) Get(ctx context.Context, id string) (*crm.Customer, error) {
	c.reads.Add(1)
	return c.CustomerStore.Get(ctx, id)
}

func (c *countingCustomers) GetByCode(ctx context.Context, code string) (*crm.Customer, error) {
	c.reads.Add(1)
	return c.CustomerStore.GetByCode(ctx, code)
}

func (c *countingCustomers) GetMany(ctx context.Context, ids []string) ([]*crm.Customer, error) {
	c.reads.Add(1)
	return c.CustomerStore.GetMany(ctx, ids)
}

// TestListsReadOneBatchOfDocuments: a page of service requests asking for
// each request's contact, interaction and satisfaction result, and a page
// of tasks asking for nested fields of the customer, read the whole
// documents in one batch however many rows the page has, and every row
// gets its own customer's records; a page of customers asking for their
// tasks and service requests reads none besides the page.
func TestListsReadOneBatchOfDocuments(t *testing.T) {
	const n = 12
	ctx := context.Background()
	sq, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sq.Close() })
	store := &countingStore{Store: sq, customers: &countingCustomers{CustomerStore: sq.Customers()}}
	svc := &crm.Service{Store: store, Clock: crm.NewFixedClock(time.Date(2026, 11, 20, 10, 0, 0, 0, crm.DefaultLocation)), Loc: crm.DefaultLocation}
	boss := &crm.User{ID: "u-manager", Email: "manager@kehu.local", Name: "经理", Role: crm.RoleManager, Version: 1}
	if err := sq.Users().Insert(ctx, boss); err != nil {
		t.Fatal(err)
	}
	a := crm.Actor{UserID: boss.ID, Role: boss.Role}

	// Customer i: contact 联系人i, a complaint 投诉i that opens a request
	// on that contact, a survey result of score 50+i the request points
	// at, and a task 任务i.
	for i := range n {
		s := strconv.Itoa(i)
		c, err := svc.CreateCustomer(ctx, a, crm.CustomerInput{Name: "客户" + s, Contacts: []crm.ContactInput{{Name: "联系人" + s}}})
		if err != nil {
			t.Fatal(err)
		}
		ck := crm.KeyEventComplaint
		if c, err = svc.LogInteraction(ctx, a, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "投诉" + s,
			ContactIDs: []string{c.Contacts[0].ID}, KeyEvent: &ck}); err != nil {
			t.Fatal(err)
		}
		if c, err = svc.RecordSatisfaction(ctx, a, c.ID, nil, crm.SatisfactionInput{Score: 50 + i}); err != nil {
			t.Fatal(err)
		}
		if c, _, err = svc.CreateTask(ctx, a, c.ID, nil, crm.TaskInput{Title: "任务" + s, Due: time.Date(2026, 12, 1+i, 9, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		// A request the survey answered (the result the satisfaction
		// check records), still listed as it is not closed.
		c.ServiceRequests[0].SatisfactionID = c.Satisfaction[0].ID
		c.Version++
		if err := sq.Customers().Replace(ctx, c, c.Version-1); err != nil {
			t.Fatal(err)
		}
	}

	// Pairs of likely duplicates: 客户i typed again as 客户i有限公司.
	for i := range n / 2 {
		if _, err := svc.CreateCustomer(ctx, a, crm.CustomerInput{Name: "客户" + strconv.Itoa(i) + "有限公司"}); err != nil {
			t.Fatal(err)
		}
	}

	h := NewHandler(&Resolver{CRM: svc, Store: store, Duplicates: &dedupe.Service{Customers: store.Customers()}},
		Limits{}, slog.New(slog.DiscardHandler))
	query := func(t *testing.T, q string, out any) int64 {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": q})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		req = req.WithContext(WithHTTP(auth.WithUser(req.Context(), boss), w, req))
		before := store.customers.reads.Load()
		h.ServeHTTP(w, req)
		reads := store.customers.reads.Load() - before
		var resp struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
			t.Fatalf("%s: %v %s", q, err, w.Body.Bytes())
		}
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatal(err)
		}
		return reads
	}

	type request struct {
		Contact      *struct{ Name string }
		Interaction  *struct{ Summary string }
		Satisfaction *struct{ Score int }
		Customer     struct {
			Name  string
			Needs []struct{ ID string }
		}
	}
	requests := func(t *testing.T, first int, fields, fragments string) ([]request, int64) {
		var out struct{ ServiceRequests struct{ Nodes []request } }
		reads := query(t, `{ serviceRequests(first: `+strconv.Itoa(first)+`) { nodes { `+fields+` } } }`+fragments, &out)
		if len(out.ServiceRequests.Nodes) != first {
			t.Fatalf("%d requests, want %d", len(out.ServiceRequests.Nodes), first)
		}
		return out.ServiceRequests.Nodes, reads
	}
	// The app's fields, through a fragment, and nested fields of the customer.
	const fragment = `fragment F on ServiceRequest { contact { name } interaction { summary } satisfaction { score }
		customer { name needs(limit: 1) { id } } }`
	for _, first := range []int{1, 3, n} {
		rows, reads := requests(t, first, "...F", fragment)
		if reads != 1 {
			t.Errorf("a page of %d requests with contact, interaction, satisfaction: %d reads, want 1 batch", first, reads)
		}
		for _, r := range rows {
			i := r.Customer.Name[len("客户"):]
			if r.Contact == nil || r.Contact.Name != "联系人"+i || r.Interaction == nil || r.Interaction.Summary != "投诉"+i ||
				r.Satisfaction == nil || strconv.Itoa(r.Satisfaction.Score-50) != i {
				t.Errorf("row of %s: %+v %+v %+v", r.Customer.Name, r.Contact, r.Interaction, r.Satisfaction)
			}
		}
	}
	if _, reads := requests(t, n, `id summary customer { name }`, ""); reads != 0 {
		t.Errorf("a page of requests without nested fields: %d reads, want none", reads)
	}

	var tasks struct {
		Tasks struct {
			Nodes []struct {
				Title    string
				Customer struct {
					Name     string
					Contacts []struct{ Name string }
				}
			}
		}
	}
	for _, first := range []int{1, n} {
		reads := query(t, `{ tasks(everyone: true, first: `+strconv.Itoa(first)+`) { nodes { title customer { name contacts { name } } } } }`, &tasks)
		if len(tasks.Tasks.Nodes) != first || reads != 1 {
			t.Errorf("a page of %d tasks with the customer's contacts: %d rows, %d reads, want 1 batch", first, len(tasks.Tasks.Nodes), reads)
		}
		for _, r := range tasks.Tasks.Nodes {
			i := r.Customer.Name[len("客户"):]
			if r.Title != "任务"+i || len(r.Customer.Contacts) != 1 || r.Customer.Contacts[0].Name != "联系人"+i {
				t.Errorf("task row: %+v", r)
			}
		}
	}

	// A page of duplicate pairs reads both customers of every pair in one
	// batch.
	var pairs struct {
		DuplicateCandidates struct {
			Nodes []struct{ A, B struct{ Name string } }
		}
	}
	if reads := query(t, `{ duplicateCandidates(first: 20) { nodes { a { name } b { name } } } }`, &pairs); reads != 1 ||
		len(pairs.DuplicateCandidates.Nodes) != n/2 {
		t.Errorf("a page of %d duplicate pairs: %d reads, want 1 batch", len(pairs.DuplicateCandidates.Nodes), reads)
	}
	for _, p := range pairs.DuplicateCandidates.Nodes {
		if p.A.Name+"有限公司" != p.B.Name {
			t.Errorf("pair %q, %q", p.A.Name, p.B.Name)
		}
	}
	if reads := query(t, `{ duplicateCandidates(first: 20) { totalCount nodes { score } } }`, &pairs); reads != 0 {
		t.Errorf("duplicate pairs without their customers: %d reads", reads)
	}

	// The completeness of a page of customers: the page is read whole, no
	// read besides it.
	var scored struct {
		Customers struct {
			Nodes []struct {
				Name          string
				Completeness  int
				MissingFields []string
			}
		}
	}
	if reads := query(t, `{ customers(first: 30) { nodes { name completeness missingFields } } }`, &scored); reads != 0 ||
		len(scored.Customers.Nodes) != n+n/2 {
		t.Errorf("the completeness of a page of %d customers: %d reads besides the page", len(scored.Customers.Nodes), reads)
	}
	for _, c := range scored.Customers.Nodes {
		// A customer with a contact has the contact's name; one without
		// misses the contacts too.
		if c.Completeness <= 0 || c.Completeness >= 100 || len(c.MissingFields) == 0 ||
			slices.Contains(c.MissingFields, "contacts") != strings.HasSuffix(c.Name, "有限公司") {
			t.Errorf("completeness of %s: %d, missing %v", c.Name, c.Completeness, c.MissingFields)
		}
	}

	var customers struct {
		Customers struct {
			Nodes []struct {
				Tasks           []struct{ Title string }
				ServiceRequests []struct{ ID string }
			}
		}
	}
	for _, first := range []int{1, n} {
		if reads := query(t, `{ customers(first: `+strconv.Itoa(first)+`) { nodes { tasks { title } serviceRequests { id } } } }`, &customers); reads != 0 {
			t.Errorf("a page of %d customers with their tasks: %d reads besides the page", first, reads)
		}
		for _, c := range customers.Customers.Nodes {
			if len(c.Tasks) != 1 || len(c.ServiceRequests) != 1 {
				t.Errorf("customer row: %+v", c)
			}
		}
	}
}

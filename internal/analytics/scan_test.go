package analytics_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/segment"
)

// elementFilters are element filters of each nested fact, in the
// quantifiers' input form.
var elementFilters = map[analytics.Fact][]map[string]any{
	analytics.Interactions: {
		{"channel": map[string]any{"in": []any{"VISIT", "PHONE"}}},
		{"keyEvent": map[string]any{"isNull": false}},
		{"or": []any{map[string]any{"channel": map[string]any{"eq": "WECHAT"}}, map[string]any{"createdBy": map[string]any{"me": true}}}},
	},
	analytics.Deals:        {{"amount": map[string]any{"gte": "50000"}}},
	analytics.Needs:        {{"status": map[string]any{"in": []any{"OPEN", "IN_PROGRESS"}}}, {"budgetMax": map[string]any{"isNull": false}}},
	analytics.Satisfaction: {{"score": map[string]any{"gte": 85}}},
	analytics.StageChanges: {{"from": map[string]any{"isNull": true}}},
	analytics.ServiceRequests: {
		{"status": map[string]any{"in": []any{"OPEN", "IN_PROGRESS"}}},
		{"kind": map[string]any{"eq": "COMPLAINT"}, "resolutionHours": map[string]any{"isNull": false}},
		{"assignee": map[string]any{"me": true}},
	},
	analytics.Tasks: {
		{"status": map[string]any{"eq": "OPEN"}},
		{"kind": map[string]any{"in": []any{"FOLLOW_UP", "NEXT_ACTION"}}, "closedAt": map[string]any{"isNull": false}},
		{"doneLate": map[string]any{"eq": false}},
		{"assignee": map[string]any{"me": true}},
	},
}

// TestBlocksAgreeWithEvaluate is the differential test of the two
// in-process engines: random aggregates of every nested fact (up to three
// dimensions and a time unit, every own dimension but PARTICIPANT, ranges
// empty, short and long in zones with daylight saving and half-hour
// offsets, element filters, medians, earlier nows) over the demo
// customers cut into blocks of random sizes with random customers in
// scope give exactly Evaluate's groups over the same customers.
func TestBlocksAgreeWithEvaluate(t *testing.T) {
	var all []*crm.Customer
	for _, c := range fixture.customers {
		x := *c
		b, ok := crm.BriefOf(&x)
		if !ok {
			t.Fatalf("%s: no brief", x.ID)
		}
		if len(all)%7 == 3 {
			// Some arrays out of time order: a block reorders the rows and
			// keeps each one's index in the brief.
			slices.Reverse(b.Interactions)
			slices.Reverse(b.Deals)
			slices.Reverse(b.Needs)
			slices.Reverse(b.Satisfaction)
			slices.Reverse(b.Stages)
			slices.Reverse(b.Services)
			slices.Reverse(b.Tasks)
		}
		// The demo's service requests are nearly all closed: reopen some
		// (overdue or not, as of the nows below) and resolve one without a
		// time of resolution (TIMELINESS "").
		if k := len(b.Services); k > 0 {
			switch len(all) % 5 {
			case 1:
				b.Services[k-1].Status, b.Services[k-1].HasHours = crm.ServiceInProgress, false
			case 2:
				b.Services[0].Status, b.Services[0].Due = crm.ServiceOpen, now.Add(time.Duration(len(all))*time.Hour).UnixMilli()
			case 3:
				b.Services[0].Status, b.Services[0].HasResolved = crm.ServiceResolved, false
			}
		}
		// Tasks: reopen one (due later for some nows), and one done
		// without a closing time (TIMELINESS "").
		if k := len(b.Tasks); k > 0 {
			switch len(all) % 4 {
			case 1:
				b.Tasks[0].Status, b.Tasks[0].HasClosed, b.Tasks[0].ClosedAt = crm.TaskOpen, false, 0
				b.Tasks[0].Due = now.Add(time.Duration(len(all)) * time.Hour).UnixMilli()
			case 2:
				b.Tasks[k-1].Status, b.Tasks[k-1].HasClosed, b.Tasks[k-1].ClosedAt = crm.TaskDone, false, 0
			}
		}
		x.Brief = b
		x.Interactions, x.Deals, x.Needs, x.Satisfaction, x.StageHistory, x.ServiceRequests, x.Tasks = nil, nil, nil, nil, nil, nil, nil
		x.Partial = true
		all = append(all, &x)
	}
	r := rand.New(rand.NewPCG(5, 0xb10c))
	zones := []string{"Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "UTC"}
	nested := analytics.Facts()[1:]
	opts := segment.Options{Now: now, Me: demo.UserID(2)}
	reached := map[analytics.Dimension]bool{}
	timely := map[string]bool{}
	for i := range 400 {
		f := nested[i%len(nested)]
		loc, _ := time.LoadLocation(zones[r.IntN(len(zones))])
		s := &analytics.Spec{Fact: f, Loc: loc, Now: now}
		switch r.IntN(4) {
		case 0:
			s.Now = now.Add(-time.Duration(r.IntN(400*24)) * time.Hour)
		case 1: // open service requests fall overdue
			s.Now = now.Add(time.Duration(r.IntN(400*24)) * time.Hour)
		}
		var dims []analytics.Dimension
		for _, d := range f.Dimensions() {
			if !d.IsTime() && d != analytics.Participant {
				dims = append(dims, d)
			}
		}
		// Each dimension is in one of the fact's first cases, which have
		// rows (no one-day window, no element filter); then at random.
		var sure analytics.Dimension
		if k := i / len(nested); k < len(dims) {
			sure = dims[k]
		}
		r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
		s.Dims = slices.Clone(dims[:r.IntN(analytics.MaxDimensions+1)])
		if sure != "" && !slices.Contains(s.Dims, sure) {
			if len(s.Dims) == analytics.MaxDimensions {
				s.Dims[0] = sure
			} else {
				s.Dims = append(s.Dims, sure)
			}
		}
		if r.IntN(4) > 0 {
			s.Dims = slices.Insert(s.Dims, r.IntN(len(s.Dims)+1), analytics.TimeUnits[r.IntN(len(analytics.TimeUnits))])
		}
		switch r.IntN(4) {
		case 0: // none
		case 1: // a day, maybe empty
			if sure == "" {
				d := segment.DateOf(now.AddDate(0, 0, -r.IntN(400)), loc)
				s.Window = &analytics.Range{First: d, Last: d}
			}
		default:
			last := segment.DateOf(now.AddDate(0, 0, -r.IntN(200)), loc)
			first := segment.DateOf(now.AddDate(0, 0, -200-r.IntN(1500)), loc)
			s.Window = &analytics.Range{First: first, Last: last}
		}
		if ws := elementFilters[f]; r.IntN(3) == 0 && sure == "" {
			el, err := segment.ElementsFromInput("where", f.Array(), ws[r.IntN(len(ws))], opts)
			if err != nil {
				t.Fatal(err)
			}
			s.Elements = el
		}
		if r.IntN(2) == 0 {
			s.Medians = f.Metrics()
		}
		if r.IntN(3) == 0 { // only some metrics read: both engines leave the others empty
			s.Metrics = []analytics.Metric{}
			for _, m := range f.Metrics() {
				if r.IntN(2) == 0 {
					s.Metrics = append(s.Metrics, m)
				}
			}
		}
		if i%5 == 0 { // counts only, what the counting loop (countPlain) takes; NEXT_ACTION's and TIMELINESS's OVERDUE in it
			s.Metrics, s.Medians, s.Elements = []analytics.Metric{}, nil, nil
			due := map[analytics.Fact]analytics.Dimension{analytics.Interactions: analytics.NextAction, analytics.ServiceRequests: analytics.Timeliness,
				analytics.Tasks: analytics.Timeliness}[f]
			if due != "" && !slices.Contains(s.Dims, due) {
				k := slices.IndexFunc(s.Dims, func(d analytics.Dimension) bool { return !d.IsTime() })
				if k < 0 || len(s.Dims)-btoi(slices.ContainsFunc(s.Dims, analytics.Dimension.IsTime)) < analytics.MaxDimensions {
					s.Dims = append(s.Dims, due)
				} else {
					s.Dims[k] = due
				}
			}
		}
		// Random customers in scope, in blocks of random sizes.
		var in []*crm.Customer
		var parts []analytics.Part
		for lo := 0; lo < len(all); {
			hi := min(len(all), lo+1+r.IntN(120))
			p := analytics.Part{Block: analytics.NewBlock(all[lo:hi])}
			for j := range hi - lo {
				if r.IntN(5) > 0 {
					p.Rows = append(p.Rows, int32(j))
					in = append(in, all[lo+j])
				}
			}
			parts = append(parts, p)
			lo = hi
		}
		name := fmt.Sprintf("#%d %s by %v in %s window %v elements %v", i, f, s.Dims, loc, s.Window, s.Elements != nil)
		want, _ := analytics.Evaluate(s, in)
		for _, sparse := range []bool{false, true} { // the dense scan, where it applies, and the sparse one
			analytics.SetSparseOnly(sparse)
			got, ok := analytics.EvaluateBlocks(s, parts)
			analytics.SetSparseOnly(false)
			if !ok {
				t.Fatalf("%s: not columnar", name)
			}
			if d := diffGroups(got, want); d != "" {
				t.Fatalf("%s (sparse only: %v): %s", name, sparse, d)
			}
		}
		if want.Total.Count > 0 {
			for j, d := range s.Dims {
				reached[d] = true
				if d == analytics.Timeliness {
					for _, g := range want.Groups {
						timely[g.Keys[j]] = true
					}
				}
			}
		}
	}
	for _, f := range nested {
		for _, d := range f.Dimensions() {
			if d != analytics.Participant && !reached[d] {
				t.Errorf("no aggregate with rows grouped by %s", d)
			}
		}
	}
	for _, k := range []string{analytics.OnTime, analytics.Late, analytics.Open, analytics.Overdue, analytics.Closed, ""} {
		if !timely[k] {
			t.Errorf("no aggregate with a TIMELINESS group %q", k)
		}
	}
}

// TestColumnarLeavesParticipantsAndCustomersToEvaluate: the aggregates
// the blocks cannot compute say so rather than answer.
func TestColumnarLeavesParticipantsAndCustomersToEvaluate(t *testing.T) {
	for _, s := range []*analytics.Spec{
		{Fact: analytics.Interactions, Dims: []analytics.Dimension{analytics.Participant}},
		{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.Industry}},
	} {
		if _, ok := analytics.EvaluateBlocks(s, nil); ok {
			t.Errorf("%s by %v: computed on blocks", s.Fact, s.Dims)
		}
	}
}

// diffGroups describes the first difference of two engines' answers.
func diffGroups(got, want *analytics.Groups) string {
	format := func(g *analytics.Group) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%q count %d customers %d", g.Keys, g.Count, g.Customers)
		for _, f := range g.Figures {
			fmt.Fprintf(&b, " [n %d sum %d min %d max %d values %v]", f.N, f.Sum, f.Min, f.Max, f.Values)
		}
		return b.String()
	}
	lines := func(gs *analytics.Groups) []string {
		var out []string
		for _, g := range gs.Groups {
			out = append(out, format(g))
		}
		slices.Sort(out)
		return append(out, "total "+format(&gs.Total), fmt.Sprintf("customers %d", gs.Customers))
	}
	a, b := lines(got), lines(want)
	for i := range max(len(a), len(b)) {
		switch {
		case i >= len(a):
			return "missing " + b[i]
		case i >= len(b):
			return "extra " + a[i]
		case a[i] != b[i]:
			return fmt.Sprintf("got  %s\nwant %s", a[i], b[i])
		}
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

package analytics_test

import (
	"context"
	"math/big"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// The demo data set every test here reads: a real SQLite store loaded with
// demo customers (TestMain), and the same customers as documents for the
// plain loops that compute the expected figures (never the engine).
var (
	now      = time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	shanghai = crm.DefaultLocation
	fixture  struct {
		store     *sqlite.Store
		customers []*crm.Customer // as stored (archived ones included)
	}
)

const demoSize = 400

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kehu-analytics-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		s, err := sqlite.Open(dir, sqlite.Options{})
		if err != nil {
			panic(err)
		}
		defer s.Close()
		ctx := context.Background()
		if err := demo.Load(ctx, s, 7, demoSize, now, "x"); err != nil {
			panic(err)
		}
		page, err := s.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderCode, First: demoSize + 10, Scope: crm.ScopeAll, Full: true})
		if err != nil {
			panic(err)
		}
		fixture.store, fixture.customers = s, page.Customers
		return m.Run()
	}()
	os.RemoveAll(dir)
	os.Exit(code)
}

func demoStore(t *testing.T) (*sqlite.Store, []*crm.Customer) {
	t.Helper()
	return fixture.store, fixture.customers
}

func service(s *sqlite.Store) *analytics.Service {
	return &analytics.Service{Engine: s, Customers: s.Customers(), Users: s.Users(), Clock: crm.NewFixedClock(now), Loc: shanghai}
}

func manager() crm.Actor { return crm.Actor{UserID: demo.UserID(0), Role: crm.RoleAdmin} }

// want is what a plain loop expects of one group.
type want struct {
	count     int64
	customers map[string]bool
	sum       *big.Rat // of the metric, in its unit
	n         int64
	values    []*big.Rat
}

func (w *want) add(c *crm.Customer, v *big.Rat) {
	w.count++
	if w.customers == nil {
		w.customers = map[string]bool{}
	}
	w.customers[c.ID] = true
	if v != nil {
		if w.sum == nil {
			w.sum = new(big.Rat)
		}
		w.sum.Add(w.sum, v)
		w.n++
		w.values = append(w.values, v)
	}
}

type wants map[string]*want

func (ws wants) at(keys ...string) *want {
	k := strings.Join(keys, "|")
	if ws[k] == nil {
		ws[k] = &want{}
	}
	return ws[k]
}

func active(cs []*crm.Customer) []*crm.Customer {
	var out []*crm.Customer
	for _, c := range cs {
		if !c.Archived() {
			out = append(out, c)
		}
	}
	return out
}

func yuan(fen crm.Money) *big.Rat { return big.NewRat(int64(fen), 100) }

// check compares a result with the plain loop's groups: every group with
// rows is there with the same figures, and every other group is empty.
func check(t *testing.T, name string, res *analytics.Result, ws wants, m analytics.Metric) {
	t.Helper()
	seen := map[string]bool{}
	for _, g := range res.Groups {
		k := strings.Join(g.Keys, "|")
		if seen[k] {
			t.Errorf("%s: group %s twice", name, k)
		}
		seen[k] = true
		w := ws[k]
		if w == nil {
			if g.Count != 0 {
				t.Errorf("%s: group %s has %d rows, the loop none", name, k, g.Count)
			}
			continue
		}
		if g.Count != w.count || g.Customers != int64(len(w.customers)) {
			t.Errorf("%s: group %s: count %d customers %d, want %d and %d", name, k, g.Count, g.Customers, w.count, len(w.customers))
		}
		if m == "" {
			continue
		}
		sum, ok := g.Sum(m)
		if (w.sum != nil) != ok {
			t.Errorf("%s: group %s: sum present %v, want %v", name, k, ok, w.sum != nil)
			continue
		}
		if !ok {
			continue
		}
		if want := w.sum.FloatString(m.Unit().Decimals); sum != want {
			t.Errorf("%s: group %s: sum %s, want %s", name, k, sum, want)
		}
		avg, _ := g.Avg(m)
		if want := new(big.Rat).Quo(w.sum, big.NewRat(w.n, 1)).FloatString(2); avg != want {
			t.Errorf("%s: group %s: avg %s, want %s", name, k, avg, want)
		}
		if med, ok := g.Median(m); ok {
			sort.Slice(w.values, func(i, j int) bool { return w.values[i].Cmp(w.values[j]) < 0 })
			n := len(w.values)
			mid := new(big.Rat).Set(w.values[n/2])
			if n%2 == 0 {
				mid.Add(w.values[n/2-1], w.values[n/2]).Quo(mid, big.NewRat(2, 1))
			}
			if want := mid.FloatString(2); med != want {
				t.Errorf("%s: group %s: median %s, want %s", name, k, med, want)
			}
		}
	}
	for k, w := range ws {
		if !seen[k] && w.count > 0 {
			t.Errorf("%s: group %s (%d rows) missing", name, k, w.count)
		}
	}
}

func monthKey(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01") }

func dateRange(y1 int, m1 time.Month, d1 int, y2 int, m2 time.Month, d2 int) *analytics.RangeInput {
	a, b := segment.Date{Year: y1, Month: m1, Day: d1}, segment.Date{Year: y2, Month: m2, Day: d2}
	return &analytics.RangeInput{From: &a, To: &b}
}

func TestAggregatesMatchPlainLoops(t *testing.T) {
	s, all := demoStore(t)
	svc := service(s)
	ctx := context.Background()
	cs := active(all)

	t.Run("deal amount by industry, tier A, this year", func(t *testing.T) {
		f, err := segment.FilterOf(nil, "tier:A", segment.Options{Now: now, Loc: shanghai})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Deals, Scope: f, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Industry}, Range: dateRange(2026, 1, 1, 2026, 12, 31),
			Medians: []analytics.Metric{analytics.Amount}, Metrics: []analytics.Metric{}, Limit: ptr(1000)}) // the median's metric is read
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			if c.ValueTier != crm.TierA {
				continue
			}
			for _, d := range c.Deals {
				if d.Date.Year() == 2026 {
					ws.at(c.Industry).add(c, yuan(d.Amount))
				}
			}
		}
		if len(ws) == 0 {
			t.Fatal("the demo data has no such deals: the test would prove nothing")
		}
		check(t, "deals", res, ws, analytics.Amount)
	})

	t.Run("interactions by month and channel across midnight in Shanghai", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Interactions, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Month, analytics.Channel}, Range: dateRange(2026, 3, 1, 2026, 5, 31),
			Medians: []analytics.Metric{analytics.DurationMin}, Limit: ptr(1000)})
		if err != nil {
			t.Fatal(err)
		}
		lo := time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)
		hi := time.Date(2026, 6, 1, 0, 0, 0, 0, shanghai)
		ws := wants{}
		edge := 0
		for _, c := range cs {
			for _, x := range c.Interactions {
				if x.At.Before(lo) || !x.At.Before(hi) {
					continue
				}
				if x.At.UTC().Month() != x.At.In(shanghai).Month() {
					edge++ // in another month in UTC than in Shanghai
				}
				var v *big.Rat
				if x.DurationMin > 0 {
					v = big.NewRat(int64(x.DurationMin), 1)
				}
				ws.at(monthKey(x.At, shanghai), string(x.Channel)).add(c, v)
			}
		}
		if edge == 0 {
			t.Log("no interaction between 0:00 and 8:00 on a month's first day in Shanghai: add one to the demo data")
		}
		check(t, "interactions", res, ws, analytics.DurationMin)
		// Every month of the range is there for every channel shown.
		months := map[string]bool{}
		for _, g := range res.Groups {
			months[g.Keys[0]] = true
		}
		if len(months) != 3 || !months["2026-03"] || !months["2026-05"] {
			t.Errorf("months %v, want 2026-03..2026-05", months)
		}
	})

	t.Run("customers by value tier with total amount", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Customers, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.ValueTier}, Medians: []analytics.Metric{analytics.TotalAmount}})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			ws.at(string(c.ValueTier)).add(c, yuan(c.Stats.TotalAmount))
		}
		check(t, "customers", res, ws, analytics.TotalAmount)
		if res.Total.Count != int64(len(cs)) {
			t.Errorf("total %d, want %d", res.Total.Count, len(cs))
		}
	})

	t.Run("customers by tag, several per customer", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Customers, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Tag}, Limit: ptr(1000)})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			tags := slices.Compact(slices.Sorted(slices.Values(c.Tags)))
			if len(tags) == 0 {
				ws.at("").add(c, nil)
			}
			for _, tag := range tags {
				ws.at(tag).add(c, nil)
			}
		}
		check(t, "tags", res, ws, "")
	})

	t.Run("needs by status and priority, days to resolve", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Needs, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Status, analytics.Priority}, Medians: []analytics.Metric{analytics.DaysToResolve},
			Metrics: []analytics.Metric{analytics.BudgetMax}})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			for _, n := range c.Needs {
				var v *big.Rat
				if n.Status == crm.NeedStatusResolved && n.ResolvedAt != nil {
					v = big.NewRat(max(0, n.ResolvedAt.Sub(n.OpenedAt).Milliseconds()), 86_400_000)
				}
				ws.at(string(n.Status), string(n.Priority)).add(c, v)
			}
		}
		check(t, "needs", res, ws, analytics.DaysToResolve)
	})

	t.Run("surveys by score band", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Satisfaction, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.ScoreBand}, Medians: []analytics.Metric{analytics.Score}})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			for _, x := range c.Satisfaction {
				band := "LOW"
				if x.Score >= 85 {
					band = "HIGH"
				} else if x.Score >= 60 {
					band = "MEDIUM"
				}
				ws.at(band).add(c, big.NewRat(int64(x.Score), 1))
			}
		}
		if len(ws) == 0 {
			t.Fatal("no surveys in the demo data")
		}
		check(t, "surveys", res, ws, analytics.Score)
	})

	t.Run("stage changes by stage entered", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.StageChanges, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.ToStage}, Medians: []analytics.Metric{analytics.DaysInStage}})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			for i, x := range c.StageHistory {
				var v *big.Rat
				if i > 0 && x.From != "" {
					v = big.NewRat(max(0, x.At.Sub(c.StageHistory[i-1].At).Milliseconds()), 86_400_000)
				}
				ws.at(string(x.To)).add(c, v)
			}
		}
		check(t, "stages", res, ws, analytics.DaysInStage)
	})

	t.Run("visits by owner and participant", func(t *testing.T) {
		el, err := segment.ElementsFromInput("interactionWhere", segment.Interactions,
			map[string]any{"channel": map[string]any{"eq": "VISIT"}}, segment.Options{Now: now, Loc: shanghai})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Interactions, Actor: manager(), Elements: el,
			GroupBy: []analytics.Dimension{analytics.Owner, analytics.Participant}, Limit: ptr(1000)})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			for _, x := range c.Interactions {
				if x.Channel != crm.ChannelVisit {
					continue
				}
				ps := slices.Compact(slices.Sorted(slices.Values(x.Participants)))
				if len(ps) == 0 {
					ws.at(c.OwnerID, "").add(c, nil)
				}
				for _, p := range ps {
					ws.at(c.OwnerID, p).add(c, nil)
				}
			}
		}
		check(t, "visits", res, ws, "")
		for _, g := range res.Groups {
			if g.Keys[0] != "" && g.Labels[0] == g.Keys[0] {
				t.Errorf("owner %s not labelled by name", g.Keys[0])
			}
		}
	})

	t.Run("interactions by recording delay and next action", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Interactions, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Recording, analytics.NextAction}})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			for _, x := range c.Interactions {
				rec := ""
				if x.RecordedAt != nil {
					rec = "LATE"
					if x.RecordedAt.Sub(x.At) <= 24*time.Hour {
						rec = "ON_TIME"
					}
				}
				next := "NONE"
				if na := x.NextAction; na != nil {
					switch {
					case na.Done:
						next = "DONE"
					case na.Due != nil && na.Due.Before(now):
						next = "OVERDUE"
					default:
						next = "OPEN"
					}
				}
				ws.at(rec, next).add(c, nil)
			}
		}
		for _, k := range []string{"ON_TIME|OVERDUE", "LATE|NONE", "ON_TIME|DONE"} {
			if ws[k] == nil {
				t.Fatalf("the demo data has no %s interactions: the test would prove less", k)
			}
		}
		check(t, "recording", res, ws, "")
	})

	t.Run("service requests by timeliness, kind and assignee, hours to resolve", func(t *testing.T) {
		for _, at := range []time.Time{now, now.AddDate(0, 0, -3), now.AddDate(0, 1, 0)} { // open requests fall overdue
			svc := service(s)
			svc.Clock = crm.NewFixedClock(at)
			res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.ServiceRequests, Actor: manager(), Limit: ptr(1000),
				GroupBy:  []analytics.Dimension{analytics.Timeliness, analytics.Kind, analytics.Assignee},
				Range:    dateRange(2025, 1, 1, 2026, 12, 31),
				Medians:  []analytics.Metric{analytics.HoursToResolve},
				Metrics:  []analytics.Metric{analytics.HoursToResolve},
				Order:    analytics.Order{By: analytics.ByKey},
				Locale:   crm.LocaleEn,
				TimeZone: "Asia/Shanghai"})
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai), time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)
			ws := wants{}
			for _, c := range cs {
				for _, x := range c.ServiceRequests {
					if x.OpenedAt.Before(lo) || !x.OpenedAt.Before(hi) {
						continue
					}
					// docs/ANALYTICS.md, TIMELINESS, word for word.
					key := ""
					switch {
					case x.Status == crm.ServiceOpen || x.Status == crm.ServiceInProgress:
						key = "OPEN"
						if x.Due.Before(at) {
							key = "OVERDUE"
						}
					case x.ResolvedAt != nil && !x.ResolvedAt.After(x.Due):
						key = "ON_TIME"
					case x.ResolvedAt != nil:
						key = "LATE"
					}
					var v *big.Rat
					if x.ResolutionHours != nil {
						v = big.NewRat(*x.ResolutionHours, 1)
					}
					ws.at(key, string(x.Kind), x.AssigneeID).add(c, v)
				}
			}
			keys := map[string]bool{}
			for k := range ws {
				keys[strings.Split(k, "|")[0]] = true
			}
			if !keys["ON_TIME"] || !keys["LATE"] || (at.After(now) && !keys["OVERDUE"]) {
				t.Fatalf("the demo data lacks on-time, late or overdue requests (%v): the test would prove less", keys)
			}
			check(t, "service requests", res, ws, analytics.HoursToResolve)
			for _, g := range res.Groups {
				if g.Count > 0 && (g.Labels[0] == g.Keys[0] || g.Labels[1] == g.Keys[1] || g.Labels[2] == g.Keys[2]) {
					t.Errorf("group %v labelled %v", g.Keys, g.Labels)
				}
			}
		}
	})

	t.Run("tasks by timeliness, kind and assignee, days to done", func(t *testing.T) {
		for _, at := range []time.Time{now, now.AddDate(0, 0, -20), now.AddDate(0, 2, 0)} { // open tasks fall overdue
			svc := service(s)
			svc.Clock = crm.NewFixedClock(at)
			res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Tasks, Actor: manager(), Limit: ptr(1000),
				GroupBy:  []analytics.Dimension{analytics.Timeliness, analytics.Kind, analytics.Assignee},
				Range:    dateRange(2024, 1, 1, 2027, 12, 31),
				Medians:  []analytics.Metric{analytics.DaysToDone},
				Metrics:  []analytics.Metric{analytics.DaysToDone},
				Order:    analytics.Order{By: analytics.ByKey},
				Locale:   crm.LocaleEn,
				TimeZone: "Asia/Shanghai"})
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai), time.Date(2028, 1, 1, 0, 0, 0, 0, shanghai)
			ws := wants{}
			for _, c := range cs {
				for _, x := range c.Tasks {
					if x.Due.Before(lo) || !x.Due.Before(hi) {
						continue
					}
					// docs/ANALYTICS.md, a task's TIMELINESS, word for word.
					key := ""
					var v *big.Rat
					switch {
					case x.Status == crm.TaskOpen:
						key = "OPEN"
						if x.Due.Before(at) {
							key = "OVERDUE"
						}
					case x.Status == crm.TaskClosed:
						key = "CLOSED"
					case x.ClosedAt != nil:
						key = "LATE"
						if !x.ClosedAt.After(x.Due) {
							key = "ON_TIME"
						}
						v = big.NewRat(max(0, x.ClosedAt.UnixMilli()-x.CreatedAt.UnixMilli()), 86_400_000)
					}
					ws.at(key, string(x.Kind), x.AssigneeID).add(c, v)
				}
			}
			keys := map[string]bool{}
			for k := range ws {
				keys[strings.Split(k, "|")[0]] = true
			}
			if !keys["ON_TIME"] || !keys["LATE"] || !keys["CLOSED"] || (at.Before(now) && !keys["OPEN"]) || !keys["OVERDUE"] {
				t.Fatalf("the demo data lacks tasks of some timeliness (%v): the test would prove less", keys)
			}
			check(t, "tasks", res, ws, analytics.DaysToDone)
			for _, g := range res.Groups {
				if g.Count > 0 && (g.Labels[0] == g.Keys[0] || g.Labels[1] == g.Keys[1] || g.Labels[2] == g.Keys[2]) {
					t.Errorf("group %v labelled %v", g.Keys, g.Labels)
				}
			}
		}
	})

	t.Run("sales cycle by source", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Customers, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Source}, Medians: []analytics.Metric{analytics.SalesCycleDays}})
		if err != nil {
			t.Fatal(err)
		}
		ws := wants{}
		for _, c := range cs {
			var v *big.Rat
			if !c.Stats.FirstInteractionAt.IsZero() && !c.Stats.FirstDealOn.IsZero() {
				y, m, d := c.Stats.FirstInteractionAt.In(shanghai).Date()
				first := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
				if !c.Stats.FirstDealOn.Before(first) {
					v = big.NewRat(int64(c.Stats.FirstDealOn.Sub(first)/(24*time.Hour)), 1)
				}
			}
			ws.at(c.Source).add(c, v)
		}
		check(t, "sales cycle", res, ws, analytics.SalesCycleDays)
	})

	t.Run("deals per month against the year before, top products folded", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Deals, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Month}, Range: dateRange(2026, 1, 1, 2026, 6, 30), Compare: analytics.PreviousYear})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int64{}
		for _, c := range cs {
			for _, d := range c.Deals {
				count[d.Date.Format("2006-01")]++
			}
		}
		if len(res.Groups) != 6 {
			t.Fatalf("%d months", len(res.Groups))
		}
		for _, g := range res.Groups {
			p := g.Previous
			if p == nil || p.Keys[0] != "2025"+g.Keys[0][4:] {
				t.Fatalf("%v: previous %+v", g.Keys, p)
			}
			if g.Count != count[g.Keys[0]] || p.Count != count[p.Keys[0]] {
				t.Errorf("%v: %d against %d, want %d against %d", g.Keys, g.Count, p.Count, count[g.Keys[0]], count[p.Keys[0]])
			}
			if p.Drill == nil || !strings.Contains(*p.Drill, "2025-"+g.Keys[0][5:]) {
				t.Errorf("previous drill %v", p.Drill)
			}
		}
		// Three products shown, the rest folded into one group whose rows
		// add up with theirs to the total (one product per deal).
		top, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Deals, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Product}, Limit: ptr(3)})
		if err != nil {
			t.Fatal(err)
		}
		if !top.Truncated || len(top.Groups) != 4 || !top.Groups[3].Other || top.Groups[3].Drill != nil || top.Groups[3].Keys[0] != "*" {
			t.Fatalf("folded groups %+v", top.Groups)
		}
		var sum int64
		for i, g := range top.Groups {
			sum += g.Count
			if i > 0 && i < 3 && g.Count > top.Groups[i-1].Count {
				t.Errorf("not ranked by count: %v", top.Groups)
			}
		}
		if sum != top.Total.Count {
			t.Errorf("groups add up to %d, total %d", sum, top.Total.Count)
		}
	})

	t.Run("an empty range gives zero buckets", func(t *testing.T) {
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Deals, Actor: manager(),
			GroupBy: []analytics.Dimension{analytics.Week}, Range: dateRange(1990, 1, 1, 1990, 2, 28)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total.Count != 0 || len(res.Groups) != 9 {
			t.Fatalf("total %d, %d groups; want 0 and the 9 weeks meeting Jan-Feb 1990", res.Total.Count, len(res.Groups))
		}
		if res.Groups[0].Keys[0] != "1990-W01" || res.Groups[8].Keys[0] != "1990-W09" {
			t.Errorf("weeks %v .. %v", res.Groups[0].Keys, res.Groups[8].Keys)
		}
	})

	t.Run("days in another time zone", func(t *testing.T) {
		ny, _ := time.LoadLocation("America/New_York")
		res, err := svc.Aggregate(ctx, analytics.Request{Fact: analytics.Interactions, Actor: manager(), TimeZone: "America/New_York",
			GroupBy: []analytics.Dimension{analytics.Day}, Range: dateRange(2026, 10, 1, 2026, 11, 30)})
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := time.Date(2026, 10, 1, 0, 0, 0, 0, ny), time.Date(2026, 12, 1, 0, 0, 0, 0, ny)
		ws := wants{}
		for _, c := range cs {
			for _, x := range c.Interactions {
				if !x.At.Before(lo) && x.At.Before(hi) {
					ws.at(x.At.In(ny).Format(time.DateOnly)).add(c, nil)
				}
			}
		}
		check(t, "new york", res, ws, "")
		if len(res.Groups) != 61 {
			t.Errorf("%d days, want 61", len(res.Groups))
		}
	})
}

func ptr[T any](v T) *T { return &v }

func mustElements(a segment.Array, where map[string]any) *segment.Elements {
	e, err := segment.ElementsFromInput("where", a, where, segment.Options{Now: now, Loc: shanghai})
	if err != nil {
		panic(err)
	}
	return e
}

// TestDrillListsTheGroupsCustomers runs each group's drill line as a list
// filter on the same store: it selects exactly the group's customers.
func TestDrillListsTheGroupsCustomers(t *testing.T) {
	s, _ := demoStore(t)
	svc := service(s)
	ctx := context.Background()
	opts := segment.Options{Now: now, Loc: shanghai, Me: manager().UserID}
	scope, err := segment.FilterOf(nil, "stage:won,after-sales,negotiation", opts)
	if err != nil {
		t.Fatal(err)
	}
	visits, err := segment.ElementsFromInput("interactionWhere", segment.Interactions,
		map[string]any{"channel": map[string]any{"in": []any{"VISIT", "PHONE"}}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	requests := []analytics.Request{
		{Fact: analytics.Customers, GroupBy: []analytics.Dimension{analytics.ValueTier, analytics.Owner}},
		{Fact: analytics.Customers, GroupBy: []analytics.Dimension{analytics.Tag}, Scope: scope},
		{Fact: analytics.Customers, GroupBy: []analytics.Dimension{analytics.Quarter, analytics.Industry}, Range: &analytics.RangeInput{Last: 4, Unit: analytics.Quarter}},
		{Fact: analytics.Customers, GroupBy: []analytics.Dimension{analytics.FirstDealMonth}},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.Month, analytics.Channel}, Range: &analytics.RangeInput{Last: 6, Unit: analytics.Month}, Elements: visits},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.KeyEvent, analytics.City}, Scope: scope},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.Week}, Range: &analytics.RangeInput{Last: 5, Unit: analytics.Week}, TimeZone: "Europe/London"},
		{Fact: analytics.Deals, GroupBy: []analytics.Dimension{analytics.Year, analytics.Product}},
		{Fact: analytics.Needs, GroupBy: []analytics.Dimension{analytics.Status, analytics.NeedOwnType, analytics.OpenedMonth}},
		{Fact: analytics.Satisfaction, GroupBy: []analytics.Dimension{analytics.Month, analytics.ScoreBand}, Range: &analytics.RangeInput{Last: 6, Unit: analytics.Month}},
		{Fact: analytics.StageChanges, GroupBy: []analytics.Dimension{analytics.FromStage, analytics.ToStage}, Scope: scope},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.Participant, analytics.FirstDealQuarter}},
		{Fact: analytics.StageChanges, GroupBy: []analytics.Dimension{analytics.Quarter}, Range: &analytics.RangeInput{Last: 4, Unit: analytics.Quarter},
			Elements: mustElements(segment.StageHistory, map[string]any{"to": map[string]any{"in": []any{"WON", "LOST"}}})},
		{Fact: analytics.Satisfaction, GroupBy: []analytics.Dimension{analytics.ValueTier},
			Elements: mustElements(segment.Satisfaction, map[string]any{"score": map[string]any{"lt": 60}})},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.NextAction, analytics.Owner}},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.Quarter, analytics.NextAction}, Range: &analytics.RangeInput{Last: 4, Unit: analytics.Quarter}},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.Recording, analytics.Channel}},
		{Fact: analytics.Interactions, GroupBy: []analytics.Dimension{analytics.Month, analytics.Recording}, Range: &analytics.RangeInput{Last: 3, Unit: analytics.Month}},
		{Fact: analytics.ServiceRequests, GroupBy: []analytics.Dimension{analytics.Timeliness, analytics.Kind}},
		{Fact: analytics.ServiceRequests, GroupBy: []analytics.Dimension{analytics.Quarter, analytics.Status, analytics.Assignee}, Range: &analytics.RangeInput{Last: 4, Unit: analytics.Quarter}},
		{Fact: analytics.ServiceRequests, GroupBy: []analytics.Dimension{analytics.Priority, analytics.Timeliness}, Scope: scope,
			Elements: mustElements(segment.ServiceRequests, map[string]any{"resolutionHours": map[string]any{"gte": 4}})},
		{Fact: analytics.Tasks, GroupBy: []analytics.Dimension{analytics.Timeliness, analytics.Kind}},
		{Fact: analytics.Tasks, GroupBy: []analytics.Dimension{analytics.Quarter, analytics.Status, analytics.Assignee}, Range: &analytics.RangeInput{Last: 4, Unit: analytics.Quarter}},
		{Fact: analytics.Tasks, GroupBy: []analytics.Dimension{analytics.Timeliness, analytics.Owner}, Scope: scope,
			Elements: mustElements(segment.Tasks, map[string]any{"kind": map[string]any{"eq": "CLASSIFICATION_REVIEW"}})},
	}
	// Last, as of a month on: the open requests are overdue (the clock and
	// the lines' now both).
	later := len(requests)
	requests = append(requests, analytics.Request{Fact: analytics.ServiceRequests, GroupBy: []analytics.Dimension{analytics.Timeliness, analytics.Owner}})
	for i, q := range requests {
		q.Actor = manager()
		q.Limit = ptr(1000)
		svc, opts := svc, opts
		if i == later {
			svc = service(s)
			svc.Clock = crm.NewFixedClock(now.AddDate(0, 1, 0))
			opts.Now = now.AddDate(0, 1, 0)
		}
		res, err := svc.Aggregate(ctx, q)
		if err != nil {
			t.Fatalf("%s %v: %v", q.Fact, q.GroupBy, err)
		}
		if res.Total.Count == 0 {
			t.Fatalf("%s %v: no rows: the test would prove nothing", q.Fact, q.GroupBy)
		}
		var filters []crm.Filter
		var groups []*analytics.Row
		for _, g := range res.Groups {
			if g.Drill == nil {
				t.Errorf("%s %v %v: no drill line", q.Fact, q.GroupBy, g.Keys)
				continue
			}
			f, err := segment.FilterOf(nil, *g.Drill, opts)
			if err != nil {
				t.Fatalf("%s %v: drill %q: %v", q.Fact, g.Keys, *g.Drill, err)
			}
			filters = append(filters, f)
			groups = append(groups, g)
		}
		counts, err := s.Customers().Counts(ctx, filters, crm.CountQuery{Scope: crm.ScopeActive})
		if err != nil {
			t.Fatal(err)
		}
		if i == later && !slices.ContainsFunc(groups, func(g *analytics.Row) bool { return g.Keys[0] == analytics.Overdue }) {
			t.Errorf("no overdue service requests a month on: the test proves less")
		}
		for i, g := range groups {
			if int64(counts[i]) != g.Customers {
				t.Errorf("%s %v %v: drill %q lists %d customers, the group has %d", q.Fact, q.GroupBy, g.Keys, *g.Drill, counts[i], g.Customers)
			}
		}
	}
}

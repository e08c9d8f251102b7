package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

func init() {
	// Filters over surveys, the stage history and an interaction's
	// participants and duration (what aggregates group by and drill into)
	// select in a store what they select on the whole documents; on a
	// read model they are answered from its Brief (lean).
	register("ListFilterFacts", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		stages := []crm.Stage{crm.StagePotential, crm.StageContacted, crm.StageProposal, crm.StageNegotiation, crm.StageWon, crm.StageLost}
		var all []*crm.Customer
		for i := 0; i < 18; i++ {
			c := plain(fmt.Sprintf("事实公司%02d", i), base.Add(time.Duration(i)*time.Minute))
			for j := 0; j < i%4; j++ {
				in := crm.Interaction{ID: fmt.Sprint("i", j), At: base.Add(-time.Duration(i+j) * time.Hour),
					Channel: crm.ChannelVisit, Summary: "拜访", CreatedBy: "u1"}
				switch (i + j) % 4 {
				case 0:
					in.Participants = []string{"u1"}
				case 1:
					in.Participants = []string{"u1", "u2"}
				case 2:
					in.Participants = []string{"u3"}
				}
				if (i+j)%3 > 0 {
					in.DurationMin = 15 * ((i + j) % 6)
				}
				c.Interactions = append(c.Interactions, in)
			}
			for j := 0; j < i%3; j++ {
				c.Satisfaction = append(c.Satisfaction, crm.Satisfaction{ID: fmt.Sprint("s", j),
					At: base.Add(-time.Duration(30*i+200*j) * 24 * time.Hour), Score: 50 + (i*7+j*13)%50})
			}
			// A path through the pipeline: potential first, then i%5 steps.
			from := crm.Stage("")
			for j := 0; j <= i%5; j++ {
				to := stages[(j+i/5)%len(stages)]
				if j == 0 {
					to = crm.StagePotential
				}
				c.StageHistory = append(c.StageHistory, crm.StageChange{From: from, To: to, By: "u1",
					At: base.Add(-time.Duration(40*(i%5-j)+i) * 24 * time.Hour)})
				from = to
			}
			c.Stage = from
			c.Recompute()
			all = append(all, insert(t, s, c))
		}
		for _, line := range []string{
			"surveys.some(score:<70)",
			"surveys.some(score:>=80 at:<=1y)",
			"surveys.count():>=2",
			"-surveys.some()",
			"stages.some(to:成交)",
			"stages.some(from:潜在客户 to:初步接触)",
			"stages.count(-from:none at:<=60d):>=1",
			"stages.none(to:lost) -stages.every(from:none)",
			"interactions.some(participant:u2)",
			"interactions.some(participant:me)",
			"interactions.some(participant:none)",
			"interactions.some(participant:u1+u2 duration:>=30)",
			"interactions.some(-participant:u1 duration:none)",
			"interactions.count(duration:15..45):>=2",
		} {
			t.Run(line, func(t *testing.T) {
				if h.SkipNestedFilters != "" {
					t.Skip(h.SkipNestedFilters)
				}
				n, err := segment.Parse(line)
				if err != nil {
					t.Fatal(err)
				}
				f, err := segment.NewFilter(n, segment.Options{Now: base, Me: "u1"})
				if err != nil {
					t.Fatal(err)
				}
				if !f.Lean() {
					t.Errorf("%q is not lean: a read model reads documents for it", line)
				}
				want := expected(all, f.Match, crm.OrderTotalAmount, true)
				got, total := pageAll(t, s, crm.ListQuery{OrderBy: crm.OrderTotalAmount, Desc: true, First: 5, WithTotal: true, Filter: f})
				if fmt.Sprint(got) != fmt.Sprint(want) || total != len(want) {
					t.Fatalf("%q: got %v (total %d), want %v", line, got, total, want)
				}
				if len(want) == 0 || len(want) == len(all) {
					t.Fatalf("%q selects %d of %d customers: the case proves nothing", line, len(want), len(all))
				}
			})
		}
	})
}

// Package demo generates deterministic, realistic demo data: the staff of a
// small sales team and customers of Chinese small and mid-size companies
// with their contacts, two years of interactions, needs, deals, satisfaction
// surveys and stage and tier histories, as the worksheet guides in the
// project's seeds describe them.
//
// Everything is a pure function of (seed, n, now): the same inputs give the
// same documents, byte for byte, so a demo can be rebuilt and tests can
// depend on it. The package never reads the wall clock or the global random
// source.
package demo

import (
	"cmp"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

const (
	minute = int64(60)
	hour   = 60 * minute
	day    = 24 * hour
	// cst is the offset of Asia/Shanghai (no daylight saving since 1991).
	cst = 8 * hour
	// window is how far back the interactions reach: 24 months.
	window = 730 * day
)

// Customers returns n customers, deterministic for (seed, n, now), ordered
// by creation time (so ids and codes ascend). users are the staff the
// customers refer to (owners are SALES users); pass Users(now).
func Customers(seed int64, n int, now time.Time, users []*crm.User) []*crm.Customer {
	g := newGenerator(seed, n, now, users)
	out := make([]*crm.Customer, len(g.skel))
	g.generate(0, len(out), func(i int, c *crm.Customer) { out[i] = c })
	return out
}

// Sequences returns the highest customer-code number of each month period,
// keyed as the stores key their sequence documents ("customer:202611"), so
// that codes the store assigns later continue after the demo's.
func Sequences(customers []*crm.Customer) map[string]int64 {
	out := map[string]int64{}
	for _, c := range customers {
		if len(c.Code) < 10 || c.Code[0] != 'C' {
			continue
		}
		n, err := strconv.ParseInt(c.Code[7:], 10, 64)
		if err != nil {
			continue
		}
		key := "customer:" + c.Code[1:7]
		if n > out[key] {
			out[key] = n
		}
	}
	return out
}

// team is the staff as the generator uses it.
type team struct {
	sales    []string // owners
	salesW   []int
	service  []string
	manager  string // the first MANAGER (or ADMIN); falls back to the system actor
	fallback string // actor when there is nobody else
}

func newTeam(users []*crm.User) team {
	t := team{fallback: crm.System.UserID}
	managerIsAdmin := false
	for _, u := range users {
		if u.Disabled {
			continue
		}
		switch u.Role {
		case crm.RoleSales:
			t.sales = append(t.sales, u.ID)
		case crm.RoleService:
			t.service = append(t.service, u.ID)
		case crm.RoleManager:
			if t.manager == "" || managerIsAdmin {
				t.manager, managerIsAdmin = u.ID, false
			}
		case crm.RoleAdmin:
			if t.manager == "" {
				t.manager, managerIsAdmin = u.ID, true
			}
		}
	}
	if len(t.sales) == 0 {
		for _, u := range users {
			if !u.Disabled {
				t.sales = append(t.sales, u.ID)
			}
		}
	}
	if t.manager == "" {
		t.manager = t.fallback
		if len(t.sales) > 0 {
			t.manager = t.sales[0]
		}
	}
	// Uneven books: the first representatives own more customers.
	for i := range t.sales {
		t.salesW = append(t.salesW, 14-i%7)
	}
	return t
}

// skeleton is what the sequential first pass decides for a customer: the
// parts that must be unique or ordered across customers. Everything else is
// derived from seed in the (parallel) second pass.
type skeleton struct {
	created int64 // unix seconds
	seed    uint64
	stage   crm.Stage
	city    uint8
	ind     uint8
	zihao   uint8
	word    uint8
	name    string
	credit  string
	code    string
}

type generator struct {
	now   int64
	today time.Time // crm.DateOf(now): deal dates are never after it
	tag   [3]byte
	team  team
	skel  []skeleton
	// rules is the seeds' default classification at now: every demo
	// customer is classified as the rules would on its last write.
	rules *rules.Program
}

// Stage mix of a sales pipeline: many leads, fewer deals.
var stageMix = []weighted[crm.Stage]{
	{crm.StagePotential, 22}, {crm.StageContacted, 18}, {crm.StageNeedsConfirmed, 12}, {crm.StageProposal, 9},
	{crm.StageNegotiation, 7}, {crm.StageWon, 7}, {crm.StageAfterSales, 17}, {crm.StageLost, 8},
}

// stageAge is the least age (days) a customer needs to have reached a stage,
// and the shape of its age distribution (>1 skews young).
var stageAge = map[crm.Stage]struct {
	min   float64
	shape float64
}{
	crm.StagePotential:      {1, 1.8},
	crm.StageContacted:      {10, 1.3},
	crm.StageNeedsConfirmed: {25, 1.0},
	crm.StageProposal:       {40, 1.0},
	crm.StageNegotiation:    {55, 1.0},
	crm.StageWon:            {60, 1.0},
	crm.StageAfterSales:     {150, 0.8},
	crm.StageLost:           {40, 0.9},
}

func newGenerator(seed int64, n int, now time.Time, users []*crm.User) *generator {
	n = max(n, 0)
	g := &generator{
		now:   now.Unix(),
		today: crm.DateOf(now, crm.DefaultLocation),
		tag:   seedTag(seed),
		team:  newTeam(users),
		skel:  make([]skeleton, n),
	}
	var err error
	if g.rules, err = rules.Compile(rules.Defaults(), segment.Options{Now: time.Unix(g.now, 0), Loc: crm.DefaultLocation}); err != nil {
		panic("demo: the default rules do not compile: " + err.Error()) // rules' tests compile them
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x6b6568752d646d6f))
	names := make(map[string]struct{}, n)
	credits := make(map[string]struct{}, n)
	cityW := make([]int, len(cities))
	for i := range cities {
		cityW[i] = cities[i].weight
	}
	indW := make([]int, len(industries))
	for i := range industries {
		indW[i] = industries[i].weight
	}
	for i := range g.skel {
		sk := &g.skel[i]
		sk.stage = pickW(r, stageMix)
		a := stageAge[sk.stage]
		age := a.min + (730-3-a.min)*math.Pow(r.Float64(), a.shape)
		raw := g.now - int64(age*float64(day))
		sk.created = workTime(r, raw, g.now-window+day, g.now-int64(a.min*float64(day)/2))
		sk.city = uint8(pickIndex(r, cityW))
		sk.ind = uint8(pickIndex(r, indW))
		g.name(r, sk, names)
		if r.IntN(100) < 80 {
			sk.credit = creditCode(r, cities[sk.city].division, credits)
		}
		sk.seed = r.Uint64()
	}
	slices.SortStableFunc(g.skel, func(a, b skeleton) int { return cmp.Compare(a.created, b.created) })
	seq := map[string]int64{}
	for i := range g.skel {
		sk := &g.skel[i]
		p := crm.CodePeriod(time.Unix(sk.created, 0), crm.DefaultLocation)
		seq[p]++
		sk.code = crm.FormatCode(p, seq[p])
	}
	return g
}

// name picks a unique company name: [城市] + 字号 + 行业词 + 组织形式.
// Uniqueness is checked on the name without the 市 and the legal form, so
// that 苏州华信机械有限公司 and 苏州市华信机械股份有限公司 never both appear.
func (g *generator) name(r *rand.Rand, sk *skeleton, seen map[string]struct{}) {
	ind := &industries[sk.ind]
	ct := &cities[sk.city]
	for try := 0; ; try++ {
		sk.zihao = uint8(r.IntN(len(zihaos)))
		sk.word = uint8(r.IntN(len(ind.words)))
		zh := zihaos[sk.zihao].name
		if try >= 20 { // crowded: a two-part trade name
			zh += zihaos[r.IntN(len(zihaos))].name
		}
		w := ind.words[sk.word].name
		var key, prefix string
		switch f := r.IntN(100); {
		case f < 55:
			key, prefix = ct.short+zh+w, ct.short
		case f < 80:
			key, prefix = ct.short+zh+w, ct.name
		default:
			key, prefix = zh+w, ""
		}
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		var suffix string
		switch f := r.IntN(100); {
		case strings.HasSuffix(w, "科技") && f < 75, f < 60:
			suffix = "有限公司"
		case strings.HasSuffix(w, "科技") || f < 78:
			suffix = "股份有限公司"
		default:
			suffix = "科技有限公司"
		}
		sk.name = prefix + zh + w + suffix
		return
	}
}

// creditCode returns a new unique unified social credit code (GB 32100):
// 9 (market regulation) 1 (enterprise), the division code, a 9-character
// organization code with its GB 11714 check character, and the check
// character from crm.CreditCodeCheckChar.
func creditCode(r *rand.Rand, division string, seen map[string]struct{}) string {
	const alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	var b [18]byte
	b[0], b[1] = '9', '1'
	copy(b[2:8], division)
	for {
		if r.IntN(100) < 55 { // codes issued since 2015 read 91xxxxxxMA...
			b[8], b[9] = 'M', 'A'
			for i := 10; i < 16; i++ {
				b[i] = alnum[r.IntN(len(alnum))]
			}
		} else {
			for i := 8; i < 16; i++ {
				b[i] = byte('0' + r.IntN(10))
			}
		}
		sum := 0
		for i, w := range [8]int{3, 7, 9, 10, 5, 8, 4, 2} {
			c := b[8+i]
			v := int(c - '0')
			if c >= 'A' {
				v = int(c-'A') + 10
			}
			sum += v * w
		}
		switch c := 11 - sum%11; c {
		case 10:
			b[16] = 'X'
		case 11:
			b[16] = '0'
		default:
			b[16] = byte('0' + c)
		}
		b[17] = crm.CreditCodeCheckChar(string(b[:17]))
		s := string(b[:])
		if _, dup := seen[s]; dup || b[17] == 0 || crm.ContainsResidentID(s) {
			continue
		}
		seen[s] = struct{}{}
		return s
	}
}

// sequences returns the per-period maxima of the generated codes.
func (g *generator) sequences() map[string]int64 {
	out := map[string]int64{}
	for i := range g.skel {
		c := g.skel[i].code
		n, _ := strconv.ParseInt(c[7:], 10, 64)
		key := "customer:" + c[1:7]
		out[key] = max(out[key], n)
	}
	return out
}

// generate builds customers [from, to) on all cores and hands each to emit
// (called concurrently, with its index). Each customer depends only on its
// skeleton, so the result does not depend on scheduling.
func (g *generator) generate(from, to int, emit func(i int, c *crm.Customer)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, (to-from)/8))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := from + w; i < to; i += workers {
				emit(i, g.customer(i))
			}
		})
	}
	wg.Wait()
}

// pickW picks a value by weight.
func pickW[T any](r *rand.Rand, items []weighted[T]) T {
	total := 0
	for _, it := range items {
		total += it.w
	}
	n := r.IntN(total)
	for _, it := range items {
		if n < it.w {
			return it.v
		}
		n -= it.w
	}
	return items[len(items)-1].v
}

func pickIndex(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// between returns a uniform time in [lo, hi] (lo when hi < lo).
func between(r *rand.Rand, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int64N(hi-lo+1)
}

// workTime moves t to a plausible office time near it: a weekday (nine
// times in ten), between 9:00 and 18:30 Beijing time, on the minute. When
// that leaves [lo, hi], t itself (on the minute when possible) is kept.
func workTime(r *rand.Rand, t, lo, hi int64) int64 {
	local := t + cst
	d := floorDiv(local, day)
	switch wd := (d + 4) % 7; { // 1970-01-01 was a Thursday; 0 is Sunday
	case wd == 6 && r.IntN(10) < 9:
		d += []int64{-1, 2}[r.IntN(2)]
	case wd == 0 && r.IntN(10) < 9:
		d += []int64{-2, 1}[r.IntN(2)]
	}
	out := d*day + 9*hour + r.Int64N(570)*minute - cst
	if out >= lo && out <= hi {
		return out
	}
	if m := t - floorMod(t, minute); m >= lo && m <= hi {
		return m
	}
	return max(lo, min(t, hi))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

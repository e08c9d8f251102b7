package demo

import (
	"cmp"
	"github.com/kehu-crm/kehu/internal/followup"
	"github.com/kehu-crm/kehu/internal/rules"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

var pipeline = []crm.Stage{crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed, crm.StageProposal,
	crm.StageNegotiation, crm.StageWon, crm.StageAfterSales}

// builder holds the state of one customer being generated.
type builder struct {
	g   *generator
	r   *rand.Rand
	sk  *skeleton
	idx int
	ids ids
	c   *crm.Customer

	owner  string
	spend  float64 // what the company spends with us in a year, yuan
	domain string  // company e-mail domain

	// timeline (unix seconds); zero when the stage was not reached
	stageTimes []int64 // parallel to c.StageHistory
	won        int64   // the signing of the first deal
	after      int64   // entered after-sales
	lost       int64
	churned    bool  // lost after having been a customer
	end        int64 // last regular interaction (dormant or lost customers stop early)
	dealEnd    int64 // last possible deal

	deals  []plannedDeal
	atRisk bool   // unhappy customer: complaints, low scores
	buf    []byte // scratch for composing texts
}

type plannedDeal struct {
	at      int64
	renewal bool
	deals   []crm.Deal
}

func (g *generator) customer(i int) *crm.Customer {
	sk := &g.skel[i]
	b := &builder{
		g:   g,
		r:   rand.New(rand.NewPCG(sk.seed, uint64(i))),
		sk:  sk,
		idx: i,
		ids: ids{tag: g.tag, counter: uint64(i) << 16},
		c:   &crm.Customer{},
	}
	c := b.c
	c.ID = b.ids.next(unix(sk.created))
	c.Code = sk.code
	c.Name = sk.name
	c.CreditCode = sk.credit
	c.Stage = sk.stage
	c.CreatedAt = unix(sk.created)
	c.Version = 1

	b.company()
	b.pickOwner()
	b.timeline()
	b.planDeals()
	b.tiers()
	b.people()
	b.contacts()
	b.needs()
	b.interactions()
	b.satisfaction()
	b.serviceRequests()
	b.labels()
	b.finish()
	return c
}

// company fills the firmographics (企业信息).
func (b *builder) company() {
	r, c, sk := b.r, b.c, b.sk
	ind := &industries[sk.ind]
	ct := &cities[sk.city]
	c.Industry = ind.name
	sizeW := make([]int, len(sizeBands))
	for i := range sizeBands {
		sizeW[i] = sizeBands[i].weight
	}
	si := pickIndex(r, sizeW)
	sb := &sizeBands[si]
	c.Size.Employees = sb.employees
	if r.IntN(100) < 88 {
		c.Size.Revenue = pick(r, sb.revenues)
	}
	b.spend = sb.spendMin * math.Pow(sb.spendMax/sb.spendMin, r.Float64())
	c.Region = crm.Region{Province: ct.province, City: ct.name}

	var a strings.Builder
	if !ct.municipality() {
		a.WriteString(ct.province)
	}
	a.WriteString(ct.name)
	a.WriteString(pick(r, ct.districts))
	a.WriteString(pick(r, roadStems))
	a.WriteString(pick(r, roadDirs))
	a.WriteString(pick(r, roadKinds))
	a.WriteString(strconv.Itoa(1 + r.IntN(r.IntN(998)+1)))
	a.WriteString("号")
	switch f := r.IntN(10); {
	case f < 3:
		a.WriteString(pick(r, buildings))
		a.WriteString(string(rune('A' + r.IntN(4))))
		a.WriteString("座")
		a.WriteString(strconv.Itoa(2 + r.IntN(25)))
		a.WriteString(twoDigits(1 + r.IntN(20)))
		a.WriteString("室")
	case f < 5:
		a.WriteString(strconv.Itoa(1 + r.IntN(12)))
		a.WriteString("号楼")
		a.WriteString(strconv.Itoa(1 + r.IntN(18)))
		a.WriteString("层")
	case f < 6 && ind.name == "制造业":
		a.WriteString(strconv.Itoa(1 + r.IntN(9)))
		a.WriteString("号厂房")
	}
	c.Address = a.String()

	zh := zihaos[sk.zihao].pinyin
	host := zh + ind.words[sk.word].tag
	switch f := r.IntN(10); {
	case f < 3:
		host = ct.initials + zh
	case f < 4:
		host = zh + "group"
	}
	tld := ".com"
	if r.IntN(10) < 3 {
		tld = ".com.cn"
	}
	b.domain = host + tld
	if r.IntN(100) < 85 {
		c.Website = "https://www." + b.domain
	}
	// Founded between 1992 and three years before the first contact.
	lo := unix(b.g.now).AddDate(-34, 0, 0).Unix()
	founded := crm.DateOf(unix(between(r, lo, b.sk.created-3*365*day)), crm.DefaultLocation)
	c.FoundedOn = &founded
	c.MainBusiness = pick(r, ind.businesses)
	c.Source = pickW(r, sources)
	c.NeedType = pickW(r, []weighted[crm.NeedType]{{crm.NeedTypeSolution, 45}, {crm.NeedTypeProduct, 35}, {crm.NeedTypeService, 20}})
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// timeline decides when the customer moved through the pipeline and writes
// the stage history: one StageChange per step, at increasing times.
func (b *builder) timeline() {
	r, now, created := b.r, b.g.now, b.sk.created
	span := now - created
	frac := func(lo, hi float64) int64 { return created + int64(float64(span)*(lo+(hi-lo)*r.Float64())) }
	var path []crm.Stage
	var at []int64
	steps := func(to crm.Stage, lo, hi int64) { // POTENTIAL .. to, spread over (lo, hi]
		k := slices.Index(pipeline, to)
		path = append(path, pipeline[:k+1]...)
		at = append(at, created)
		at = append(at, b.sortedTimes(lo, hi, k)...)
	}
	b.end = now
	switch st := b.sk.stage; st {
	case crm.StagePotential:
		steps(st, created, created)
	case crm.StageContacted, crm.StageNeedsConfirmed, crm.StageProposal, crm.StageNegotiation:
		steps(st, created+hour, frac(0.25, 0.9))
	case crm.StageWon:
		b.won = workTime(r, max(now-between(r, day, 40*day), created+span/2), created+span/3, now-day)
		steps(crm.StageNegotiation, created+hour, b.won-hour)
		path, at = append(path, crm.StageWon), append(at, b.won+30*minute)
		b.dealEnd = b.won
	case crm.StageAfterSales:
		b.customerTimeline(frac(0.12, 0.55))
		path, at = b.customerPath(path, at)
		b.dealEnd = now - day
	case crm.StageLost:
		reached := pickW(r, []weighted[crm.Stage]{{crm.StagePotential, 20}, {crm.StageContacted, 25},
			{crm.StageNeedsConfirmed, 20}, {crm.StageProposal, 15}, {crm.StageNegotiation, 10}, {crm.StageAfterSales, 10}})
		if reached == crm.StageAfterSales && span < 300*day {
			reached = crm.StageNegotiation
		}
		if reached == crm.StageAfterSales {
			b.churned = true
			b.customerTimeline(frac(0.08, 0.25))
			path, at = b.customerPath(path, at)
			// Stopped buying at least three months before being marked lost.
			b.lost = workTime(r, max(frac(0.8, 0.97), b.after+120*day), b.after+120*day, now-day)
			b.dealEnd = b.lost - 90*day
		} else {
			b.lost = workTime(r, frac(0.3, 0.95), created+2*day, now-day)
			steps(reached, created+hour, b.lost-day)
		}
		path, at = append(path, crm.StageLost), append(at, b.lost)
		b.end = b.lost
	}
	// Some active customers went quiet (沉睡): no interaction for months.
	if b.sk.stage != crm.StageLost && b.sk.stage != crm.StageWon && at[len(at)-1] < now-100*day && r.IntN(100) < 12 {
		b.end = max(at[len(at)-1]+day, now-between(r, 90*day, 200*day))
		b.dealEnd = min(b.dealEnd, b.end)
	}
	b.stageTimes = at
	b.c.StageHistory = make([]crm.StageChange, len(path))
	for i, s := range path {
		ch := crm.StageChange{To: s, At: unix(at[i]), By: b.ownerOrManager()}
		if i > 0 {
			ch.From = path[i-1]
		}
		b.c.StageHistory[i] = ch
	}
}

// customerTimeline sets the signing and the move to after-sales.
func (b *builder) customerTimeline(won int64) {
	b.won = workTime(b.r, won, b.sk.created+20*day, b.g.now-40*day)
	b.after = workTime(b.r, b.won+between(b.r, 3*day, 30*day), b.won+2*day, b.g.now-day)
}

func (b *builder) customerPath(path []crm.Stage, at []int64) ([]crm.Stage, []int64) {
	path = append(path, pipeline[:5]...)
	at = append(at, b.sk.created)
	at = append(at, b.sortedTimes(b.sk.created+hour, b.won-hour, 4)...)
	return append(path, crm.StageWon, crm.StageAfterSales), append(at, b.won+30*minute, b.after)
}

// sortedTimes returns k increasing office times in [lo, hi], at least an
// hour apart.
func (b *builder) sortedTimes(lo, hi int64, k int) []int64 {
	if k == 0 {
		return nil
	}
	// One time in each of k equal parts of the range, so the steps spread out.
	out := make([]int64, k)
	part := (hi - lo) / int64(k)
	for i := range out {
		t := lo + int64(i)*part + int64(float64(part)*(0.1+0.8*b.r.Float64()))
		out[i] = workTime(b.r, t, lo, hi)
	}
	slices.Sort(out)
	for i := 1; i < k; i++ {
		out[i] = max(out[i], out[i-1]+hour)
	}
	if out[k-1] > hi { // too little room: evenly spaced
		gap := (hi - lo) / int64(k)
		for i := range out {
			out[i] = lo + int64(i+1)*gap
		}
	}
	return out
}

func (b *builder) ownerOrManager() string {
	if b.owner != "" && b.r.IntN(10) < 9 {
		return b.owner
	}
	return b.g.team.manager
}

// planDeals decides the purchases: the first contract at the signing, then
// yearly renewals and add-on purchases while the customer stays.
func (b *builder) planDeals() {
	if b.won == 0 {
		return
	}
	r := b.r
	first := plannedDeal{at: b.won}
	first.deals = append(first.deals, b.deal(pick(r, mainProducts), b.spend*(0.7+0.6*r.Float64()), pick(r, dealNotes)))
	if r.IntN(100) < 20 {
		first.deals = append(first.deals, b.deal("员工培训服务", b.spend*(0.05+0.1*r.Float64()), ""))
	}
	b.deals = append(b.deals, first)
	var extra []int64
	for y := int64(1); b.after != 0; y++ {
		t := b.won + y*365*day + between(r, -10*day, 10*day)
		if t > b.dealEnd {
			break
		}
		extra = append(extra, t)
	}
	renewals := len(extra)
	for range pickW(r, []weighted[int]{{0, 35}, {1, 35}, {2, 20}, {3, 10}}) {
		if b.after != 0 && b.dealEnd > b.after+30*day {
			extra = append(extra, between(r, b.after+30*day, b.dealEnd))
		}
	}
	for i, t := range extra {
		p := plannedDeal{at: workTime(r, t, b.after+day, b.dealEnd), renewal: i < renewals}
		if p.renewal {
			p.deals = append(p.deals, b.deal(pick(r, renewalProducts), b.spend*(0.4+0.4*r.Float64()), pick(r, renewalNotes)))
		} else {
			p.deals = append(p.deals, b.deal(pick(r, addOnProducts), b.spend*(0.15+0.35*r.Float64()), pick(r, addOnNotes)))
		}
		b.deals = append(b.deals, p)
	}
	slices.SortStableFunc(b.deals, func(x, y plannedDeal) int { return cmp.Compare(x.at, y.at) })
	for i := range b.deals {
		p := &b.deals[i]
		date := crm.DateOf(unix(p.at), crm.DefaultLocation)
		for j := range p.deals {
			p.deals[j].Date = date
			p.deals[j].ID = b.ids.next(unix(p.at))
			b.c.Deals = append(b.c.Deals, p.deals[j])
		}
	}
}

// deal rounds an amount (yuan) to a plausible contract figure within
// 5,000 .. 2,000,000 yuan.
func (b *builder) deal(product string, yuan float64, note string) crm.Deal {
	yuan = max(5_000, min(2_000_000, yuan))
	step := 100.0
	switch {
	case yuan >= 200_000:
		step = 1_000
	case b.r.IntN(3) == 0:
		step = 1_000
	}
	y := int64(math.Round(yuan/step) * step)
	y = max(5_000, min(2_000_000, y))
	return crm.Deal{Product: product, Amount: crm.Money(y * 100), Note: note}
}

// Value tiers from the seeds: A when the deals of the last 12 months reach
// 500,000 yuan, B from 100,000 yuan, C below. Customers who never bought
// have no tier.
const (
	tierA = crm.Money(500_000 * 100)
	tierB = crm.Money(100_000 * 100)
)

// annualDeals is the total of the deals dated in the year up to day (a date
// as crm.DateOf returns it): day.AddDate(-1, 0, 0) < deal date <= day.
func annualDeals(deals []crm.Deal, day time.Time) crm.Money {
	from := day.AddDate(-1, 0, 0)
	var sum crm.Money
	for _, d := range deals {
		if d.Date.After(from) && !d.Date.After(day) {
			sum += d.Amount
		}
	}
	return sum
}

// tierFor is the value tier of a yearly deal total.
func tierFor(annual crm.Money) crm.Tier {
	switch {
	case annual >= tierA:
		return crm.TierA
	case annual >= tierB:
		return crm.TierB
	}
	return crm.TierC
}

// tiers replays the deals as the classification rules (rules.Defaults)
// would have kept the tier: C from the creation, then at each deal and
// at the midnight a deal leaves the 12-month window. The final tier is the
// tier of today.
func (b *builder) tiers() {
	type event struct {
		at  int64
		day time.Time
	}
	evs := []event{{at: b.sk.created, day: crm.DateOf(unix(b.sk.created), crm.DefaultLocation)}}
	for _, p := range b.deals {
		d := crm.DateOf(unix(p.at), crm.DefaultLocation)
		evs = append(evs, event{at: p.at + 30*minute, day: d})
		if exp := d.AddDate(1, 0, 0); !exp.After(b.g.today) {
			// midnight Beijing time of the day the deal drops out
			evs = append(evs, event{at: exp.Unix() - cst, day: exp})
		}
	}
	slices.SortStableFunc(evs, func(x, y event) int { return cmp.Compare(x.at, y.at) })
	var cur crm.Tier
	for _, e := range evs {
		t := tierFor(annualDeals(b.c.Deals, e.day))
		if t == cur {
			continue
		}
		b.c.TierHistory = append(b.c.TierHistory, crm.TierChange{From: cur, To: t, At: unix(e.at), Rule: tierRules[t]})
		cur = t
	}
	b.c.ValueTier = cur
}

// tierRules names the default rule that gives each tier.
var tierRules = func() map[crm.Tier]string {
	out := map[crm.Tier]string{}
	for _, r := range rules.Defaults().Rules {
		if t := r.Then.ValueTier; t != "" && out[t] == "" {
			out[t] = r.Name
		}
	}
	return out
}()

// pickOwner picks the sales representative who owns the customer.
func (b *builder) pickOwner() {
	if t := &b.g.team; len(t.sales) > 0 {
		b.owner = t.sales[pickIndex(b.r, t.salesW)]
	}
	b.c.OwnerID = b.owner
}

// people picks the collaborators and who created the record.
func (b *builder) people() {
	r, c, t := b.r, b.c, &b.g.team
	add := func(id string) {
		if id != "" && id != b.owner && !slices.Contains(c.Collaborators, id) {
			c.Collaborators = append(c.Collaborators, id)
		}
	}
	if len(c.Deals) > 0 && len(t.service) > 0 && r.IntN(100) < 60 {
		add(t.service[r.IntN(len(t.service))])
	}
	if c.ValueTier == crm.TierA && r.IntN(100) < 50 {
		add(t.manager)
	}
	if len(t.sales) > 1 && r.IntN(100) < 8 {
		add(t.sales[r.IntN(len(t.sales))])
	}
	c.CreatedBy = b.owner
	switch {
	case (c.Source == "官网注册" || c.Source == "线上咨询") && len(t.service) > 0 && r.IntN(2) == 0:
		c.CreatedBy = t.service[r.IntN(len(t.service))]
	case r.IntN(100) < 15 || b.owner == "":
		c.CreatedBy = t.manager
	}
}

// contacts adds one to four people, one of them primary.
func (b *builder) contacts() {
	r, c := b.r, b.c
	n := 1 + pickW(r, []weighted[int]{{0, 30}, {1, 35}, {2, 22}, {3, 13}})
	used := map[int]bool{}
	at := unix(b.sk.created)
	for k := range n {
		ti := 0
		for {
			ti = r.IntN(len(titles))
			if used[ti] {
				continue
			}
			// The primary contact decides or influences the purchase.
			if k == 0 && titles[ti].role == "U" {
				continue
			}
			if r.IntN(10) < titles[ti].weight {
				break
			}
		}
		used[ti] = true
		sur := surnames[r.IntN(len(surnames))]
		g1 := givenChars[r.IntN(len(givenChars))]
		name, py := sur.han+g1.han, []string{sur.pinyin, g1.pinyin}
		if r.IntN(100) < 65 {
			g2 := givenChars[r.IntN(len(givenChars))]
			name += g2.han
			py = append(py, g2.pinyin)
		}
		ct := crm.Contact{ID: b.ids.next(at), Name: name, Title: titles[ti].title, Primary: k == 0}
		switch titles[ti].role {
		case "D":
			ct.Role = crm.ContactRoleDecisionMaker
		case "I":
			ct.Role = crm.ContactRoleInfluencer
		default:
			ct.Role = crm.ContactRoleUser
		}
		if r.IntN(100) < 92 {
			ct.Phone = mobile(r)
		}
		if r.IntN(100) < 80 {
			ct.Email = b.email(py)
		}
		if r.IntN(100) < 65 {
			ct.WeChat = wechat(r, py)
		}
		if r.IntN(100) < 50 {
			ct.CommPreference = pick(r, contactPrefs)
		}
		if r.IntN(100) < 55 {
			ct.BestTime = pick(r, bestTimes)
		}
		c.Contacts = append(c.Contacts, ct)
	}
	c.CommPreference = c.Contacts[0].CommPreference
}

func mobile(r *rand.Rand) string {
	var b [11]byte
	copy(b[:], pick(r, mobilePrefixes))
	for i := 3; i < 11; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b[:])
}

func (b *builder) email(py []string) string {
	r := b.r
	given := strings.Join(py[1:], "")
	var local string
	switch r.IntN(5) {
	case 0:
		local = py[0] + given
	case 1:
		local = py[0] + "." + given
	case 2:
		local = given + "." + py[0]
	case 3:
		local = py[0] + initials(py[1:])
	default:
		local = initials(py) + strconv.Itoa(10+r.IntN(90))
	}
	switch f := r.IntN(100); {
	case f < 75:
		return local + "@" + b.domain
	case f < 85:
		return strconv.Itoa(10000+r.IntN(2_000_000_000-10000)) + "@qq.com"
	case f < 95:
		return py[0] + given + strconv.Itoa(r.IntN(1000)) + "@163.com"
	}
	return local + "@126.com"
}

func initials(py []string) string {
	var s strings.Builder
	for _, p := range py {
		s.WriteByte(p[0])
	}
	return s.String()
}

func wechat(r *rand.Rand, py []string) string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	if r.IntN(3) == 0 {
		var b [16]byte
		copy(b[:], "wxid_")
		for i := 5; i < len(b); i++ {
			b[i] = alnum[r.IntN(len(alnum))]
		}
		return string(b[:])
	}
	s := strings.Join(py, "")
	if r.IntN(2) == 0 {
		s += "_"
	}
	return s + strconv.Itoa(r.IntN(10000))
}

// needs adds one to four current or potential needs.
func (b *builder) needs() {
	r, c, now := b.r, b.c, b.g.now
	n := 1 + pickW(r, []weighted[int]{{0, 45}, {1, 30}, {2, 17}, {3, 8}})
	var seen []string
	last := max(b.sk.created, min(now, b.end))
	for k := range n {
		nd := crm.Need{Kind: crm.NeedKindCurrent, Type: c.NeedType}
		var opened int64
		if k == 0 {
			opened = workTime(r, between(r, b.sk.created, min(now, b.sk.created+3*day)), b.sk.created, now)
		} else {
			if r.IntN(100) < 60 {
				nd.Kind = crm.NeedKindPotential
			}
			if r.IntN(2) == 0 {
				nd.Type = []crm.NeedType{crm.NeedTypeProduct, crm.NeedTypeService, crm.NeedTypeSolution}[r.IntN(3)]
			}
			opened = workTime(r, between(r, b.sk.created, last), b.sk.created, last)
		}
		for {
			nd.Title = pick(r, needTitles[string(nd.Type)])
			if !slices.Contains(seen, nd.Title) {
				break
			}
		}
		seen = append(seen, nd.Title)
		nd.ID = b.ids.next(unix(opened))
		nd.OpenedAt = unix(opened)
		nd.Priority = pickW(r, []weighted[crm.Priority]{{crm.PriorityHigh, 30}, {crm.PriorityMedium, 45}, {crm.PriorityLow, 25}})
		switch nd.Priority {
		case crm.PriorityHigh:
			nd.Important, nd.Urgent = true, r.IntN(100) < 60
		case crm.PriorityMedium:
			nd.Important, nd.Urgent = r.IntN(100) < 60, r.IntN(100) < 30
		default:
			nd.Important, nd.Urgent = r.IntN(100) < 20, r.IntN(100) < 10
		}
		nd.Status = b.needStatus()
		if nd.Status == crm.NeedStatusResolved {
			res := workTime(r, opened+between(r, 7*day, 120*day), opened+hour, now)
			if res > now || res <= opened {
				res = opened + (now-opened)/2
			}
			t := unix(res)
			nd.ResolvedAt = &t
		}
		// Needs still open of a customer still followed up mostly moved
		// within the last fortnight (the seeds: a need without progress for
		// two weeks is a risk).
		if !nd.Status.Closed() && b.lost == 0 && r.IntN(100) < 85 {
			lo := max(opened, now-13*day)
			if lo < now {
				t := unix(between(r, lo, now))
				nd.UpdatedAt = &t
			}
		}
		if r.IntN(100) < 65 {
			lo := roundYuan(b.spend*(0.3+0.5*r.Float64()), 1000)
			hi := roundYuan(float64(lo)*(1.2+0.8*r.Float64()), 1000)
			mlo, mhi := crm.Money(lo*100), crm.Money(hi*100)
			nd.BudgetMin, nd.BudgetMax = &mlo, &mhi
		}
		if r.IntN(100) < 70 {
			d := crm.DateOf(unix(opened+between(r, 30*day, 180*day)), crm.DefaultLocation)
			nd.ExpectedOn = &d
		}
		c.Needs = append(c.Needs, nd)
	}
}

func roundYuan(y float64, step float64) int64 {
	return int64(max(step, math.Round(y/step)*step))
}

func (b *builder) needStatus() crm.NeedStatus {
	type w = weighted[crm.NeedStatus]
	o, p, res, ab := crm.NeedStatusOpen, crm.NeedStatusInProgress, crm.NeedStatusResolved, crm.NeedStatusAbandoned
	switch b.sk.stage {
	case crm.StagePotential, crm.StageContacted:
		return pickW(b.r, []w{{o, 70}, {p, 30}})
	case crm.StageNeedsConfirmed, crm.StageProposal, crm.StageNegotiation:
		return pickW(b.r, []w{{o, 30}, {p, 60}, {res, 5}, {ab, 5}})
	case crm.StageWon, crm.StageAfterSales:
		return pickW(b.r, []w{{o, 15}, {p, 25}, {res, 55}, {ab, 5}})
	}
	return pickW(b.r, []w{{o, 20}, {res, 10}, {ab, 70}})
}

// satisfaction adds survey results for customers: the first a few weeks
// after signing, then about quarterly. Scores cluster between 70 and 95;
// unhappy customers score lower.
func (b *builder) satisfaction() {
	if b.won == 0 {
		return
	}
	r, now := b.r, b.g.now
	hi := now
	if b.lost != 0 {
		hi = b.lost
	}
	base := 85 + 5*r.NormFloat64()
	if b.atRisk {
		base = 66 + 8*r.NormFloat64()
	}
	t := b.won + between(r, 20*day, 40*day)
	for k := 0; k < 8 && t <= hi; k++ {
		if k == 0 || r.IntN(100) < 75 {
			at := workTime(r, t, b.won+day, hi)
			score := int(math.Round(base + 5*r.NormFloat64()))
			score = max(0, min(100, score))
			s := crm.Satisfaction{ID: b.ids.next(unix(at)), At: unix(at), Score: score}
			if r.IntN(100) < 70 {
				s.Comment = pick(r, satisfactionComments[satisfactionBand(score)])
			}
			b.c.Satisfaction = append(b.c.Satisfaction, s)
		}
		if b.after == 0 {
			break
		}
		t += between(r, 80*day, 100*day)
	}
	slices.SortStableFunc(b.c.Satisfaction, func(x, y crm.Satisfaction) int { return x.At.Compare(y.At) })
}

// labels sets the type, intent grade, tags and notes.
func (b *builder) labels() {
	r, c, now := b.r, b.c, b.g.now
	switch {
	case r.IntN(100) < 8:
		c.Type = crm.CustomerTypeChannel
	case len(c.Deals) > 0 && c.Deals[0].Date.Before(unix(now-180*day)):
		c.Type = crm.CustomerTypeExisting
	default:
		c.Type = crm.CustomerTypeNew
	}
	type w = weighted[crm.Tier]
	A, B, C := crm.TierA, crm.TierB, crm.TierC
	switch c.Stage {
	case crm.StagePotential:
		c.IntentGrade = pickW(r, []w{{A, 15}, {B, 35}, {C, 50}})
	case crm.StageContacted:
		c.IntentGrade = pickW(r, []w{{A, 20}, {B, 45}, {C, 35}})
	case crm.StageNeedsConfirmed:
		c.IntentGrade = pickW(r, []w{{A, 35}, {B, 50}, {C, 15}})
	case crm.StageLost:
		c.IntentGrade = pickW(r, []w{{A, 5}, {B, 25}, {C, 70}})
	default:
		c.IntentGrade = pickW(r, []w{{A, 58}, {B, 37}, {C, 5}})
	}

	prospect := slices.Index(pipeline, c.Stage) >= 0 && slices.Index(pipeline, c.Stage) < 5
	last := c.CreatedAt
	var lastComplaint int64
	for _, in := range c.Interactions {
		last = in.At
		if in.KeyEvent == crm.KeyEventComplaint {
			lastComplaint = in.At.Unix()
		}
	}
	add := func(cond bool, tag string) {
		if cond {
			c.Tags = append(c.Tags, tag)
		}
	}
	add(prospect && c.IntentGrade == crm.TierA, "高意向")
	add(r.IntN(100) < 30 || c.Stage == crm.StageNegotiation && r.IntN(100) < 30, "价格敏感型")
	add(r.IntN(100) < 25 || (c.Industry == "信息技术服务业" || c.Industry == "制造业") && r.IntN(100) < 15, "技术优先型")
	add(lastComplaint != 0 && lastComplaint > now-180*day && c.Stage != crm.StageLost, "投诉风险")
	add(c.ValueTier == crm.TierA && c.Stage == crm.StageAfterSales && b.won < now-365*day, "战略合作")
	add(c.Stage != crm.StageLost && c.Stage != crm.StagePotential && last.Unix() < now-90*day, "沉睡客户")
	add(c.Type == crm.CustomerTypeChannel, "渠道合作")
	add((c.Stage == crm.StageProposal || c.Stage == crm.StageNegotiation) && r.IntN(100) < 25, "重点跟进")
	add(c.Source == "转介绍", "老客户转介绍")

	var s strings.Builder
	if r.IntN(100) < 60 {
		s.WriteString("决策链：")
		s.WriteString(pick(r, decisionChains))
		s.WriteString("。")
	}
	switch c.Source {
	case "展会":
		s.WriteString(strconv.Itoa(c.CreatedAt.In(crm.DefaultLocation).Year()))
		s.WriteString("年")
		s.WriteString(pick(r, expos))
		s.WriteString("现场登记的线索。")
	case "转介绍":
		s.WriteString(b.referrer())
	case "官网注册":
		s.WriteString("官网注册试用后转入销售跟进。")
	case "广告投放":
		s.WriteString("通过搜索广告留资。")
	case "电话咨询":
		s.WriteString("客户主动来电咨询。")
	case "线上咨询":
		s.WriteString("通过官网在线客服咨询。")
	}
	switch c.ValueTier {
	case crm.TierA:
		s.WriteString("A类客户，由资深客户经理跟进，每月深度沟通1次，每周1次电话沟通。")
	case crm.TierB:
		s.WriteString("B类客户，每两周1次邮件反馈，分享行业案例及产品资料。")
	case crm.TierC:
		s.WriteString("C类客户，每月跟进1次，节日问候+产品动态。")
	}
	if c.Stage == crm.StageLost {
		s.WriteString(pick(r, lostNotes))
		s.WriteString(pick(r, lossReasons))
		s.WriteString("。")
	}
	if r.IntN(100) < 25 {
		s.WriteString(pick(r, []string{"年底有预算，明年一季度启动采购。", "需关注竞品动态，对方正在接触客户。",
			"客户计划明年新开10家门店。", "客户正在推进数字化转型，IT预算逐年增加。", "财务审批流程较长，付款需提前沟通。"}))
	}
	c.Notes = s.String()
}

// referrer names an earlier customer who recommended this one.
func (b *builder) referrer() string {
	for range 10 {
		if b.idx == 0 {
			break
		}
		j := b.r.IntN(b.idx)
		if st := b.g.skel[j].stage; st == crm.StageAfterSales || st == crm.StageWon {
			return "由老客户" + b.g.skel[j].name + "推荐。"
		}
	}
	return "由合作伙伴推荐。"
}

// finish archives a few long-lost customers and sets the update stamp.
func (b *builder) finish() {
	r, c, now := b.r, b.c, b.g.now
	updated := c.CreatedAt
	later := func(t time.Time) {
		if t.After(updated) {
			updated = t
		}
	}
	for _, in := range c.Interactions {
		later(in.At)
	}
	for _, nd := range c.Needs {
		later(nd.OpenedAt)
		if nd.ResolvedAt != nil {
			later(*nd.ResolvedAt)
		}
		if nd.UpdatedAt != nil {
			later(*nd.UpdatedAt)
		}
	}
	for _, s := range c.Satisfaction {
		later(s.At)
	}
	for _, sr := range c.ServiceRequests {
		for _, h := range sr.History {
			later(h.At)
		}
	}
	for _, h := range c.StageHistory {
		later(h.At)
	}
	for _, h := range c.TierHistory {
		// A tier falls when a deal leaves the 12-month window: the rules
		// change it then, and no one writes the customer.
		if falls := h.From != "" && h.To > h.From; !falls {
			later(h.At)
		}
	}
	// Records are written by the owner (by whoever created an unowned
	// customer), so that the role rules on changing others' records apply
	// to the demo as to real data. No random draw: the rest stays as it was.
	author := cmp.Or(b.owner, c.CreatedBy)
	for i := range c.Needs {
		c.Needs[i].CreatedBy = author
		if c.Needs[i].UpdatedAt != nil {
			c.Needs[i].UpdatedBy = author
		}
	}
	for i := range c.Deals {
		c.Deals[i].CreatedBy = author
	}
	for i := range c.Satisfaction {
		c.Satisfaction[i].CreatedBy = author
	}
	c.UpdatedBy = c.CreatedBy
	if b.owner != "" && updated.After(c.CreatedAt) {
		c.UpdatedBy = b.owner
	}
	if b.lost != 0 && b.lost+60*day < now && r.IntN(100) < 30 {
		lo := max(b.lost+60*day, updated.Unix()+day)
		if lo < now {
			at := unix(workTime(r, between(r, lo, min(now, b.lost+240*day)), lo, now))
			c.ArchivedAt = &at
			later(at)
			c.UpdatedBy = b.g.team.manager
		}
	}
	c.UpdatedAt = updated
	c.Recompute()
	b.g.rules.Keep(c, crm.DefaultLocation)
	if done := b.reviews(); done.After(c.UpdatedAt) {
		c.UpdatedAt, c.UpdatedBy = done, cmp.Or(c.OwnerID, c.UpdatedBy)
		b.g.rules.Keep(c, crm.DefaultLocation)
	}
}

// reviews marks done the scheduled classification reviews (seed 003's
// 评估周期) that the team did before now, each within a few days of its
// due time (before or after: some on time, some late; one in seven left to
// close itself), so that only the latest are open; it returns when the
// last was done (zero: none).
func (b *builder) reviews() time.Time {
	c, r, now := b.c, b.r, b.g.now
	var last time.Time
	for range 60 {
		var open *crm.Task
		for i := range c.Tasks {
			if t := &c.Tasks[i]; t.Open() && t.Kind == crm.TaskReview && strings.HasPrefix(t.Key, "scheduled:") {
				open = t
			}
		}
		if open == nil {
			break
		}
		due := open.Due.Unix()
		done := workTime(r, due+between(r, -2*day, 4*day), due-2*day, now)
		if done >= now-2*day || (due >= now-10*day && r.IntN(100) < 40) {
			break // recent: still to do
		}
		at := unix(done)
		// The follow-up opened it now (the demo's clock); it was opened at
		// the start of its day, or when it was done if that came first.
		y, m, d := open.Due.In(crm.DefaultLocation).Date()
		open.CreatedAt = time.Date(y, m, d, 0, 0, 0, 0, crm.DefaultLocation).UTC()
		if at.Before(open.CreatedAt) {
			open.CreatedAt = at
		}
		open.Status, open.ClosedAt, open.ClosedBy = crm.TaskDone, &at, cmp.Or(c.OwnerID, b.g.team.manager)
		if done%7 == 0 { // now and then the owner let it be and a later one replaced it
			open.Status, open.ClosedBy = crm.TaskClosed, ""
		}
		last = at
		followup.Sync(c, unix(now), crm.DefaultLocation)
	}
	return last
}

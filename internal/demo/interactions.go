package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Mean interaction counts per stage, before the tier and age factors.
var stageInteractions = map[crm.Stage]float64{
	crm.StagePotential: 11, crm.StageContacted: 25, crm.StageNeedsConfirmed: 42, crm.StageProposal: 55,
	crm.StageNegotiation: 65, crm.StageWon: 70, crm.StageAfterSales: 92, crm.StageLost: 38,
}

// Phases of the pipeline pick the texts of an interaction.
const (
	phaseEarly = iota
	phaseNeeds
	phaseProposal
	phaseNegotiation
	phaseOnboarding // the first two months after signing
	phaseCustomer
	phaseLost
)

func phaseOf(s crm.Stage) int {
	switch s {
	case crm.StagePotential, crm.StageContacted:
		return phaseEarly
	case crm.StageNeedsConfirmed:
		return phaseNeeds
	case crm.StageProposal:
		return phaseProposal
	case crm.StageNegotiation:
		return phaseNegotiation
	case crm.StageWon, crm.StageAfterSales:
		return phaseCustomer
	}
	return phaseLost
}

// stageAt is the stage the customer was in at time t.
func (b *builder) stageAt(t int64) crm.Stage {
	s := b.c.StageHistory[0].To
	for i, at := range b.stageTimes {
		if at > t {
			break
		}
		s = b.c.StageHistory[i].To
	}
	return s
}

var channelMix = [...][]weighted[crm.InteractionChannel]{
	phaseEarly: {{crm.ChannelPhone, 35}, {crm.ChannelWeChat, 25}, {crm.ChannelEmail, 15}, {crm.ChannelOnline, 8},
		{crm.ChannelLivestream, 8}, {crm.ChannelVisit, 5}, {crm.ChannelMeeting, 2}, {crm.ChannelOther, 2}},
	phaseNeeds: {{crm.ChannelPhone, 25}, {crm.ChannelVisit, 20}, {crm.ChannelMeeting, 15}, {crm.ChannelOnline, 15},
		{crm.ChannelWeChat, 15}, {crm.ChannelEmail, 10}},
	phaseCustomer: {{crm.ChannelPhone, 25}, {crm.ChannelWeChat, 25}, {crm.ChannelOnline, 15}, {crm.ChannelVisit, 15},
		{crm.ChannelEmail, 10}, {crm.ChannelMeeting, 8}, {crm.ChannelOther, 2}},
	phaseLost: {{crm.ChannelPhone, 50}, {crm.ChannelWeChat, 30}, {crm.ChannelEmail, 20}},
}

func channelFor(r *rand.Rand, phase int) crm.InteractionChannel {
	switch phase {
	case phaseProposal, phaseNegotiation:
		phase = phaseNeeds
	case phaseOnboarding:
		phase = phaseCustomer
	}
	return pickW(r, channelMix[phase])
}

// Kinds of planned interactions.
const (
	slotRegular = iota
	slotFirst
	slotDeal
	slotComplaint
	slotReferral
	slotWinBack
)

// slot is a planned interaction: when, and what kind. Slots are sorted
// (cheaply) before the interactions are written, so the interactions come
// out in time order and their ids ascend with time.
type slot struct {
	at   int64
	kind int
	ref  int // deal index
}

// interactions writes the contact history: a first contact soon after the
// record was created, key events at the deals (SIGNED, RENEWED), complaints
// and referrals, and regular follow-ups in between.
func (b *builder) interactions() {
	r, c, now := b.r, b.c, b.g.now
	created := b.sk.created
	plan := make([]slot, 0, 64)

	// Key events.
	for i, p := range b.deals {
		plan = append(plan, slot{at: p.at, kind: slotDeal, ref: i})
	}
	if b.won != 0 && b.after != 0 {
		b.atRisk = r.IntN(100) < 20 || b.churned && r.IntN(100) < 60
		nComplaints := 0
		switch {
		case b.atRisk:
			nComplaints = 1 + r.IntN(3)
		case r.IntN(100) < 10:
			nComplaints = 1
		}
		hi := min(b.end, now)
		if b.churned {
			hi = b.lost - day
		}
		for range nComplaints {
			plan = append(plan, slot{at: workTime(r, between(r, b.won+7*day, hi), b.won+7*day, hi), kind: slotComplaint})
		}
		if !b.atRisk && !b.churned && r.IntN(100) < 20 && hi > b.after+30*day {
			plan = append(plan, slot{at: workTime(r, between(r, b.after+30*day, hi), b.after+30*day, hi), kind: slotReferral})
		}
	}

	// Regular follow-ups.
	mean := stageInteractions[b.sk.stage]
	// The seeds' cadence: A weekly, B every two weeks, C monthly; leads
	// (tier C without a deal yet) are courted at the stage's pace.
	switch {
	case len(b.deals) == 0:
	case c.ValueTier == crm.TierA:
		mean *= 1.5
	case c.ValueTier == crm.TierB:
		mean *= 1.05
	case c.ValueTier == crm.TierC:
		mean *= 0.65
	}
	activeDays := float64(b.end-created) / float64(day)
	mean *= min(1, (activeDays+30)/150)
	n := int(math.Round(mean * (0.5 + r.Float64())))
	if b.sk.stage == crm.StagePotential && r.IntN(100) < 15 {
		n = 0 // just registered, nobody called yet
	} else if b.sk.stage != crm.StagePotential {
		n = max(n, 1)
	}
	n = max(0, min(n, 120-len(plan)))
	for k := range n {
		if k == 0 {
			plan = append(plan, slot{at: workTime(r, created+between(r, 10*minute, 2*day), created+10*minute, min(b.end, now)), kind: slotFirst})
		} else {
			plan = append(plan, slot{at: workTime(r, between(r, created+10*minute, b.end), created+10*minute, b.end)})
		}
	}
	// After being lost, a few win-back attempts.
	if b.lost != 0 && r.IntN(100) < 35 {
		for range 1 + r.IntN(2) {
			hi := min(now, b.lost+55*day)
			plan = append(plan, slot{at: workTime(r, between(r, b.lost+day, hi), b.lost+day, hi), kind: slotWinBack})
		}
	}
	slices.SortStableFunc(plan, func(x, y slot) int { return cmp.Compare(x.at, y.at) })
	// The earliest follow-up is the first contact, wherever it was drawn.
	first := -1
	for i := range plan {
		if k := plan[i].kind; k == slotFirst || k == slotRegular {
			plan[i].kind = slotRegular
			if first < 0 {
				first = i
			}
		}
	}
	if first >= 0 {
		plan[first].kind = slotFirst
	}

	list := make([]crm.Interaction, len(plan))
	for i, p := range plan {
		in := &list[i]
		switch p.kind {
		case slotDeal:
			b.interaction(in, p.at, pickW(r, []weighted[crm.InteractionChannel]{{crm.ChannelVisit, 50}, {crm.ChannelMeeting, 30}, {crm.ChannelOnline, 20}}))
			pd := &b.deals[p.ref]
			d := pd.deals[0]
			if pd.renewal {
				in.KeyEvent = crm.KeyEventRenewed
				in.Summary = "续签" + strings.TrimSuffix(d.Product, "（续费）") + "，合同金额" + wan(d.Amount) + "。"
			} else {
				in.KeyEvent = crm.KeyEventSigned
				in.Summary = "签订" + d.Product + "合同，合同金额" + wan(d.Amount)
				if len(pd.deals) > 1 {
					in.Summary += "，另购" + pd.deals[1].Product
				}
				in.Summary += "。"
			}
			in.Result = "合同已盖章回传，进入交付流程"
		case slotComplaint:
			b.interaction(in, p.at, pickW(r, []weighted[crm.InteractionChannel]{{crm.ChannelPhone, 50}, {crm.ChannelWeChat, 30}, {crm.ChannelEmail, 20}}))
			in.KeyEvent = crm.KeyEventComplaint
			in.Summary = pick(r, complaints)
			in.Result = pick(r, complaintResults)
			in.NextAction = b.nextAction(p.at, "回访确认问题解决情况")
		case slotReferral:
			b.interaction(in, p.at, channelFor(r, phaseCustomer))
			in.KeyEvent = crm.KeyEventReferral
			in.Summary = pick(r, referrals)
		case slotWinBack:
			b.interaction(in, p.at, channelFor(r, phaseLost))
			b.compose(in, phaseLost, false)
		default:
			phase := phaseOf(b.stageAt(p.at))
			if phase == phaseCustomer && p.at < b.won+60*day {
				phase = phaseOnboarding
			}
			b.interaction(in, p.at, channelFor(r, phase))
			b.compose(in, phase, p.kind == slotFirst)
		}
		in.ID = b.ids.next(in.At)
	}
	// The latest follow-up of an active customer asks for the next step.
	if k := len(list) - 1; k >= 0 && b.lost == 0 && list[k].NextAction == nil && r.IntN(100) < 60 {
		list[k].NextAction = b.nextAction(list[k].At.Unix(), pick(r, actions[phaseOf(c.Stage)]))
	}
	c.Interactions = list
}

// interaction starts an interaction at t through ch, with the owner taking
// part and one or two of the customer's contacts.
func (b *builder) interaction(in *crm.Interaction, t int64, ch crm.InteractionChannel) {
	r, c := b.r, b.c
	*in = crm.Interaction{At: unix(t), Channel: ch, CreatedBy: b.owner, RecordedAt: recordedAt(t, b.g.now)}
	if in.CreatedBy == "" {
		in.CreatedBy = b.g.team.manager
	}
	if b.owner != "" {
		in.Participants = []string{b.owner}
	}
	ci := 0
	if len(c.Contacts) > 1 && r.IntN(100) < 45 {
		ci = r.IntN(len(c.Contacts))
	}
	in.ContactIDs = []string{c.Contacts[ci].ID}
	if (ch == crm.ChannelMeeting || ch == crm.ChannelVisit) && len(c.Contacts) > 1 && r.IntN(100) < 40 {
		if cj := r.IntN(len(c.Contacts)); cj != ci {
			in.ContactIDs = append(in.ContactIDs, c.Contacts[cj].ID)
		}
	}
	switch ch {
	case crm.ChannelPhone:
		in.DurationMin = 5 + r.IntN(26)
	case crm.ChannelVisit:
		in.DurationMin = 60 + 15*r.IntN(9)
	case crm.ChannelMeeting:
		in.DurationMin = 30 + 15*r.IntN(7)
	case crm.ChannelOnline:
		in.DurationMin = 30 + 10*r.IntN(7)
	case crm.ChannelWeChat:
		in.DurationMin = 5 + r.IntN(16)
	case crm.ChannelLivestream:
		in.DurationMin = 45 + 15*r.IntN(6)
	case crm.ChannelOther:
		in.DurationMin = 20 + 10*r.IntN(6)
	}
	if r.IntN(100) < 70 {
		in.Feedback = pick(r, feedbacks)
	}
}

// compose writes the texts of a regular follow-up.
func (b *builder) compose(in *crm.Interaction, phase int, first bool) {
	r := b.r
	s := b.buf[:0]
	if first {
		s = append(s, "首次接触，"...)
	}
	op := pick(r, openers[string(in.Channel)])
	if i := strings.Index(op, "{c}"); i >= 0 {
		s = append(s, op[:i]...)
		s = append(s, b.titleOf(in.ContactIDs[0])...)
		s = append(s, op[i+3:]...)
	} else {
		s = append(s, op...)
	}
	s = append(s, "，"...)
	body := pick(r, bodies[phase])
	s = b.fill(s, body)
	if second := pick(r, bodies[phase]); second != body && r.IntN(100) < 55 {
		s = append(s, "；"...)
		s = b.fill(s, second)
	}
	s = append(s, "。"...)
	if phase != phaseLost && r.IntN(100) < 35 {
		s = append(s, "需求变化："...)
		s = b.fill(s, pick(r, needChanges))
		s = append(s, "。"...)
	}
	if phase != phaseEarly && r.IntN(100) < 35 {
		s = append(s, "我方回应："...)
		s = append(s, pick(r, responses)...)
		s = append(s, "。"...)
	}
	in.Summary = string(s)
	b.buf = s
	if in.Feedback != "" && r.IntN(100) < 30 {
		if f := pick(r, feedbacks); f != in.Feedback {
			in.Feedback += "；" + f
		}
	}
	if r.IntN(100) < 90 {
		in.Result = pick(r, results[phase])
	}
	if r.IntN(100) < 35 {
		in.NextAction = b.nextAction(in.At.Unix(), pick(r, actions[phase]))
	}
}

func (b *builder) titleOf(contactID string) string {
	for _, ct := range b.c.Contacts {
		if ct.ID == contactID {
			return ct.Title
		}
	}
	return "客户"
}

// fill appends tmpl to s with its placeholders replaced.
func (b *builder) fill(s []byte, tmpl string) []byte {
	r := b.r
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 || i+2 >= len(tmpl) {
			return append(s, tmpl...)
		}
		s = append(s, tmpl[:i]...)
		var v string
		switch tmpl[i+1] {
		case 'p':
			v = pick(r, industries[b.sk.ind].pains)
		case 'g':
			v = pick(r, goals)
		case 'a':
			v = pick(r, aspects)
		case 'x':
			v = pick(r, mainProducts)
		case 'n':
			v = b.c.Needs[r.IntN(len(b.c.Needs))].Title
		case 'i':
			v = pick(r, issues)
		case 'f':
			v = pick(r, features)
		case 'r':
			v = pick(r, lossReasons)
		}
		s = append(s, v...)
		tmpl = tmpl[i+3:]
	}
}

// recordedAt is when an interaction at t was logged: most within a few
// hours, about one in eight a day or more late (the seeds' 24-hour rule is
// not always kept). It is drawn from t itself, not from the builder's
// random stream, so the rest of the demo data stays as it was; never after
// now.
func recordedAt(t, now int64) *time.Time {
	h := uint64(t) * 0x9E3779B97F4A7C15 >> 40
	delay := int64(h%600) * 60 // up to 10 hours
	if h%8 == 0 {
		delay = 24*hour + int64(h%4320)*60 // one to four days
	}
	at := unix(min(t+delay, max(t, now)))
	return &at
}

// nextAction asks for a follow-up two days to two weeks after t, due at
// 18:00 Beijing time: done when it is past, except a few forgotten ones.
func (b *builder) nextAction(t int64, what string) *crm.NextAction {
	r := b.r
	d := floorDiv(t+cst, day) + 2 + r.Int64N(13)
	due := d*day + 18*hour - cst
	_, month, mday := unix(due).In(crm.DefaultLocation).Date()
	s := strconv.AppendInt(b.buf[:0], int64(month), 10)
	s = append(s, "月"...)
	s = strconv.AppendInt(s, int64(mday), 10)
	s = append(s, "日前"...)
	s = append(s, what...)
	b.buf = s
	na := &crm.NextAction{
		What:    string(s),
		OwnerID: b.owner,
		// Past next actions are done, but for a few of the last three
		// weeks' (overdue: still to do).
		Done: due < b.g.now && (due < b.g.now-21*day || r.IntN(100) < 75),
	}
	utc := unix(due)
	na.Due = &utc
	return na
}

// wan formats an amount as 万元 ("12.86万元") or 元 below ten thousand.
func wan(m crm.Money) string {
	yuan := int64(m) / 100
	if yuan < 10_000 {
		return strconv.FormatInt(yuan, 10) + "元"
	}
	return strconv.FormatFloat(float64(yuan)/10_000, 'f', -1, 64) + "万元"
}

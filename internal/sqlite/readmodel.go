package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The read model holds one compact entry per customer: what lists, filters
// and aggregates read of the customer without its nested arrays (contacts,
// interactions, needs, deals, satisfaction, stage and tier histories) and
// notes, with the crm.Brief of those arrays (the fields segment filters
// read, ~32 bytes per interaction) so that filters over nested arrays run
// in memory. A crm.Customer (Partial) is built from an entry when it is
// handed out (customer, into): the struct is 1,336 bytes, mostly fields a
// read-model customer leaves empty, while an entry is 520 bytes with its
// short texts packed into one string, its repeated ones numbered
// (symbols.go), its times in Unix milliseconds (exact: BSON's precision).
// Building a customer costs a scan ~60 ns a customer (BenchmarkInto) plus
// reading the entry from memory: docs/PERFORMANCE.md, "The read model's
// entries", has what that costs lists, filters and aggregates.
// Entries are immutable once published. The search keys live in the
// snapshot's chunks.
type entry struct {
	text string           // the packed texts (txtID ...), each ending at ends[k]
	ends [numTexts]uint32 // where text k ends in text
	sym  [numSyms]uint32  // the numbered texts (symIndustry ...)
	ms   [numTimes]int64  // the times (msCreatedAt ...), Unix milliseconds

	brief         *crm.Brief // nil: the read model could not represent it (filters read the document)
	foundedOn     *time.Time // shared between entries (interner.date)
	archivedAt    *time.Time
	trend         *int // Stats.SatisfactionTrend, shared (interner.trend)
	overrides     [3]*crm.Override
	tags          []string // shared (interner.list)
	collaborators []string // shared (interner.list)
	// The match keys of the contacts: the phones, then the e-mails (from
	// phones on), substrings of text (txtPhones, txtEmails); nil for none.
	contactKeys []string
	phones      int32
	tasks       []crm.Task           // the open ones
	services    []crm.ServiceRequest // those not closed

	row          int64 // the customer's rowid (keys the text index; see texts.go)
	version      int64
	edited       int64
	ruleSet      int64
	totalAmount  crm.Money
	avg          float64
	counts       [numCounts]int32 // the Stats counts (cntInteractions ...)
	cadenceDays  int32
	matchVersion int32
}

// The packed texts of an entry. Phones and e-mails (the match keys) are
// joined by NUL, which a key never holds.
const (
	txtID = iota
	txtCode
	txtName
	txtCreditCode
	txtAddress
	txtWebsite
	txtMainBusiness
	txtMergedInto
	txtMatchName
	txtOrder
	txtPhones
	txtEmails
	numTexts
)

// The numbered texts of an entry.
const (
	symIndustry = iota
	symEmployees
	symRevenue
	symProvince
	symCity
	symSource
	symType
	symStage
	symValueTier
	symLifecycle
	symIntentGrade
	symNeedType
	symOwner
	symCommPreference
	symCreatedBy
	symUpdatedBy
	symTierSuggested
	symTierRule
	symLifecycleSuggested
	symLifecycleRule
	symCadenceSuggested
	symCadenceRule
	symIndustryOrder
	symSourceOrder
	symProvinceOrder
	symCityOrder
	numSyms
)

// The times of an entry.
const (
	msCreatedAt = iota
	msUpdatedAt
	msFirstInteractionAt
	msLastInteractionAt
	msFirstDealOn
	msLastDealOn
	msLastComplaintAt
	msNextFollowUpAt
	msClassAt
	msNextCheckAt
	numTimes
)

// The counts of an entry's Stats.
const (
	cntInteractions = iota
	cntDeals
	cntOpenNeeds
	cntComplaints
	cntSatisfaction
	cntStageRank
	cntOpenServices
	cntServiceRequests
	numCounts
)

// str returns packed text k.
func (e *entry) str(k int) string {
	start := uint32(0)
	if k > 0 {
		start = e.ends[k-1]
	}
	return e.text[start:e.ends[k]]
}

func (e *entry) id() string    { return e.str(txtID) }
func (e *entry) code() string  { return e.str(txtCode) }
func (e *entry) order() string { return e.str(txtOrder) }

// archived reports whether the customer is archived.
func (e *entry) archived() bool { return e.archivedAt != nil }

// nextCheckAt is Class.NextCheckAt.
func (e *entry) nextCheckAt() time.Time { return msTime(e.ms[msNextCheckAt]) }

// msTime is a time as decoded from BSON (UTC; the zero time stays zero).
func msTime(ms int64) time.Time {
	if ms == zeroMs { // most customers lack some of their times: no conversion
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// phoneKeys and emailKeys are the entry's match keys of its contacts:
// shared (capacity-limited, so an append copies), nil for none.
func (e *entry) phoneKeys() []string {
	if e.phones == 0 {
		return nil
	}
	return e.contactKeys[:e.phones:e.phones]
}

func (e *entry) emailKeys() []string {
	if int(e.phones) == len(e.contactKeys) {
		return nil
	}
	return e.contactKeys[e.phones:len(e.contactKeys):len(e.contactKeys)]
}

// splitKeys appends the NUL-joined keys of s to dst.
func splitKeys(dst []string, s string) []string {
	if s == "" {
		return dst
	}
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

// keyEntry is an entry holding only an id, a code and a name order key:
// a removal (snapshot.go), a cursor's position (list.go).
func keyEntry(id, code, order string) *entry {
	e := new(entry)
	var texts [numTexts]string
	texts[txtID], texts[txtCode], texts[txtOrder] = id, code, order
	e.pack(texts)
	return e
}

// customer returns a new customer of e.
func (e *entry) customer() *crm.Customer {
	c := new(crm.Customer)
	e.into(c, crm.AllParts)
	return c
}

// into fills the parts p of c with the customer of e (Partial), and its
// Brief. A scan fills one customer again and again, once for every entry,
// with the parts its filter or aggregate reads (crm.Parts: the other
// parts keep what the previous customer left), so into writes every field
// of a part, one by one (a composite literal would build the 1,336-byte
// struct on the stack and copy it), and its slices are the entry's
// (shared, never modified) or new, so that what a caller kept of the last
// customer stays as it was. TestIntoSetsEveryField checks that nothing
// of a previous customer survives in the parts built.
func (e *entry) into(c *crm.Customer, p crm.Parts) {
	t := syms.all()
	if p&crm.PartProfile != 0 {
		c.Industry = t[e.sym[symIndustry]]
		c.Size.Employees, c.Size.Revenue = t[e.sym[symEmployees]], t[e.sym[symRevenue]]
		c.Region.Province, c.Region.City = t[e.sym[symProvince]], t[e.sym[symCity]]
		c.Source = t[e.sym[symSource]]
		c.Type, c.Stage = crm.CustomerType(t[e.sym[symType]]), crm.Stage(t[e.sym[symStage]])
		c.ValueTier, c.Lifecycle = crm.Tier(t[e.sym[symValueTier]]), crm.Lifecycle(t[e.sym[symLifecycle]])
		c.CadenceDays = int(e.cadenceDays)
		c.IntentGrade, c.NeedType = crm.Tier(t[e.sym[symIntentGrade]]), crm.NeedType(t[e.sym[symNeedType]])
		c.Tags, c.OwnerID, c.Collaborators = e.tags, t[e.sym[symOwner]], e.collaborators
		c.CommPreference = t[e.sym[symCommPreference]]
		c.CreatedAt, c.UpdatedAt, c.ArchivedAt = msTime(e.ms[msCreatedAt]), msTime(e.ms[msUpdatedAt]), e.archivedAt
	}
	if p&crm.PartRecord != 0 {
		c.ID, c.Code, c.Name, c.CreditCode = e.id(), e.code(), e.str(txtName), e.str(txtCreditCode)
		c.Address, c.Website, c.FoundedOn, c.MainBusiness = e.str(txtAddress), e.str(txtWebsite), e.foundedOn, e.str(txtMainBusiness)
		c.Notes = ""
		c.Contacts, c.Interactions, c.Needs, c.Deals, c.Satisfaction = nil, nil, nil, nil, nil
		c.StageHistory, c.TierHistory, c.OwnerHistory = nil, nil, nil
		c.LifecycleHistory, c.TagHistory = nil, nil
		c.CreatedBy, c.UpdatedBy = t[e.sym[symCreatedBy]], t[e.sym[symUpdatedBy]]
		c.Version, c.Edited, c.MergedInto = e.version, e.edited, e.str(txtMergedInto)
	}
	if p&crm.PartWork != 0 {
		c.Tasks, c.ServiceRequests = e.tasks, e.services
	}
	if p&crm.PartStats != 0 {
		st := &c.Stats
		st.InteractionCount = int(e.counts[cntInteractions])
		st.FirstInteractionAt, st.LastInteractionAt = msTime(e.ms[msFirstInteractionAt]), msTime(e.ms[msLastInteractionAt])
		st.DealCount, st.TotalAmount = int(e.counts[cntDeals]), e.totalAmount
		st.FirstDealOn, st.LastDealOn = msTime(e.ms[msFirstDealOn]), msTime(e.ms[msLastDealOn])
		st.OpenNeedCount, st.ComplaintCount = int(e.counts[cntOpenNeeds]), int(e.counts[cntComplaints])
		st.LastComplaintAt = msTime(e.ms[msLastComplaintAt])
		st.SatisfactionCount, st.AvgSatisfaction, st.SatisfactionTrend = int(e.counts[cntSatisfaction]), e.avg, e.trend
		st.StageRank = int(e.counts[cntStageRank])
		st.OpenServiceCount, st.ServiceRequestCount = int(e.counts[cntOpenServices]), int(e.counts[cntServiceRequests])
		st.NextFollowUpAt = msTime(e.ms[msNextFollowUpAt])
	}
	if p&crm.PartMatch != 0 {
		m := &c.Match
		m.V, m.Name, m.Order = int(e.matchVersion), e.str(txtMatchName), e.order()
		m.Phones, m.Emails = e.phoneKeys(), e.emailKeys()
		m.IndustryOrder, m.SourceOrder = t[e.sym[symIndustryOrder]], t[e.sym[symSourceOrder]]
		m.ProvinceOrder, m.CityOrder = t[e.sym[symProvinceOrder]], t[e.sym[symCityOrder]]
	}
	if p&crm.PartClass != 0 {
		cl := &c.Class
		cl.RuleSet, cl.At, cl.NextCheckAt = e.ruleSet, msTime(e.ms[msClassAt]), msTime(e.ms[msNextCheckAt])
		cl.ValueTier.Suggested, cl.ValueTier.Rule, cl.ValueTier.Override = t[e.sym[symTierSuggested]], t[e.sym[symTierRule]], e.overrides[0]
		cl.Lifecycle.Suggested, cl.Lifecycle.Rule, cl.Lifecycle.Override = t[e.sym[symLifecycleSuggested]], t[e.sym[symLifecycleRule]], e.overrides[1]
		cl.Cadence.Suggested, cl.Cadence.Rule, cl.Cadence.Override = t[e.sym[symCadenceSuggested]], t[e.sym[symCadenceRule]], e.overrides[2]
	}
	c.Partial, c.ContactsLoaded, c.Brief = true, false, e.brief
}

// item is an entry with its search key: the lower-cased name, code and
// contact names joined by NUL, what ListQuery.Search matches.
type item struct {
	e   *entry
	key string
}

// contactName decodes only the name of a contact (for the search key of a
// customer without a brief).
type contactName struct {
	Name string `bson:"name"`
}

// leanDoc decodes the part of a customer document the read model keeps. Its
// fields carry the same names, types and bson tags as crm.Customer's (a test
// checks that every field of crm.Customer is here or deliberately dropped);
// the decoder skips the nested arrays without looking inside them, which
// makes the start-up load bound by reading the file rather than by decoding.
type leanDoc struct {
	ID             string             `bson:"_id"`
	Code           string             `bson:"code"`
	Name           string             `bson:"name"`
	CreditCode     string             `bson:"creditCode,omitempty"`
	Industry       string             `bson:"industry,omitempty"`
	Size           crm.CompanySize    `bson:"size"`
	Region         crm.Region         `bson:"region"`
	Address        string             `bson:"address,omitempty"`
	Website        string             `bson:"website,omitempty"`
	FoundedOn      *time.Time         `bson:"foundedOn,omitempty"`
	MainBusiness   string             `bson:"mainBusiness,omitempty"`
	Source         string             `bson:"source,omitempty"`
	Type           crm.CustomerType   `bson:"type"`
	Stage          crm.Stage          `bson:"stage"`
	ValueTier      crm.Tier           `bson:"valueTier,omitempty"`
	Lifecycle      crm.Lifecycle      `bson:"lifecycle,omitempty"`
	CadenceDays    int                `bson:"cadenceDays,omitempty"`
	IntentGrade    crm.Tier           `bson:"intentGrade,omitempty"`
	NeedType       crm.NeedType       `bson:"needType,omitempty"`
	Tags           []string           `bson:"tags"`
	OwnerID        string             `bson:"ownerId,omitempty"`
	Collaborators  []string           `bson:"collaborators"`
	CommPreference string             `bson:"commPreference,omitempty"`
	Stats          crm.Stats          `bson:"stats"`
	Match          crm.MatchKeys      `bson:"match"`
	Class          crm.Classification `bson:"class"`
	Tasks          []crm.Task         `bson:"tasks"` // the read model keeps the open ones
	// The read model keeps the service requests that are not closed.
	ServiceRequests []crm.ServiceRequest `bson:"serviceRequests"`
	CreatedAt       time.Time            `bson:"createdAt"`
	CreatedBy       string               `bson:"createdBy"`
	UpdatedAt       time.Time            `bson:"updatedAt"`
	UpdatedBy       string               `bson:"updatedBy"`
	Version         int64                `bson:"version"`
	Edited          int64                `bson:"edited,omitempty"`
	ArchivedAt      *time.Time           `bson:"archivedAt,omitempty"`
	MergedInto      string               `bson:"mergedInto,omitempty"`
}

// openTasks keeps the open tasks (nil for none): lists of tasks to do read
// them from the read model; closed ones are read from the documents.
func openTasks(ts []crm.Task) []crm.Task {
	var out []crm.Task
	for _, t := range ts {
		if t.Open() {
			out = append(out, t)
		}
	}
	return out
}

// unclosed keeps the service requests that are not closed (nil for none):
// the lists of requests to work on read them from the read model.
func unclosed(rs []crm.ServiceRequest) []crm.ServiceRequest {
	var out []crm.ServiceRequest
	for _, r := range rs {
		if !r.Closed() {
			out = append(out, r)
		}
	}
	return out
}

// decodeLean decodes a stored customer document into a new read-model entry
// (not yet interned) and its search key.
func decodeLean(doc []byte) (item, error) {
	e := new(entry)
	key, err := e.decode(doc, strCache{}, symCache{})
	if err != nil {
		return item{}, err
	}
	return item{e, key}, nil
}

// decode fills e from a stored customer document and returns its search
// key. Entries are always built from the stored bytes, so the read model
// holds exactly what a Get returns (millisecond times in UTC).
func (e *entry) decode(doc []byte, strs strCache, ids symCache) (key string, err error) {
	var d leanDoc
	if err := bson.Unmarshal(doc, &d); err != nil {
		return "", fmt.Errorf("decode customer: %w", err)
	}
	if d.ID == "" {
		return "", fmt.Errorf("decode customer: document without _id")
	}
	if !d.Match.Current() {
		// Keys made by older rules (or none): what FindMatches compares must
		// follow today's rules, so recompute them from the name and phones.
		var ks struct {
			Contacts []crm.Contact `bson:"contacts"`
		}
		if err := bson.Unmarshal(doc, &ks); err != nil {
			return "", fmt.Errorf("decode customer: %w", err)
		}
		d.Match = crm.MatchKeysOf(&crm.Customer{Name: d.Name, Contacts: ks.Contacts, Industry: d.Industry, Source: d.Source, Region: d.Region})
	}
	*e = entry{
		foundedOn:     d.FoundedOn,
		archivedAt:    d.ArchivedAt,
		trend:         d.Stats.SatisfactionTrend,
		overrides:     [3]*crm.Override{d.Class.ValueTier.Override, d.Class.Lifecycle.Override, d.Class.Cadence.Override},
		tags:          d.Tags,
		collaborators: d.Collaborators,
		tasks:         openTasks(d.Tasks),
		services:      unclosed(d.ServiceRequests),
		version:       d.Version,
		edited:        d.Edited,
		ruleSet:       d.Class.RuleSet,
		totalAmount:   d.Stats.TotalAmount,
		avg:           d.Stats.AvgSatisfaction,
		cadenceDays:   int32(d.CadenceDays),
		matchVersion:  int32(d.Match.V),
	}
	e.pack([numTexts]string{txtID: d.ID, txtCode: d.Code, txtName: d.Name, txtCreditCode: d.CreditCode,
		txtAddress: d.Address, txtWebsite: d.Website, txtMainBusiness: d.MainBusiness, txtMergedInto: d.MergedInto,
		txtMatchName: d.Match.Name, txtOrder: d.Match.Order,
		txtPhones: strings.Join(d.Match.Phones, "\x00"), txtEmails: strings.Join(d.Match.Emails, "\x00")})
	if n := len(d.Match.Phones) + len(d.Match.Emails); n > 0 {
		e.contactKeys = splitKeys(splitKeys(make([]string, 0, n), e.str(txtPhones)), e.str(txtEmails))
		e.phones = int32(len(d.Match.Phones))
	}
	e.sym = [numSyms]uint32{
		symIndustry: ids.id(d.Industry), symEmployees: ids.id(d.Size.Employees), symRevenue: ids.id(d.Size.Revenue),
		symProvince: ids.id(d.Region.Province), symCity: ids.id(d.Region.City), symSource: ids.id(d.Source),
		symType: ids.id(string(d.Type)), symStage: ids.id(string(d.Stage)), symValueTier: ids.id(string(d.ValueTier)),
		symLifecycle: ids.id(string(d.Lifecycle)), symIntentGrade: ids.id(string(d.IntentGrade)),
		symNeedType: ids.id(string(d.NeedType)), symOwner: ids.id(d.OwnerID), symCommPreference: ids.id(d.CommPreference),
		symCreatedBy: ids.id(d.CreatedBy), symUpdatedBy: ids.id(d.UpdatedBy),
		symTierSuggested: ids.id(d.Class.ValueTier.Suggested), symTierRule: ids.id(d.Class.ValueTier.Rule),
		symLifecycleSuggested: ids.id(d.Class.Lifecycle.Suggested), symLifecycleRule: ids.id(d.Class.Lifecycle.Rule),
		symCadenceSuggested: ids.id(d.Class.Cadence.Suggested), symCadenceRule: ids.id(d.Class.Cadence.Rule),
		symIndustryOrder: ids.id(d.Match.IndustryOrder), symSourceOrder: ids.id(d.Match.SourceOrder),
		symProvinceOrder: ids.id(d.Match.ProvinceOrder), symCityOrder: ids.id(d.Match.CityOrder),
	}
	st := &d.Stats
	e.ms = [numTimes]int64{msCreatedAt: d.CreatedAt.UnixMilli(), msUpdatedAt: d.UpdatedAt.UnixMilli(),
		msFirstInteractionAt: st.FirstInteractionAt.UnixMilli(), msLastInteractionAt: st.LastInteractionAt.UnixMilli(),
		msFirstDealOn: st.FirstDealOn.UnixMilli(), msLastDealOn: st.LastDealOn.UnixMilli(),
		msLastComplaintAt: st.LastComplaintAt.UnixMilli(), msNextFollowUpAt: st.NextFollowUpAt.UnixMilli(),
		msClassAt: d.Class.At.UnixMilli(), msNextCheckAt: d.Class.NextCheckAt.UnixMilli()}
	e.counts = [numCounts]int32{cntInteractions: int32(st.InteractionCount), cntDeals: int32(st.DealCount),
		cntOpenNeeds: int32(st.OpenNeedCount), cntComplaints: int32(st.ComplaintCount),
		cntSatisfaction: int32(st.SatisfactionCount), cntStageRank: int32(st.StageRank),
		cntOpenServices: int32(st.OpenServiceCount), cntServiceRequests: int32(st.ServiceRequestCount)}
	var names []contactName // for a customer without a brief
	if e.brief = readBrief(doc, strs); e.brief == nil {
		var cs struct {
			Contacts []contactName `bson:"contacts"`
		}
		if err := bson.Unmarshal(doc, &cs); err != nil {
			return "", fmt.Errorf("decode customer: %w", err)
		}
		names = cs.Contacts
	} else {
		names = make([]contactName, len(e.brief.Contacts))
		for i, ct := range e.brief.Contacts {
			names[i].Name = ct.Name
		}
	}
	var b strings.Builder
	b.Grow(len(d.Name) + len(d.Code) + 16*len(names))
	b.WriteString(d.Name)
	b.WriteByte(0)
	b.WriteString(d.Code)
	for _, ct := range names {
		b.WriteByte(0)
		b.WriteString(ct.Name)
	}
	return strings.ToLower(b.String()), nil
}

// pack stores the entry's own texts in one allocation: a dozen small
// strings cost more in headers and allocation rounding than in bytes.
func (e *entry) pack(texts [numTexts]string) {
	n := 0
	for _, s := range texts {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for k, s := range texts {
		b.WriteString(s)
		e.ends[k] = uint32(b.Len())
	}
	e.text = b.String()
}

// maxInterned bounds the strings worth interning; longer ones are free text.
const maxInterned = 64

// interner shares repeated strings of the briefs (titles, roles, user
// ids), tag and collaborator lists, founding dates and satisfaction trends
// between entries. It is owned by
// the writer: only used under Store.wmu (or by Open before the store is
// shared).
type interner struct {
	strs   map[string]string
	trends map[int]*int
	lists  map[string][]string
	times  map[time.Time]*time.Time
	buf    []byte
}

var emptyList = []string{}

func newInterner() *interner {
	return &interner{strs: make(map[string]string), trends: make(map[int]*int), lists: make(map[string][]string),
		times: make(map[time.Time]*time.Time)}
}

func (in *interner) str(s string) string {
	if s == "" || len(s) > maxInterned {
		return s
	}
	if v, ok := in.strs[s]; ok {
		return v
	}
	// A copy, so that the map never pins a larger allocation s is part of.
	s = strings.Clone(s)
	in.strs[s] = s
	return s
}

// list returns a shared copy of l (nil and empty are kept apart).
func (in *interner) list(l []string) []string {
	if l == nil {
		return nil
	}
	if len(l) == 0 {
		return emptyList
	}
	in.buf = in.buf[:0]
	for _, s := range l {
		in.buf = binary.AppendUvarint(in.buf, uint64(len(s)))
		in.buf = append(in.buf, s...)
	}
	if v, ok := in.lists[string(in.buf)]; ok {
		return v
	}
	if len(in.buf) > 4*maxInterned {
		return l
	}
	v := make([]string, len(l))
	for i, s := range l {
		v[i] = in.str(s)
	}
	in.lists[string(in.buf)] = v
	return v
}

// trend shares pointers to equal satisfaction trends.
func (in *interner) trend(p *int) *int {
	if p == nil {
		return nil
	}
	if v, ok := in.trends[*p]; ok {
		return v
	}
	in.trends[*p] = p
	return p
}

// date shares pointers to equal times (founding dates repeat).
func (in *interner) date(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	if v, ok := in.times[*t]; ok {
		return v
	}
	in.times[*t] = t
	return t
}

// entry shares e's lists, dates and the strings of its brief with other
// entries (e is not yet published; its short texts are symbols already).
func (in *interner) entry(e *entry) {
	e.foundedOn = in.date(e.foundedOn)
	e.trend = in.trend(e.trend)
	e.tags = in.list(e.tags)
	e.collaborators = in.list(e.collaborators)
	if b := e.brief; b != nil {
		for i := range b.Contacts {
			x := &b.Contacts[i]
			x.Title = in.str(x.Title)
			x.Role = crm.ContactRole(in.str(string(x.Role)))
		}
		for i := range b.Interactions {
			b.Interactions[i].CreatedBy = in.str(b.Interactions[i].CreatedBy)
		}
		for i := range b.Needs {
			x := &b.Needs[i]
			x.Title = in.str(x.Title)
			x.Kind = crm.NeedKind(in.str(string(x.Kind)))
			x.Type = crm.NeedType(in.str(string(x.Type)))
			x.Priority = crm.Priority(in.str(string(x.Priority)))
			x.Status = crm.NeedStatus(in.str(string(x.Status)))
		}
		for i := range b.Deals {
			b.Deals[i].Product = in.str(b.Deals[i].Product)
		}
	}
}

func compareItems(a, b item) int { return strings.Compare(a.e.id(), b.e.id()) }

// sortUnique sorts items by id and keeps the last of items with equal ids
// (the last write of a batch wins, as in the database).
func sortUnique(items []item) []item {
	slices.SortStableFunc(items, compareItems)
	out := items[:0]
	for i, it := range items {
		if i+1 < len(items) && items[i+1].e.id() == it.e.id() {
			continue
		}
		out = append(out, it)
	}
	return out
}

// loadReadModel decodes every customer into the first snapshot. The rowid
// range is split among workers, each reading and decoding its part on its
// own connection, so reading and decoding both use every core. It returns
// the number of customers and the entries whose match keys it recomputed
// (staleMatchKeys), for writeBackMatchKeys.
func (s *Store) loadReadModel(workers int) (int, []*entry, error) {
	ctx := context.Background()
	var lo, hi sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, "SELECT min(rowid), max(rowid) FROM customers").Scan(&lo, &hi); err != nil {
		return 0, nil, fmt.Errorf("sqlite: load customers: %w", err)
	}
	if !lo.Valid {
		s.snap.Store(newSnapshot(nil))
		return 0, nil, nil
	}
	span := (hi.Int64 - lo.Int64 + int64(workers)) / int64(workers)
	parts := make([]part, workers)
	errs := make([]error, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for w := range workers {
		from := lo.Int64 + int64(w)*span
		to := min(from+span-1, hi.Int64)
		wg.Go(func() {
			if errs[w] = s.loadPart(ctx, from, to, &parts[w]); errs[w] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, nil, fmt.Errorf("sqlite: load customers: %w", err)
	}
	// The entries of each part lie in one array, in rowid order, which is
	// nearly id order: a list then scans memory almost sequentially instead
	// of chasing pointers all over the heap, and the entries cost no
	// allocation rounding.
	var all []item
	var stale []*entry
	for _, p := range parts {
		for i := range p.entries {
			all = append(all, item{&p.entries[i], p.keys[i]})
		}
		for _, i := range p.stale {
			stale = append(stale, &p.entries[i])
		}
	}
	slices.SortFunc(all, compareItems)
	for _, it := range all {
		s.intern.entry(it.e)
	}
	s.snap.Store(newSnapshot(all))
	return len(all), stale, nil
}

// part is what one start-up worker decoded: entries in one array, their
// search keys, and the indexes of those with stale match keys.
type part struct {
	entries []entry
	keys    []string
	stale   []int
}

// loadPart decodes the customers with rowids in [from, to] into p.
func (s *Store) loadPart(ctx context.Context, from, to int64, p *part) error {
	if from > to {
		return nil
	}
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM customers WHERE rowid BETWEEN ? AND ?", from, to).Scan(&n); err != nil {
		return err
	}
	p.entries, p.keys = make([]entry, 0, n), make([]string, 0, n)
	strs, ids := strCache{}, symCache{}
	rows, err := s.rdb.QueryContext(ctx, "SELECT rowid, doc FROM customers WHERE rowid BETWEEN ? AND ?", from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc sql.RawBytes
		var rowid int64
		if err := rows.Scan(&rowid, &doc); err != nil {
			return err
		}
		if len(p.entries) == cap(p.entries) { // rows added since the count: impossible while we hold the lock
			return fmt.Errorf("more customers than counted in rowids %d-%d", from, to)
		}
		p.entries = p.entries[:len(p.entries)+1]
		e := &p.entries[len(p.entries)-1]
		key, err := e.decode(doc, strs, ids)
		if err != nil {
			return fmt.Errorf("%w: customer in row %d-%d: %v", errBadDocument, from, to, err)
		}
		e.row = rowid
		p.keys = append(p.keys, key)
		if staleMatchKeys(doc) {
			p.stale = append(p.stale, len(p.entries)-1)
		}
	}
	return rows.Err()
}

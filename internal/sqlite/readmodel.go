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

// The read model holds one lean entry per customer: the customer without its
// nested arrays (contacts, interactions, needs, deals, satisfaction, stage
// and tier histories) and notes, marked Partial, with the crm.Brief of its
// contacts, interactions, needs and deals (the fields segment filters read,
// ~32 bytes per interaction) so that filters over nested arrays run in
// memory. Entries are immutable once published; the customers handed out by
// List are shared by every reader and must not be modified. The search keys
// live in the snapshot's chunks.
type entry struct {
	c   crm.Customer
	row int64 // the customer's rowid (keys the text index; see texts.go)
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
	key, err := e.decode(doc, strCache{})
	if err != nil {
		return item{}, err
	}
	return item{e, key}, nil
}

// decode fills e from a stored customer document and returns its search
// key. Entries are always built from the stored bytes, so the read model
// holds exactly what a Get returns (millisecond times in UTC).
func (e *entry) decode(doc []byte, strs strCache) (key string, err error) {
	var d leanDoc
	if err := bson.Unmarshal(doc, &d); err != nil {
		return "", fmt.Errorf("decode customer: %w", err)
	}
	if d.ID == "" {
		return "", fmt.Errorf("decode customer: document without _id")
	}
	*e = entry{c: crm.Customer{
		ID:              d.ID,
		Code:            d.Code,
		Name:            d.Name,
		CreditCode:      d.CreditCode,
		Industry:        d.Industry,
		Size:            d.Size,
		Region:          d.Region,
		Address:         d.Address,
		Website:         d.Website,
		FoundedOn:       d.FoundedOn,
		MainBusiness:    d.MainBusiness,
		Source:          d.Source,
		Type:            d.Type,
		Stage:           d.Stage,
		ValueTier:       d.ValueTier,
		Lifecycle:       d.Lifecycle,
		CadenceDays:     d.CadenceDays,
		IntentGrade:     d.IntentGrade,
		NeedType:        d.NeedType,
		Tags:            d.Tags,
		OwnerID:         d.OwnerID,
		Collaborators:   d.Collaborators,
		CommPreference:  d.CommPreference,
		Stats:           d.Stats,
		Match:           d.Match,
		Class:           d.Class,
		Tasks:           openTasks(d.Tasks),
		ServiceRequests: unclosed(d.ServiceRequests),
		CreatedAt:       d.CreatedAt,
		CreatedBy:       d.CreatedBy,
		UpdatedAt:       d.UpdatedAt,
		UpdatedBy:       d.UpdatedBy,
		Version:         d.Version,
		Edited:          d.Edited,
		ArchivedAt:      d.ArchivedAt,
		MergedInto:      d.MergedInto,
		Partial:         true,
	}}
	if !d.Match.Current() {
		// Keys made by older rules (or none): what FindMatches compares must
		// follow today's rules, so recompute them from the name and phones.
		var ks struct {
			Contacts []crm.Contact `bson:"contacts"`
		}
		if err := bson.Unmarshal(doc, &ks); err != nil {
			return "", fmt.Errorf("decode customer: %w", err)
		}
		e.c.Match = crm.MatchKeysOf(&crm.Customer{Name: d.Name, Contacts: ks.Contacts, Industry: d.Industry, Source: d.Source, Region: d.Region})
	}
	var names []contactName // for a customer without a brief
	if e.c.Brief = readBrief(doc, strs); e.c.Brief == nil {
		var cs struct {
			Contacts []contactName `bson:"contacts"`
		}
		if err := bson.Unmarshal(doc, &cs); err != nil {
			return "", fmt.Errorf("decode customer: %w", err)
		}
		names = cs.Contacts
	} else {
		names = make([]contactName, len(e.c.Brief.Contacts))
		for i, ct := range e.c.Brief.Contacts {
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
	e.pack()
	return strings.ToLower(b.String()), nil
}

// pack moves the entry's own strings (id, code, name, credit code, address,
// website, main business, name key) into one allocation: eight small strings cost
// more in allocation headers and size-class rounding than in bytes.
func (e *entry) pack() {
	c := &e.c
	fields := [...]*string{&c.ID, &c.Code, &c.Name, &c.CreditCode, &c.Address, &c.Website, &c.MainBusiness, &c.Match.Name}
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fields {
		b.WriteString(*f)
	}
	arena := b.String()
	for _, f := range fields {
		*f, arena = arena[:len(*f)], arena[len(*f):]
	}
}

// maxInterned bounds the strings worth interning; longer ones are free text.
const maxInterned = 64

// interner shares repeated strings (industries, regions, sources, enums,
// user ids) and tag and collaborator lists between entries. It is owned by
// the writer: only used under Store.wmu (or by Open before the store is
// shared).
type interner struct {
	strs  map[string]string
	keys  map[string]string // a text's order key (crm.OrderKey) by the text
	lists map[string][]string
	times map[time.Time]*time.Time
	buf   []byte
}

var emptyList = []string{}

func newInterner() *interner {
	return &interner{strs: make(map[string]string), keys: make(map[string]string), lists: make(map[string][]string),
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

// orderKey shares the order key of a text (key, made from text).
func (in *interner) orderKey(text, key string) string {
	if key == "" || len(text) > maxInterned {
		return key
	}
	if v, ok := in.keys[text]; ok && v == key {
		return v
	}
	key = strings.Clone(key)
	in.keys[in.str(text)] = key
	return key
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

// entry interns e's repeated strings in place (e is not yet published).
func (in *interner) entry(e *entry) {
	c := &e.c
	c.Industry = in.str(c.Industry)
	c.FoundedOn = in.date(c.FoundedOn)
	c.Size.Employees = in.str(c.Size.Employees)
	c.Size.Revenue = in.str(c.Size.Revenue)
	c.Region.Province = in.str(c.Region.Province)
	c.Region.City = in.str(c.Region.City)
	c.Source = in.str(c.Source)
	m := &c.Match
	m.IndustryOrder, m.SourceOrder = in.orderKey(c.Industry, m.IndustryOrder), in.orderKey(c.Source, m.SourceOrder)
	m.ProvinceOrder, m.CityOrder = in.orderKey(c.Region.Province, m.ProvinceOrder), in.orderKey(c.Region.City, m.CityOrder)
	c.Type = crm.CustomerType(in.str(string(c.Type)))
	c.Stage = crm.Stage(in.str(string(c.Stage)))
	c.ValueTier = crm.Tier(in.str(string(c.ValueTier)))
	c.Lifecycle = crm.Lifecycle(in.str(string(c.Lifecycle)))
	for _, v := range []*crm.ClassValue{&c.Class.ValueTier, &c.Class.Lifecycle, &c.Class.Cadence} {
		v.Suggested, v.Rule = in.str(v.Suggested), in.str(v.Rule)
	}
	c.IntentGrade = crm.Tier(in.str(string(c.IntentGrade)))
	c.NeedType = crm.NeedType(in.str(string(c.NeedType)))
	c.Tags = in.list(c.Tags)
	c.OwnerID = in.str(c.OwnerID)
	c.Collaborators = in.list(c.Collaborators)
	c.CommPreference = in.str(c.CommPreference)
	c.CreatedBy = in.str(c.CreatedBy)
	c.UpdatedBy = in.str(c.UpdatedBy)
	if b := c.Brief; b != nil {
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

func compareItems(a, b item) int { return strings.Compare(a.e.c.ID, b.e.c.ID) }

// sortUnique sorts items by id and keeps the last of items with equal ids
// (the last write of a batch wins, as in the database).
func sortUnique(items []item) []item {
	slices.SortStableFunc(items, compareItems)
	out := items[:0]
	for i, it := range items {
		if i+1 < len(items) && items[i+1].e.c.ID == it.e.c.ID {
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
	strs := strCache{}
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
		key, err := e.decode(doc, strs)
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

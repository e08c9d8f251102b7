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
// and tier histories) and notes, marked Partial, plus the lower-cased search
// key. Entries are immutable once published; the customers handed out by
// List are shared by every reader and must not be modified.
type entry struct {
	c crm.Customer
	// key is the lower-cased name, code and contact names, joined by NUL:
	// what ListQuery.Search matches.
	key string
}

// contactName decodes only the name of a contact (for the search key).
type contactName struct {
	Name string `bson:"name"`
}

// leanDoc decodes the part of a customer document the read model keeps. Its
// fields carry the same names, types and bson tags as crm.Customer's (a test
// checks that every field of crm.Customer is here or deliberately dropped);
// the decoder skips the nested arrays without looking inside them, which
// makes the start-up load bound by reading the file rather than by decoding.
type leanDoc struct {
	ID             string           `bson:"_id"`
	Code           string           `bson:"code"`
	Name           string           `bson:"name"`
	CreditCode     string           `bson:"creditCode,omitempty"`
	Industry       string           `bson:"industry,omitempty"`
	Size           crm.CompanySize  `bson:"size"`
	Region         crm.Region       `bson:"region"`
	Address        string           `bson:"address,omitempty"`
	Website        string           `bson:"website,omitempty"`
	FoundedOn      *time.Time       `bson:"foundedOn,omitempty"`
	MainBusiness   string           `bson:"mainBusiness,omitempty"`
	Source         string           `bson:"source,omitempty"`
	Type           crm.CustomerType `bson:"type"`
	Stage          crm.Stage        `bson:"stage"`
	ValueTier      crm.Tier         `bson:"valueTier,omitempty"`
	IntentGrade    crm.Tier         `bson:"intentGrade,omitempty"`
	NeedType       crm.NeedType     `bson:"needType,omitempty"`
	Tags           []string         `bson:"tags"`
	OwnerID        string           `bson:"ownerId,omitempty"`
	Collaborators  []string         `bson:"collaborators"`
	CommPreference string           `bson:"commPreference,omitempty"`
	Contacts       []contactName    `bson:"contacts"`
	Stats          crm.Stats        `bson:"stats"`
	CreatedAt      time.Time        `bson:"createdAt"`
	CreatedBy      string           `bson:"createdBy"`
	UpdatedAt      time.Time        `bson:"updatedAt"`
	UpdatedBy      string           `bson:"updatedBy"`
	Version        int64            `bson:"version"`
	ArchivedAt     *time.Time       `bson:"archivedAt,omitempty"`
}

// decodeLean decodes a stored customer document into a read-model entry (not
// yet interned). Entries are always built from the stored bytes, so the read
// model holds exactly what a Get returns (millisecond times in UTC).
func decodeLean(doc []byte) (*entry, error) {
	var d leanDoc
	if err := bson.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode customer: %w", err)
	}
	if d.ID == "" {
		return nil, fmt.Errorf("decode customer: document without _id")
	}
	e := &entry{c: crm.Customer{
		ID:             d.ID,
		Code:           d.Code,
		Name:           d.Name,
		CreditCode:     d.CreditCode,
		Industry:       d.Industry,
		Size:           d.Size,
		Region:         d.Region,
		Address:        d.Address,
		Website:        d.Website,
		FoundedOn:      d.FoundedOn,
		MainBusiness:   d.MainBusiness,
		Source:         d.Source,
		Type:           d.Type,
		Stage:          d.Stage,
		ValueTier:      d.ValueTier,
		IntentGrade:    d.IntentGrade,
		NeedType:       d.NeedType,
		Tags:           d.Tags,
		OwnerID:        d.OwnerID,
		Collaborators:  d.Collaborators,
		CommPreference: d.CommPreference,
		Stats:          d.Stats,
		CreatedAt:      d.CreatedAt,
		CreatedBy:      d.CreatedBy,
		UpdatedAt:      d.UpdatedAt,
		UpdatedBy:      d.UpdatedBy,
		Version:        d.Version,
		ArchivedAt:     d.ArchivedAt,
		Partial:        true,
	}}
	var b strings.Builder
	b.Grow(len(d.Name) + len(d.Code) + 16*len(d.Contacts))
	b.WriteString(d.Name)
	b.WriteByte(0)
	b.WriteString(d.Code)
	for _, ct := range d.Contacts {
		b.WriteByte(0)
		b.WriteString(ct.Name)
	}
	e.key = strings.ToLower(b.String())
	return e, nil
}

// maxInterned bounds the strings worth interning; longer ones are free text.
const maxInterned = 64

// interner shares repeated strings (industries, regions, sources, enums,
// user ids) and tag and collaborator lists between entries. It is owned by
// the writer: only used under Store.wmu (or by Open before the store is
// shared).
type interner struct {
	strs  map[string]string
	lists map[string][]string
	buf   []byte
}

var emptyList = []string{}

func newInterner() *interner {
	return &interner{strs: make(map[string]string), lists: make(map[string][]string)}
}

func (in *interner) str(s string) string {
	if s == "" || len(s) > maxInterned {
		return s
	}
	if v, ok := in.strs[s]; ok {
		return v
	}
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

// entry interns e's repeated strings in place (e is not yet published).
func (in *interner) entry(e *entry) {
	c := &e.c
	c.Industry = in.str(c.Industry)
	c.Size.Employees = in.str(c.Size.Employees)
	c.Size.Revenue = in.str(c.Size.Revenue)
	c.Region.Province = in.str(c.Region.Province)
	c.Region.City = in.str(c.Region.City)
	c.Source = in.str(c.Source)
	c.Type = crm.CustomerType(in.str(string(c.Type)))
	c.Stage = crm.Stage(in.str(string(c.Stage)))
	c.ValueTier = crm.Tier(in.str(string(c.ValueTier)))
	c.IntentGrade = crm.Tier(in.str(string(c.IntentGrade)))
	c.NeedType = crm.NeedType(in.str(string(c.NeedType)))
	c.Tags = in.list(c.Tags)
	c.OwnerID = in.str(c.OwnerID)
	c.Collaborators = in.list(c.Collaborators)
	c.CommPreference = in.str(c.CommPreference)
	c.CreatedBy = in.str(c.CreatedBy)
	c.UpdatedBy = in.str(c.UpdatedBy)
}

// snapshot is one immutable version of the read model.
type snapshot struct {
	// entries is sorted by id. Ids are time ordered, so new customers are
	// usually appended; see with.
	entries []*entry
}

func compareEntries(a, b *entry) int { return strings.Compare(a.c.ID, b.c.ID) }

// search returns the index of id in the snapshot, or where it would go.
func (s *snapshot) search(id string) (int, bool) {
	return slices.BinarySearchFunc(s.entries, id, func(e *entry, id string) int { return strings.Compare(e.c.ID, id) })
}

// with returns a new snapshot with es added or replacing the entries of the
// same ids; s is unchanged. es must be sorted by id without duplicates when
// it holds more than one entry.
//
// A customer added after every existing id is appended to the shared
// backing array when it has room: older snapshots only read their own
// length, and only the newest snapshot is ever extended (under the writer
// lock), so appends cost O(1) amortized instead of a copy of the slice.
func (s *snapshot) with(es []*entry) *snapshot {
	if len(es) == 1 {
		e := es[0]
		i, found := s.search(e.c.ID)
		switch {
		case found:
			n := slices.Clone(s.entries)
			n[i] = e
			return &snapshot{entries: n}
		case i == len(s.entries):
			return &snapshot{entries: append(s.entries, e)}
		default:
			n := make([]*entry, 0, len(s.entries)+1+len(s.entries)/8)
			n = append(n, s.entries[:i]...)
			n = append(n, e)
			n = append(n, s.entries[i:]...)
			return &snapshot{entries: n}
		}
	}
	// Merge two sorted lists; on equal ids the new entry wins.
	n := make([]*entry, 0, len(s.entries)+len(es))
	old := s.entries
	for len(old) > 0 && len(es) > 0 {
		switch c := compareEntries(old[0], es[0]); {
		case c < 0:
			n = append(n, old[0])
			old = old[1:]
		case c > 0:
			n = append(n, es[0])
			es = es[1:]
		default:
			n = append(n, es[0])
			old, es = old[1:], es[1:]
		}
	}
	n = append(n, old...)
	n = append(n, es...)
	return &snapshot{entries: n}
}

// sortUnique sorts es by id and keeps the last of entries with equal ids
// (the last write of a batch wins, as in the database).
func sortUnique(es []*entry) []*entry {
	slices.SortStableFunc(es, compareEntries)
	out := es[:0]
	for i, e := range es {
		if i+1 < len(es) && es[i+1].c.ID == e.c.ID {
			continue
		}
		out = append(out, e)
	}
	return out
}

// loadReadModel decodes every customer into the first snapshot. The rowid
// range is split among workers, each reading and decoding its part on its
// own connection, so reading and decoding both use every core.
func (s *Store) loadReadModel(workers int) (int, error) {
	ctx := context.Background()
	var lo, hi sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, "SELECT min(rowid), max(rowid) FROM customers").Scan(&lo, &hi); err != nil {
		return 0, fmt.Errorf("sqlite: load customers: %w", err)
	}
	if !lo.Valid {
		s.snap.Store(&snapshot{})
		return 0, nil
	}
	span := (hi.Int64 - lo.Int64 + int64(workers)) / int64(workers)
	parts := make([][]*entry, workers)
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
		return 0, fmt.Errorf("sqlite: load customers: %w", err)
	}
	all := slices.Concat(parts...)
	slices.SortFunc(all, compareEntries)
	for _, e := range all {
		s.intern.entry(e)
	}
	s.snap.Store(&snapshot{entries: all})
	return len(all), nil
}

// loadPart decodes the customers with rowids in [from, to] into *part.
func (s *Store) loadPart(ctx context.Context, from, to int64, part *[]*entry) error {
	if from > to {
		return nil
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT doc FROM customers WHERE rowid BETWEEN ? AND ?", from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc sql.RawBytes
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		e, err := decodeLean(doc)
		if err != nil {
			return err
		}
		*part = append(*part, e)
	}
	return rows.Err()
}

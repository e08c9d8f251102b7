package importer

import (
	"context"
	"slices"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// keyIndex finds stored customers (archived ones too) by their keys: the
// code, the credit code, the company name key and the contacts' phone
// keys. It is built from one scan of the store when an import starts:
// FindMatches answers one customer at a time by scanning the embedded
// store's read model, which made a 100,000-row import quadratic. The dry run
// and the commit build it alike, so they match alike.
type keyIndex struct {
	byCode   map[string]string   // code → id
	byCredit map[string]string   // credit code → id
	byName   map[string][]string // name key → ids
	byPhone  map[string][]string // phone key → ids
	codeOf   map[string]string   // id → code
	// docs are stored customers read ahead for the next batch of groups
	// (prefetch): a group's match takes its customer from here rather than
	// reading it alone. Each is handed out once (the draft changes it).
	docs map[string]*crm.Customer
}

// prefetch reads, in one GetMany, the stored customers that the groups'
// keys will likely match: by code, by credit code, by name when matchBy is
// NAME and one customer has it (phones are read from the rows, later).
// It is a read-ahead only: a customer it misses is read on its own when
// matched, and a failed read leaves every match to do so (and report it).
func (s *Service) prefetch(ctx context.Context, x *keyIndex, keys []rowKeys, groups [][]int, opt Options) {
	x.docs = nil
	var ids []string
	seen := map[string]bool{}
	add := func(id string, ok bool) {
		if ok && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, rows := range groups {
		for _, i := range rows {
			k := keys[i]
			if k.code != "" {
				id, ok := x.byCode[k.code]
				add(id, ok)
			}
			if k.credit != "" {
				id, ok := x.byCredit[k.credit]
				add(id, ok)
			}
			if opt.MatchBy == ByName && k.nameKey != "" {
				found := x.byName[k.nameKey]
				add(firstOf(found), len(found) == 1)
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	cs, err := s.CRM.Store.Customers().GetMany(ctx, ids)
	if err != nil {
		return
	}
	x.docs = make(map[string]*crm.Customer, len(cs))
	for _, c := range cs {
		x.docs[c.ID] = c
	}
}

func firstOf(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// stored returns customer id: read ahead, else read now.
func (s *Service) stored(ctx context.Context, x *keyIndex, id string) (*crm.Customer, error) {
	if c, ok := x.docs[id]; ok {
		delete(x.docs, id)
		return c, nil
	}
	return s.CRM.Store.Customers().Get(ctx, id)
}

func (s *Service) keyIndex(ctx context.Context) (*keyIndex, error) {
	x := &keyIndex{byCode: map[string]string{}, byCredit: map[string]string{}, byName: map[string][]string{},
		byPhone: map[string][]string{}, codeOf: map[string]string{}}
	err := s.CRM.Store.Customers().Each(ctx, crm.EachQuery{Scope: crm.ScopeAll}, func(c *crm.Customer) error {
		x.byCode[c.Code] = c.ID
		x.codeOf[c.ID] = c.Code
		if c.CreditCode != "" {
			x.byCredit[c.CreditCode] = c.ID
		}
		if c.Match.Name != "" {
			x.byName[c.Match.Name] = append(x.byName[c.Match.Name], c.ID)
		}
		for _, p := range c.Match.Phones {
			x.byPhone[p] = append(x.byPhone[p], c.ID)
		}
		return nil
	})
	return x, err
}

// sharing returns the ids of the customers with name key name or one of
// phones, each once, by code; name "" and no phones find none.
func (x *keyIndex) sharing(name string, phones []string) []string {
	var ids []string
	if name != "" {
		ids = append(ids, x.byName[name]...)
	}
	for _, p := range phones {
		for _, id := range x.byPhone[p] {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(x.codeOf[a], x.codeOf[b]) })
	return ids
}

// codes returns the codes of ids.
func (x *keyIndex) codes(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = x.codeOf[id]
	}
	return out
}

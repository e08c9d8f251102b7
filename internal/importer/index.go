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

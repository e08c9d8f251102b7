package sqlite

import (
	"context"
	"slices"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// FindMatches scans the read model: a comparison of three keys per customer
// (a few milliseconds for 50,000), so no index of its own.
func (cs *customerStore) FindMatches(ctx context.Context, q crm.MatchQuery) ([]*crm.Customer, error) {
	if q.Limit < 1 {
		return nil, crm.Errorf(crm.CodeBadUserInput, "limit must be positive")
	}
	if err := ctx.Err(); err != nil {
		return nil, crm.Internal(err)
	}
	var out []*crm.Customer
	var keys crm.Customer // what q.Matches reads of each entry: its credit code and match keys
	for _, ch := range (*Store)(cs).snap.Load().chunks {
		for _, e := range ch.entries[:ch.n] {
			keys.CreditCode, keys.Match.Name = e.str(txtCreditCode), e.str(txtMatchName)
			keys.Match.Phones = e.phoneKeys()
			if q.Matches(&keys) {
				out = append(out, e.customer())
			}
		}
	}
	// Ids are in time order, codes are not quite (a preset code): sort.
	slices.SortFunc(out, func(a, b *crm.Customer) int { return strings.Compare(a.Code, b.Code) })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

package dedupe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Service is the duplicate review's use case: one scan of the store's
// customers through a Finder, a page of its pairs.
type Service struct {
	Customers crm.CustomerStore
}

// MaxPage bounds a page of candidates.
const MaxPage = 100

// Candidates is a page of likely duplicate pairs.
type Candidates struct {
	Pairs   []Pair
	Total   int    // pairs in all
	HasNext bool   // more pairs follow the page
	Skipped []Skip // keys shared by too many customers to pair them
}

// Candidates returns the pairs after the cursor after ("" from the start),
// at most first (1 to MaxPage), for a who may merge (managers and admins:
// the reasons tell shared phones and e-mails). Errors: FORBIDDEN;
// BAD_USER_INPUT on "first" (OUT_OF_RANGE) or "after" (INVALID: not a
// cursor of this list).
func (s *Service) Candidates(ctx context.Context, a crm.Actor, first int, after string) (*Candidates, error) {
	if !a.CanMerge() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins review duplicates")
	}
	p := crm.NewProblems()
	if first < 1 || first > MaxPage {
		p.Fail("first", crm.ReasonOutOfRange, map[string]any{"min": 1, "max": MaxPage}, "must be 1 to %d", MaxPage)
	}
	var cur *Cursor
	if after != "" {
		c, err := DecodeCursor(after)
		if err != nil {
			p.Fail("after", crm.ReasonInvalid, nil, "is not a cursor of this list")
		}
		cur = &c
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	f := NewFinder()
	if err := s.Customers.Each(ctx, crm.EachQuery{Scope: crm.ScopeActive}, func(c *crm.Customer) error {
		f.Add(c)
		return nil
	}); err != nil {
		return nil, err
	}
	all := f.Pairs()
	page, more := Page(all, first, cur)
	return &Candidates{Pairs: page, Total: len(all), HasNext: more, Skipped: f.Skipped()}, nil
}

// cursorJSON is a Cursor as a client holds it: base64url of this JSON.
type cursorJSON struct {
	S int    `json:"s"`
	A string `json:"a"`
	B string `json:"b"`
}

// Encode returns c as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(cursorJSON{c.Score, c.A, c.B})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads what Cursor.Encode wrote.
func DecodeCursor(s string) (Cursor, error) {
	var cj cursorJSON
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 512 || json.Unmarshal(b, &cj) != nil || cj.A == "" || cj.B == "" {
		return Cursor{}, fmt.Errorf("dedupe: not a cursor")
	}
	return Cursor{Score: cj.S, A: cj.A, B: cj.B}, nil
}

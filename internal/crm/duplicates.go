package crm

import (
	"context"
	"slices"
)

// DuplicateCheck describes a customer being entered (or edited), to find
// the customers it may duplicate before it is saved.
type DuplicateCheck struct {
	Name       string
	CreditCode string
	Phones     []string
	// ExcludeID leaves out the customer being edited ("" for a new one).
	ExcludeID string
	// Limit is the most matches returned: 1 to MaxDuplicateMatches;
	// 0 means DefaultDuplicateMatches.
	Limit int
}

const (
	DefaultDuplicateMatches = 5
	MaxDuplicateMatches     = 20
	maxDuplicatePhones      = 20
)

// DuplicateReason says which key a possible duplicate shares.
type DuplicateReason string

const (
	DuplicateCreditCode DuplicateReason = "CREDIT_CODE"
	DuplicateName       DuplicateReason = "NAME"
	DuplicatePhone      DuplicateReason = "PHONE"
	// DuplicateEmail: a contact e-mail (EmailKey); the duplicate review's
	// (internal/dedupe), not PossibleDuplicates', which takes no e-mails.
	DuplicateEmail DuplicateReason = "EMAIL"
)

// DuplicateMatch is one customer that may be the one being entered.
type DuplicateMatch struct {
	Customer *Customer
	Reasons  []DuplicateReason // strongest first
}

// PossibleDuplicates returns the customers (archived ones included) that
// share a credit code, a company name key (CompanyNameKey: width, case,
// punctuation and the legal form do not count) or a contact phone
// (PhoneKey) with in: those sharing a credit code first, then a name, then
// a phone; by code within each. Anyone signed in may ask (everyone reads
// every customer's name and credit code), but a phone match is reported only
// on customers whose contact details a sees in full (CanSeeContactDetails):
// otherwise trying numbers would reveal a masked phone. Values that cannot
// match (an invalid credit code or phone, an empty name) are ignored.
// Errors: BAD_USER_INPUT (TOO_LONG, TOO_MANY, OUT_OF_RANGE).
func (s *Service) PossibleDuplicates(ctx context.Context, a Actor, in DuplicateCheck) ([]DuplicateMatch, error) {
	p := NewProblems()
	checkLength(p, "name", in.Name, MaxShortText*2)
	checkLength(p, "creditCode", in.CreditCode, 50)
	if len(in.Phones) > maxDuplicatePhones {
		p.Fail("phones", ReasonTooMany, map[string]any{"max": maxDuplicatePhones}, "must hold at most %d phones", maxDuplicatePhones)
	}
	for i, ph := range in.Phones {
		checkLength(p.Index("phones", i), "", ph, 50)
	}
	if in.Limit == 0 {
		in.Limit = DefaultDuplicateMatches
	}
	if in.Limit < 1 || in.Limit > MaxDuplicateMatches {
		p.Fail("limit", ReasonOutOfRange, map[string]any{"min": 1, "max": MaxDuplicateMatches}, "must be between 1 and %d", MaxDuplicateMatches)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	q := MatchQuery{Name: CompanyNameKey(in.Name)}
	if code, ok := CreditCodeKey(in.CreditCode); ok {
		q.CreditCode = code
	}
	for _, ph := range in.Phones {
		if k, ok := PhoneKey(ph); ok && !contains(q.Phones, k) {
			q.Phones = append(q.Phones, k)
		}
	}
	if q.Name == "" && q.CreditCode == "" && len(q.Phones) == 0 {
		return []DuplicateMatch{}, nil
	}
	// The credit code (unique) on its own, so that many name or phone
	// matches never push it out; then more than asked for: phone matches
	// the viewer may not be told of, and the customer being edited, are
	// dropped below.
	var found []*Customer
	if q.CreditCode != "" {
		byCode, err := s.Store.Customers().FindMatches(ctx, MatchQuery{CreditCode: q.CreditCode, Limit: 1})
		if err != nil {
			return nil, err
		}
		found = byCode
	}
	if q.Name != "" || len(q.Phones) > 0 {
		rest, err := s.Store.Customers().FindMatches(ctx, MatchQuery{Name: q.Name, Phones: q.Phones, Limit: MaxDuplicateMatches*2 + 1})
		if err != nil {
			return nil, err
		}
		for _, c := range rest {
			if !slices.ContainsFunc(found, func(f *Customer) bool { return f.ID == c.ID }) {
				found = append(found, c)
			}
		}
	}
	out := []DuplicateMatch{}
	for _, c := range found {
		if c.ID == in.ExcludeID {
			continue
		}
		var why []DuplicateReason
		if q.CreditCode != "" && c.CreditCode == q.CreditCode {
			why = append(why, DuplicateCreditCode)
		}
		if q.Name != "" && c.Match.Name == q.Name {
			why = append(why, DuplicateName)
		}
		if a.CanSeeContactDetails(c) && slices.ContainsFunc(q.Phones, func(k string) bool { return contains(c.Match.Phones, k) }) {
			why = append(why, DuplicatePhone)
		}
		if len(why) > 0 {
			out = append(out, DuplicateMatch{Customer: c, Reasons: why})
		}
	}
	rank := map[DuplicateReason]int{DuplicateCreditCode: 0, DuplicateName: 1, DuplicatePhone: 2}
	slices.SortStableFunc(out, func(x, y DuplicateMatch) int { return rank[x.Reasons[0]] - rank[y.Reasons[0]] })
	if len(out) > in.Limit {
		out = out[:in.Limit]
	}
	return out, nil
}

// checkLength records a TOO_LONG problem for a text over max characters.
func checkLength(p Problems, field, s string, max int) {
	if n := len([]rune(s)); n > max {
		p.Fail(field, ReasonTooLong, map[string]any{"max": max}, "must be at most %d characters", max)
	}
}

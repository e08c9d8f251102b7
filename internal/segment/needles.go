package segment

import "github.com/kehu-crm/kehu/internal/crm"

// maxNeedleTerms bounds the terms of TextNeeds: a filter whose necessary
// condition would need more is given a weaker one (fewer terms, or none).
const maxNeedleTerms = 8

// TextNeeds returns a condition on a customer's free texts that holds
// whenever the filter selects the customer, in disjunctive normal form:
// for some term, every needle of the term is contained, once both are
// folded with crm.FoldText, in an interaction text (crm.InteractionTexts,
// any of them) of the customer. Nil when the filter has no such condition.
// A store keeping the n-grams of each customer's texts can look candidates
// up by it and run the filter on those only. It holds for the texts as the
// viewer reads them (ForViewer): a store answering a masked viewer looks
// the needles up in the masked texts as well.
//
// Only conditions that must hold are used: contains, startsWith, eq and in
// on an indexed text inside interactions.some and inside a count that must
// be at least 1, under and and or; nothing under a negation, none or every.
func (f *Filter) TextNeeds() [][]string {
	terms, ok := needs(f.node, Customer)
	if !ok {
		return nil
	}
	return terms
}

// needs returns the necessary condition of n in scope; ok is false when
// there is none (true, as a condition).
func needs(n Node, scope Array) (terms [][]string, ok bool) {
	switch n := n.(type) {
	case And:
		for _, c := range n.Nodes {
			t, ok := needs(c, scope)
			if !ok {
				continue
			}
			if terms == nil {
				terms = t
				continue
			}
			if len(terms)*len(t) > maxNeedleTerms {
				continue // a weaker condition is still a necessary one
			}
			var product [][]string
			for _, x := range terms {
				for _, y := range t {
					product = append(product, append(append([]string(nil), x...), y...))
				}
			}
			terms = product
		}
		return terms, terms != nil
	case Or:
		for _, c := range n.Nodes {
			t, ok := needs(c, scope)
			if !ok || len(terms)+len(t) > maxNeedleTerms {
				return nil, false
			}
			terms = append(terms, t...)
		}
		return terms, len(terms) > 0
	case Quant:
		if n.Q != Some || n.Array != Interactions {
			return nil, false
		}
		return needs(n.Where, n.Array)
	case Agg:
		v, isInt := n.Value.(Int)
		atLeastOne := isInt && n.Fn == Count && ((n.Op == Gt && v >= 0) || ((n.Op == Gte || n.Op == Eq) && v >= 1))
		if !atLeastOne || n.Array != Interactions {
			return nil, false
		}
		return needs(n.Where, n.Array)
	case Cond:
		f := lookup(scope, n.Field)
		if f == nil || scope != Interactions || f.Kind != KindString {
			return nil, false
		}
		if _, indexed := textCode(f.Name); !indexed {
			return nil, false
		}
		var values []string
		switch n.Op {
		case Contains, StartsWith, Eq:
			values = []string{string(n.Value.(String))}
		case In:
			values = n.Value.(Strings)
		default:
			return nil, false
		}
		if len(values) == 0 || len(values) > maxNeedleTerms {
			return nil, false
		}
		for _, v := range values {
			if v == "" {
				return nil, false // the empty text matches without containing anything
			}
			terms = append(terms, []string{crm.FoldText(v)})
		}
		return terms, true
	}
	return nil, false // Not, nil, or a node of another kind
}

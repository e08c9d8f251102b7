package segment

import (
	"fmt"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Free-text conditions answered by a store's text index (crm.TextFilter):
// the conditions on interaction fields that a crm.Brief lacks and that
// crm.InteractionTexts lists.

var _ crm.TextFilter = (*Filter)(nil)

// textKey identifies a condition on a text field.
func textKey(field string, n Cond, masked bool) string {
	return fmt.Sprintf("%s\x00%s\x00%#v\x00%v", field, n.Op, n.Value, masked)
}

// textCode returns the crm.InteractionTexts code of an interaction field.
func textCode(name string) (int, bool) {
	for _, t := range crm.InteractionTexts {
		if t.Name == name {
			return t.Code, true
		}
	}
	return 0, false
}

// textConds walks the tree for the conditions on brief-less fields: the
// distinct ones, their keys, and whether every one is on an indexed text.
func textConds(n Node, withMasked bool) (conds []crm.TextCond, keys map[string]int, ok bool) {
	keys, ok = map[string]int{}, true
	walk(n, func(n Node, scope Array) bool {
		if k, isSome := someText(n); isSome {
			// interactions.some(<one text condition>): a customer-level
			// condition (crm.TextCond.Some).
			cond := n.(Quant).Where.(Cond)
			code, _ := textCode(cond.Field)
			for _, masked := range []bool{false, true} {
				if masked && !withMasked {
					break
				}
				key := k + someSuffix(masked)
				if _, seen := keys[key]; seen {
					continue
				}
				keys[key] = len(conds)
				tc := textCond(code, cond)
				tc.Masked, tc.Key, tc.Some = masked, key, true
				conds = append(conds, tc)
			}
			return false
		}
		c, isCond := n.(Cond)
		if !isCond {
			return true
		}
		f := lookup(scope, c.Field)
		if f == nil || scope == Customer || f.brief != nil {
			return true
		}
		code, indexed := textCode(f.Name)
		if scope != Interactions || f.Kind != KindString || !indexed {
			ok = false
			return true
		}
		if c.Op == IsNull {
			return true // answered by the brief (crm.BriefInteraction.HasText)
		}
		for _, masked := range []bool{false, true} {
			if masked && !withMasked {
				break
			}
			k := textKey(f.Name, c, masked)
			if _, seen := keys[k]; seen {
				continue
			}
			keys[k] = len(conds)
			tc := textCond(code, c)
			tc.Masked, tc.Key = masked, k
			conds = append(conds, tc)
		}
		return true
	})
	return conds, keys, ok
}

// someText reports whether n is interactions.some(<a condition on an
// indexed text>), and that condition's key (without the masked part).
func someText(n Node) (string, bool) {
	q, ok := n.(Quant)
	if !ok || q.Q != Some || q.Array != Interactions {
		return "", false
	}
	cond, ok := q.Where.(Cond)
	if !ok || cond.Op == IsNull {
		return "", false
	}
	f := lookup(Interactions, cond.Field)
	if f == nil || f.brief != nil || f.Kind != KindString {
		return "", false
	}
	if _, indexed := textCode(f.Name); !indexed {
		return "", false
	}
	return "some\x00" + textKey(f.Name, cond, false), true
}

func someSuffix(masked bool) string {
	if masked {
		return "\x00masked"
	}
	return ""
}

// textCond is the crm.TextCond of a validated condition on a string field:
// Match is the evaluator's own predicate.
func textCond(code int, n Cond) crm.TextCond {
	p := stringCond(nil, func(s *string) string { return *s }, n, crm.NewProblems())
	tc := crm.TextCond{Code: code, Match: func(s string) bool { return p(&s) }}
	tc.MatchesEmpty = tc.Match("")
	switch n.Op {
	case Contains, StartsWith, Eq, Ne: // ne: the texts it rejects equal the value
		if v := string(n.Value.(String)); v != "" {
			tc.Needle = crm.FoldText(v)
			tc.Exact = n.Op == Contains // see fold.go: contains is containment of the folded texts
		}
	}
	return tc
}

// TextConds lists the filter's free-text conditions (crm.TextFilter).
func (f *Filter) TextConds() []crm.TextCond {
	conds, _, _ := textConds(f.node, f.mask != nil)
	return conds
}

// Bind returns the filter with its free-text conditions answered by m, for
// one snapshot of a read model (crm.TextFilter): Lean, unless the filter
// reads a brief-less field that is not an indexed text (then the filter
// itself).
func (f *Filter) Bind(m crm.TextMatches) crm.Filter {
	if f.lean {
		return f
	}
	_, keys, ok := textConds(f.node, f.mask != nil)
	if !ok {
		return f
	}
	problems := crm.NewProblems()
	c := &compiler{r: newResolver(f.opts), p: problems, brief: true, texts: &textBinding{keys: keys, m: m}, mask: f.mask}
	fn := compileNode[crm.Customer](c, f.node, Customer, problems.At("where"))
	if c.r.failed != nil || problems.Err() != nil { // compiled once already: cannot happen
		return f
	}
	return &Filter{node: f.node, opts: f.opts, prog: &Program{match: fn, lean: true, reads: c.reads}, lean: true, mask: f.mask}
}

var _ crm.ViewerFilter = (*Filter)(nil)

// ForViewer returns the filter with its free-text conditions matching the
// masked texts (crm.MaskFreeText) on the customers masked reports
// (crm.ViewerFilter): what a viewer who sees their contact details masked
// reads. A filter that reads no free text is returned as it is.
func (f *Filter) ForViewer(masked func(*crm.Customer) bool) crm.Filter {
	if f.lean || masked == nil {
		return f
	}
	problems := crm.NewProblems()
	c := &compiler{r: newResolver(f.opts), p: problems, mask: masked}
	fn := compileNode[crm.Customer](c, f.node, Customer, problems.At("where"))
	if c.r.failed != nil || problems.Err() != nil { // compiled once already: cannot happen
		return f
	}
	return &Filter{node: f.node, opts: f.opts, prog: &Program{match: fn, reads: c.reads}, mask: masked}
}

// textBinding answers the text conditions of a bound filter.
type textBinding struct {
	keys map[string]int
	m    crm.TextMatches
}

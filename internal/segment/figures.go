package segment

import (
	"strconv"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Figure is what a customer has for one term of a filter: the term as the
// query line writes it and the customer's value, so that a match can be
// explained with figures ("deals.sum(date:<=12m):>=500000" with 620000.00).
type Figure struct {
	Term  string // the term, as Format writes it
	Value string // the customer's value: a number, a date, a time, an enum or text value; "" for none
}

// Figures returns the customer's values for the top-level terms of a tree
// (the terms of an And, or the tree itself) that read one value: a
// customer field (its value) and a count, sum or change over a nested
// array (the figure, at o's time; a change in percent, "+25.5%", "" with
// no deals in the earlier window). Other terms (or, not, quantifiers) give none.
func Figures(n Node, c *crm.Customer, o Options) []Figure {
	terms := []Node{n}
	if a, ok := n.(And); ok {
		terms = a.Nodes
	}
	comp := &compiler{r: newResolver(o)}
	loc := o.loc()
	var out []Figure
	for _, t := range terms {
		term, ok := Format(t)
		if !ok {
			continue
		}
		switch t := t.(type) {
		case Cond:
			fd := lookup(Customer, t.Field)
			if fd == nil {
				continue
			}
			if v, ok := fieldValue(fd, c, loc); ok {
				out = append(out, Figure{Term: term, Value: v})
			}
		case Agg:
			v, ok := aggValue(comp, t, c)
			if ok {
				out = append(out, Figure{Term: term, Value: v})
			}
		}
	}
	return out
}

// fieldValue writes a customer field's value for people.
func fieldValue(fd *Field, c *crm.Customer, loc *time.Location) (string, bool) {
	switch get := fd.get.(type) {
	case func(*cust) string:
		return get(c), true
	case func(*cust) []string:
		s := ""
		for i, x := range get(c) {
			if i > 0 {
				s += ","
			}
			s += x
		}
		return s, true
	case func(*cust) int64:
		return strconv.FormatInt(get(c), 10), true
	case func(*cust) (int64, bool):
		v, ok := get(c)
		switch {
		case !ok:
			return "", true
		case fd.Kind == KindMoney:
			return crm.Money(v).String(), true
		case fd.Kind == KindDate:
			return time.UnixMilli(v).UTC().Format(time.DateOnly), true
		case fd.Kind == KindTime:
			return time.UnixMilli(v).In(loc).Format("2006-01-02 15:04"), true
		}
		return strconv.FormatInt(v, 10), true
	case func(*cust) (float64, bool):
		if v, ok := get(c); ok {
			return strconv.FormatFloat(v, 'f', -1, 64), true
		}
		return "", true
	}
	return "", false
}

// aggValue computes a count or a sum over the elements of an array that
// match the figure's where, as the filter counts them.
func aggValue(comp *compiler, a Agg, c *crm.Customer) (string, bool) {
	switch a.Array {
	case Deals:
		return figureOf(comp, a, c.Deals, func(d *crm.Deal) crm.Money { return d.Amount })
	case Interactions:
		return figureOf[crm.Interaction](comp, a, c.Interactions, nil)
	case Needs:
		return figureOf[crm.Need](comp, a, c.Needs, nil)
	case Satisfaction:
		return figureOf[crm.Satisfaction](comp, a, c.Satisfaction, nil)
	case StageHistory:
		return figureOf[crm.StageChange](comp, a, c.StageHistory, nil)
	case ServiceRequests:
		return figureOf[crm.ServiceRequest](comp, a, c.ServiceRequests, nil)
	case Tasks:
		return figureOf[crm.Task](comp, a, c.Tasks, nil)
	case Contacts:
		return figureOf[crm.Contact](comp, a, c.Contacts, nil)
	}
	return "", false
}

func figureOf[E any](comp *compiler, a Agg, es []E, amount func(*E) crm.Money) (string, bool) {
	p := crm.NewProblems()
	comp.p = p
	if a.Fn == Change && amount != nil {
		current, earlier := changePreds[E](comp, a, p)
		if p.HasErrors() || comp.r.failed != nil {
			return "", false
		}
		return changeText(windowSums(es, current, earlier, amount)), true
	}
	w := yes[E]
	if a.Where != nil {
		w = compileNode[E](comp, a.Where, a.Array, p)
	}
	if p.HasErrors() || comp.r.failed != nil {
		return "", false
	}
	var n int64
	var sum crm.Money
	for i := range es {
		if w(&es[i]) {
			n++
			if amount != nil {
				sum += amount(&es[i])
			}
		}
	}
	if a.Fn == Sum && amount != nil {
		return sum.String(), true
	}
	return strconv.FormatInt(n, 10), true
}

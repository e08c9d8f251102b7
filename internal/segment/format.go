package segment

import (
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Format writes a tree as a query line (see QUERY.md); Parse(Format(t))
// equals Normalize(t). ok is false when the tree has no one-line form (an
// empty Or, which matches nothing) or is not valid; the SPA then shows the
// filter in the builder only.
func Format(n Node) (line string, ok bool) {
	n = Normalize(n)
	if Validate(n) != nil {
		return "", false
	}
	var f formatter
	f.node(n, Customer, ctxTop)
	if f.failed {
		return "", false
	}
	return f.b.String(), true
}

type fmtCtx int

const (
	ctxTop fmtCtx = iota
	ctxAnd
)

type formatter struct {
	b      strings.Builder
	failed bool
}

func (f *formatter) node(n Node, scope Array, ctx fmtCtx) {
	switch n := n.(type) {
	case nil:
	case And:
		if len(n.Nodes) == 0 {
			f.b.WriteString("()")
			return
		}
		for i, c := range n.Nodes {
			if i > 0 {
				f.b.WriteByte(' ')
			}
			f.node(c, scope, ctxAnd)
		}
	case Or:
		if len(n.Nodes) == 0 {
			f.failed = true
			return
		}
		if ctx == ctxAnd {
			f.b.WriteByte('(')
		}
		for i, c := range n.Nodes {
			if i > 0 {
				f.b.WriteString(" OR ")
			}
			f.node(c, scope, ctxTop)
		}
		if ctx == ctxAnd {
			f.b.WriteByte(')')
		}
	case Not:
		switch x := n.Node.(type) {
		case Cond:
			term := f.cond(x, scope)
			if strings.HasPrefix(term, "-") || complementable(lookup(scope, x.Field), x) {
				f.b.WriteString("-(" + term + ")")
			} else {
				f.b.WriteString("-" + term)
			}
		case Quant, Agg:
			f.b.WriteByte('-')
			f.node(x, scope, ctxTop)
		default:
			f.b.WriteString("-(")
			f.node(x, scope, ctxTop)
			f.b.WriteByte(')')
		}
	case Cond:
		f.b.WriteString(f.cond(n, scope))
	case Quant:
		f.b.WriteString(arrays[n.Array].line + "." + string(n.Q) + "(")
		f.node(n.Where, n.Array, ctxTop)
		f.b.WriteByte(')')
	case Agg:
		if w, ok := shorthand(n); ok {
			f.b.WriteString(w)
		} else {
			f.b.WriteString(arrays[n.Array].line + "." + string(n.Fn) + "(")
			f.node(n.Where, n.Array, ctxTop)
			f.b.WriteByte(')')
		}
		f.b.WriteString(":" + cmpText(n.Op))
		if m, ok := n.Value.(Money); ok {
			f.b.WriteString(formatMoney(m))
		} else {
			f.b.WriteString(strconv.FormatInt(intOf(n.Value), 10))
		}
	default:
		f.failed = true
	}
}

func cmpText(op Op) string {
	switch op {
	case Gt:
		return ">"
	case Gte:
		return ">="
	case Lt:
		return "<"
	case Lte:
		return "<="
	}
	return ""
}

// shorthand returns the window form of an aggregate (visits(90d)) when it
// has one.
func shorthand(n Agg) (string, bool) {
	if n.Fn == Change {
		return "deal-change(" + n.Window.String() + ")", n.Array == Deals && n.Where == nil
	}
	for _, name := range []string{"visits", "interactions", "complaints", "deals"} {
		var d Duration
		switch w := n.Where.(type) {
		case Cond:
			if a, ok := w.Value.(Ago); ok {
				d = Duration(a)
			}
		case And:
			if len(w.Nodes) == 2 {
				if c, ok := w.Nodes[1].(Cond); ok {
					if a, ok := c.Value.(Ago); ok {
						d = Duration(a)
					}
				}
			}
		}
		if d.Unit == 0 {
			return "", false
		}
		want := window(name, d)
		if want.Array == n.Array && want.Fn == n.Fn && reflect.DeepEqual(Normalize(want.Where), n.Where) {
			return name + "(" + d.String() + ")", true
		}
	}
	return "", false
}

// complementable reports a condition whose negation Parse reads as the
// complementary operator: its Not needs parentheses to stay a Not.
func complementable(f *Field, c Cond) bool {
	_, ok := complement(f, c)
	return ok
}

// cond writes one condition as a term.
func (f *formatter) cond(c Cond, scope Array) string {
	fd := lookup(scope, c.Field)
	if fd.Kind == KindSearch {
		s := string(c.Value.(String))
		if bareText(s) {
			return s
		}
		return quoteText(s)
	}
	name := fd.Line + ":"
	switch c.Op {
	case Eq:
		return name + formatValue(fd, c.Value)
	case Ne:
		return "-" + name + formatValue(fd, c.Value)
	case In, HasAny:
		return name + formatList(fd, c.Value.(Strings), ",")
	case NotIn, HasNone:
		return "-" + name + formatList(fd, c.Value.(Strings), ",")
	case HasAll:
		return name + formatList(fd, c.Value.(Strings), "+")
	case Contains:
		return name + "*" + formatAtom(string(c.Value.(String)), fd.Kind) + "*"
	case StartsWith:
		return name + formatAtom(string(c.Value.(String)), fd.Kind) + "*"
	case IsNull, IsEmpty:
		if c.Value.(Bool) {
			return name + "none"
		}
		return "-" + name + "none"
	case Me:
		if c.Value.(Bool) {
			return name + "me"
		}
		return "-" + name + "me"
	case Gt, Gte, Lt, Lte:
		if a, ok := c.Value.(Ago); ok {
			// Ages: gt (after) now-30d is "<30d" (less than 30 days ago).
			op := map[Op]Op{Gt: Lt, Gte: Lte, Lt: Gt, Lte: Gte}[c.Op]
			return name + cmpText(op) + Duration(a).String()
		}
		return name + cmpText(c.Op) + formatValue(fd, c.Value)
	case Between:
		r := c.Value.(Range)
		lo, okLo := r.Lo.(Ago)
		hi, okHi := r.Hi.(Ago)
		if okLo && okHi {
			return name + Duration(hi).String() + ".." + Duration(lo).String()
		}
		return name + formatValue(fd, r.Lo) + ".." + formatValue(fd, r.Hi)
	}
	f.failed = true
	return ""
}

func formatList(fd *Field, vs Strings, sep string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = formatAtom(v, fd.Kind)
	}
	return strings.Join(parts, sep)
}

func formatValue(fd *Field, v Value) string {
	switch x := v.(type) {
	case String:
		return formatAtom(string(x), fd.Kind)
	case Bool:
		return strconv.FormatBool(bool(x))
	case Int:
		return strconv.FormatInt(int64(x), 10)
	case Float:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case Money:
		return formatMoney(x)
	case Date:
		return x.String()
	case Instant:
		return x.UTC().Format(time.RFC3339Nano)
	case Ago:
		return Duration(x).String()
	}
	return ""
}

func formatMoney(m Money) string {
	if m%100 == 0 {
		return strconv.FormatInt(int64(m)/100, 10)
	}
	return crm.Money(m).String()
}

// formatAtom writes a value bare when the parser reads it back unchanged,
// else quoted.
func formatAtom(s string, k Kind) string {
	if k == KindEnum || bareValue(s, k) {
		return s
	}
	return quoteText(s)
}

func quoteText(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' || r == '“' || r == '”' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// special reports runes that end or change a bare word somewhere.
func special(r rune) bool {
	switch symOf(r) {
	case ' ', '"', '(', ')', ',', ':', '*', '+', '\\':
		return true
	}
	return unicode.IsControl(r)
}

func bareValue(s string, k Kind) bool {
	if s == "" || strings.Contains(s, "..") || strings.ContainsAny(s[:1], "<>") ||
		strings.EqualFold(s, "none") || strings.EqualFold(s, "me") {
		return false
	}
	for _, r := range s {
		if special(r) {
			// ':' and '+' are harmless inside values, except '+' in tags.
			if (r == ':' || r == '+' && k != KindTags && k != KindUsers) && symOf(r) == r {
				continue
			}
			return false
		}
	}
	return true
}

// bareText reports a search text that reads back as one bare word.
func bareText(s string) bool {
	if s == "" || s[0] == '-' || s == "OR" || s == "AND" {
		return false
	}
	for _, r := range s {
		switch symOf(r) {
		case ' ', '"', '(', ')', ':':
			return false
		}
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

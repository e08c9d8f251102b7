package segment

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

// MaxQueryLength bounds a query line, in bytes.
const MaxQueryLength = 4000

// ParseError is a query line that does not parse, with the position of the
// problem: the SPA underlines it. *crm.Error values returned by Parse wrap it
// (errors.As finds it).
type ParseError struct {
	Pos      int    // 1-based position in characters (runes)
	Offset   int    // 0-based position in bytes
	Expected string // what would have been valid there; empty for bad values
	Msg      string // the whole explanation: "expected a value after \"tier:\""
	// Reason and Params say what Msg says for clients to translate:
	// INVALID_QUERY (params: pos) unless a more precise reason is known.
	Reason crm.Reason
	Params map[string]any
}

// Reasons of query line problems beside crm's (docs/API.md lists them).
const (
	ReasonUnknownField    crm.Reason = "UNKNOWN_FIELD"     // params: name
	ReasonExpectedValue   crm.Reason = "EXPECTED_VALUE"    // params: after
	ReasonExpectedTerm    crm.Reason = "EXPECTED_TERM"     // params: after (OR, AND, -)
	ReasonUnclosedParen   crm.Reason = "UNCLOSED_PAREN"    // params: open (position of the "(")
	ReasonUnmatchedParen  crm.Reason = "UNMATCHED_PAREN"   // a ")" without "("
	ReasonUnclosedQuote   crm.Reason = "UNCLOSED_QUOTE"    // params: open
	ReasonNotAValue       crm.Reason = "NOT_A_VALUE"       // params: value, field, choices
	ReasonRelativeTimeCmp crm.Reason = "RELATIVE_TIME_CMP" // a relative time without < or >
)

func (e *ParseError) Error() string { return fmt.Sprintf("at %d: %s", e.Pos, e.Msg) }

// Parse reads a query line (see QUERY.md) into a normalized, validated tree;
// an empty line is nil (every customer). Errors are BAD_USER_INPUT with the
// field "query" and a message such as
// `query: at 6: expected a value after "tier:"`; the *ParseError is the
// error's Err.
func Parse(line string) (n Node, err error) {
	p := &parser{s: line}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		pe, ok := r.(*ParseError)
		if !ok {
			panic(r)
		}
		n, err = nil, queryError(pe)
	}()
	if len(line) > MaxQueryLength {
		p.failAt(0, "", "the query is too long: at most %d bytes", MaxQueryLength)
	}
	if !utf8.ValidString(line) {
		i := 0
		for i < len(line) {
			r, size := utf8.DecodeRuneInString(line[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		p.failAt(i, "", "the query is not valid UTF-8")
	}
	n = p.or(Customer)
	p.space()
	if !p.end() {
		if p.sym() == ')' {
			p.because(ReasonUnmatchedParen).failAt(p.i, "", "unexpected \")\" without a matching \"(\"")
		}
		p.fail("the end of the query or another term")
	}
	n = Normalize(n)
	problems := crm.NewProblems()
	validateAt(n, problems)
	if err := problems.Err(); err != nil {
		// Terms were checked as they were read: what is left are the
		// bounds of the whole tree.
		p.failAt(0, "", "the query %s", err.(*crm.Error).Fields[0].Message)
	}
	return n, nil
}

func queryError(pe *ParseError) error {
	reason, params := pe.Reason, map[string]any{"pos": pe.Pos}
	if reason == "" {
		reason = crm.ReasonInvalidQuery
	}
	for k, v := range pe.Params {
		params[k] = v
	}
	return &crm.Error{Code: crm.CodeBadUserInput, Message: "query: " + pe.Error(),
		Fields: []crm.FieldError{{Field: "query", Message: pe.Error(), Reason: reason, Params: params}}, Err: pe}
}

type parser struct {
	s      string
	i      int
	depth  int
	nodes  int
	why    crm.Reason     // the reason of the next failure (because)
	params map[string]any // and its parameters
}

// because sets the reason of the next failure, with its parameters as
// key, value pairs.
func (p *parser) because(r crm.Reason, kv ...any) *parser {
	p.why, p.params = r, map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		p.params[kv[i].(string)] = kv[i+1]
	}
	return p
}

func (p *parser) failAt(off int, expected, format string, args ...any) {
	off = min(off, len(p.s))
	panic(&ParseError{Pos: utf8.RuneCountInString(p.s[:off]) + 1, Offset: off, Expected: expected, Msg: fmt.Sprintf(format, args...),
		Reason: p.why, Params: p.params})
}

// fail reports that something else was expected at the current position.
func (p *parser) fail(expected string) {
	found := "the end of the query"
	if !p.end() {
		r, _ := utf8.DecodeRuneInString(p.s[p.i:])
		found = strconv.QuoteRune(r)
	}
	p.failAt(p.i, expected, "expected %s, found %s", expected, found)
}

func (p *parser) end() bool { return p.i >= len(p.s) }

// sym returns the rune at the position as syntax: full-width colon, comma
// and parentheses and Chinese quotation marks (as a Chinese input method
// types them) read as their ASCII forms. 0 at the end.
func (p *parser) sym() rune {
	if p.end() {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return symOf(r)
}

func symOf(r rune) rune {
	switch r {
	case '：':
		return ':'
	case '，':
		return ','
	case '（':
		return '('
	case '）':
		return ')'
	case '“', '”':
		return '"'
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	return r
}

func (p *parser) next() rune {
	r, size := utf8.DecodeRuneInString(p.s[p.i:])
	p.i += size
	return r
}

func (p *parser) space() {
	for !p.end() && p.sym() == ' ' {
		p.next()
	}
}

// delim reports whether the position ends a term: the end, a space or ")".
func (p *parser) delim() bool {
	r := p.sym()
	return r == 0 || r == ' ' || r == ')'
}

// keyword reports whether the word at the position is kw (OR, AND).
func (p *parser) keyword(kw string) bool {
	if !strings.HasPrefix(p.s[p.i:], kw) {
		return false
	}
	save := p.i
	p.i += len(kw)
	ok := p.delim() || p.sym() == '('
	p.i = save
	return ok
}

// enter opens a nesting level at the "(" at offset open.
func (p *parser) enter(open int) {
	if p.depth++; p.depth > MaxDepth {
		p.failAt(open, "", "the query is nested deeper than %d levels", MaxDepth)
	}
}

func (p *parser) count() {
	if p.nodes++; p.nodes > MaxNodes {
		p.failAt(p.i, "", "the query has more than %d conditions", MaxNodes)
	}
}

// or parses terms joined by OR; nil when there is no term at all.
func (p *parser) or(scope Array) Node {
	var alts []Node
	for {
		p.space()
		if p.keyword("OR") {
			p.failAt(p.i, "a term before \"OR\"", "expected a term before \"OR\"")
		}
		n, ok := p.and(scope)
		if !ok {
			if len(alts) > 0 {
				p.because(ReasonExpectedTerm, "after", "OR").fail("a term after \"OR\"")
			}
			return nil
		}
		alts = append(alts, n)
		p.space()
		if !p.keyword("OR") {
			break
		}
		p.i += 2
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return Or{Nodes: alts}
}

// and parses terms joined by spaces (or AND).
func (p *parser) and(scope Array) (Node, bool) {
	var terms []Node
	for {
		p.space()
		if p.end() || p.sym() == ')' || p.keyword("OR") {
			break
		}
		if p.keyword("AND") {
			if len(terms) == 0 {
				p.failAt(p.i, "a term before \"AND\"", "expected a term before \"AND\"")
			}
			p.i += 3
			p.space()
			if p.end() || p.sym() == ')' || p.keyword("OR") || p.keyword("AND") {
				p.because(ReasonExpectedTerm, "after", "AND").fail("a term after \"AND\"")
			}
			continue
		}
		terms = append(terms, p.unary(scope))
	}
	switch len(terms) {
	case 0:
		return nil, false
	case 1:
		return terms[0], true
	}
	return And{Nodes: terms}, true
}

func (p *parser) unary(scope Array) Node {
	p.count()
	if p.sym() != '-' {
		return p.primary(scope, false)
	}
	start := p.i
	p.next()
	if p.delim() {
		p.because(ReasonExpectedTerm, "after", "-").failAt(p.i, "a term after \"-\"", "expected a term after \"-\"")
	}
	if p.sym() == '-' {
		p.failAt(start, "", "\"--\": a term is negated with one \"-\"; use -( ... ) to negate a negation")
	}
	return p.primary(scope, true)
}

func (p *parser) primary(scope Array, neg bool) Node {
	if p.sym() == '(' {
		open := p.i
		p.next()
		p.enter(open)
		n := p.or(scope)
		p.space()
		if p.sym() != ')' {
			if p.end() {
				p.because(ReasonUnclosedParen, "open", utf8.RuneCountInString(p.s[:open])+1).
					failAt(p.i, "\")\"", "expected \")\" to close the \"(\" at %d", utf8.RuneCountInString(p.s[:open])+1)
			}
			p.fail("\")\"")
		}
		p.next()
		p.depth--
		if n == nil {
			n = And{}
		}
		if neg {
			return Not{Node: n}
		}
		return n
	}
	return p.term(scope, neg)
}

func (p *parser) term(scope Array, neg bool) Node {
	start := p.i
	if p.sym() == '"' {
		text := p.quoted()
		if !p.delim() {
			p.fail("a space after the quoted text")
		}
		return p.search(scope, text, start, neg)
	}
	name := p.name()
	switch p.sym() {
	case ':':
		p.next()
		return p.field(scope, name, start, neg)
	case '(':
		return p.array(scope, name, start, neg)
	}
	if name == "" {
		p.fail("a term")
	}
	if !p.delim() {
		p.fail("a space between terms")
	}
	return p.search(scope, name, start, neg)
}

func (p *parser) search(scope Array, text string, start int, neg bool) Node {
	if scope != Customer {
		p.failAt(start, "a field such as summary:\"...\"", "free text searches customers only; inside ( ) name a field, e.g. summary:%s", formatAtom(text, KindString))
	}
	if msg := checkText(text); msg != "" {
		p.failAt(start, "", "the search text %s", msg)
	}
	var n Node = Cond{Field: "search", Op: Contains, Value: String(text)}
	if neg {
		n = Not{Node: n}
	}
	return n
}

// name reads a field name or a bare search word: up to a space, ":", "(",
// ")" or a quotation mark.
func (p *parser) name() string {
	start := p.i
	for !p.end() {
		switch p.sym() {
		case ' ', ':', '(', ')', '"':
			return p.s[start:p.i]
		}
		p.next()
	}
	return p.s[start:p.i]
}

// quoted reads a quoted text; a backslash takes the next character
// literally.
func (p *parser) quoted() string {
	start := p.i
	open := p.next()
	closing := '"'
	if open == '“' {
		closing = '”'
	}
	var b strings.Builder
	for {
		if p.end() {
			p.because(ReasonUnclosedQuote, "open", utf8.RuneCountInString(p.s[:start])+1).
				failAt(p.i, "a closing quotation mark", "expected a closing quotation mark for the text at %d", utf8.RuneCountInString(p.s[:start])+1)
		}
		r := p.next()
		switch {
		case r == '\\':
			if p.end() {
				continue
			}
			b.WriteRune(p.next())
		case r == closing || (closing == '”' && r == '"'):
			return b.String()
		default:
			b.WriteRune(r)
		}
	}
}

// atom is one value of a field term.
type atom struct {
	text         string
	quoted       bool
	starL, starR bool
	pos          int
}

// keyword reports an unquoted keyword value (none, me), in any case.
func (a atom) is(kw string) bool {
	return !a.quoted && !a.starL && !a.starR && strings.EqualFold(a.text, kw)
}

// atom reads one value: a quoted text or a bare word, with * wildcards for
// text fields. A bare word ends at a space, ",", "(", ")", a quotation
// mark, "..", and for tags at "+".
func (p *parser) atom(f *Field) atom {
	a := atom{pos: p.i}
	wild := f.Kind == KindString
	if wild && p.sym() == '*' {
		a.starL = true
		p.next()
	}
	if p.sym() == '"' {
		a.text, a.quoted = p.quoted(), true
	} else {
		start := p.i
	scan:
		for !p.end() {
			switch p.sym() {
			case ' ', ',', '(', ')', '"':
				break scan
			case '*':
				if wild {
					break scan
				}
			case '+':
				if f.Kind == KindTags || f.Kind == KindUsers {
					break scan
				}
			case '.':
				if strings.HasPrefix(p.s[p.i:], "..") {
					break scan
				}
			}
			p.next()
		}
		a.text = p.s[start:p.i]
		if a.text == "" && !a.starL {
			p.fail(fmt.Sprintf("a value for %q", f.Line))
		}
	}
	if wild && p.sym() == '*' {
		a.starR = true
		p.next()
	}
	if a.text == "" {
		p.failAt(a.pos, "", "* alone is no value: write text between the stars, e.g. %s:*科技*", f.Line)
	}
	return a
}

// cmp reads a comparison operator: >=, <=, >, < (or nothing).
func (p *parser) cmp() string {
	for _, op := range []string{">=", "<=", ">", "<"} {
		if strings.HasPrefix(p.s[p.i:], op) {
			p.i += len(op)
			return op
		}
	}
	return ""
}

var cmpOps = map[string]Op{">": Gt, ">=": Gte, "<": Lt, "<=": Lte, "": Eq}

// field parses the value part of field:value.
func (p *parser) field(scope Array, name string, start int, neg bool) Node {
	f := lookupLine(scope, name)
	if f == nil {
		head, _, dotted := strings.Cut(name, ".")
		switch {
		case name == "":
			p.failAt(start, "a field name before \":\"", "expected a field name before \":\"")
		case scope == Customer && dotted && arrayByLine(head) != "":
			p.failAt(start+len(name), "\"(\"", "expected \"(\" after %q: e.g. %s(...)", name, name)
		case scope != Customer:
			p.because(ReasonUnknownField, "name", name).failAt(start, "a field of "+string(scope), "unknown field %q of %s (expected one of %s)", name, scope, lineNames(scope))
		}
		p.because(ReasonUnknownField, "name", name).failAt(start, "a field name", "unknown field %q (expected one of %s; quote text to search for it)", name, lineNames(scope))
	}
	label := name + ":"
	if p.delim() {
		p.because(ReasonExpectedValue, "after", label).failAt(p.i, "a value after \""+label+"\"", "expected a value after %q", label)
	}
	cmpAt := p.i
	if c := p.cmp(); c != "" {
		label += c
		if p.delim() {
			p.because(ReasonExpectedValue, "after", label).failAt(p.i, "a value after \""+label+"\"", "expected a value after %q", label)
		}
		a := p.atom(f)
		if r := p.sym(); r == ',' || r == '.' || r == '+' {
			p.fail("one value after " + strconv.Quote(label))
		}
		p.endOfTerm()
		return p.finish(f, p.compare(f, c, a, cmpAt), start, neg)
	}
	atoms := []atom{p.atom(f)}
	sep := rune(0)
	for {
		r := p.sym()
		if r != ',' && r != '+' && !(r == '.' && strings.HasPrefix(p.s[p.i:], "..")) {
			break
		}
		if sep != 0 && r != sep || sep == '.' {
			p.failAt(p.i, "", "mixed separators: a value list uses one of \",\" (any), \"+\" (all) or \"..\" (range)")
		}
		sep = r
		if r == '.' {
			p.i += 2
		} else {
			p.next()
		}
		if p.delim() {
			p.fail(fmt.Sprintf("a value after %q", string(sep)))
		}
		if len(atoms) >= MaxList {
			p.failAt(p.i, "", "a list has at most %d values", MaxList)
		}
		atoms = append(atoms, p.atom(f))
	}
	p.endOfTerm()
	return p.finish(f, p.values(f, atoms, sep), start, neg)
}

func (p *parser) endOfTerm() {
	if !p.delim() {
		p.fail("a space after the value")
	}
}

// finish validates a condition and applies a leading "-": the complementary
// operator where there is one (eq/ne, in/notIn, hasAny/hasNone, isNull,
// isEmpty, me), else Not.
func (p *parser) finish(f *Field, c Cond, start int, neg bool) Node {
	pr := crm.NewProblems()
	v := validator{root: pr}
	v.cond(c, f.Scope, pr)
	if err := pr.Err(); err != nil {
		p.failAt(start, "", "%s: %s", f.Line, err.(*crm.Error).Fields[0].Message)
	}
	if !neg {
		return c
	}
	if cc, ok := complement(f, c); ok {
		return cc
	}
	return Not{Node: c}
}

func complement(f *Field, c Cond) (Cond, bool) {
	switch c.Op {
	case Eq:
		switch f.Kind {
		case KindString, KindEnum, KindOwner, KindInt, KindFloat, KindMoney:
			c.Op = Ne
			return c, true
		}
	case In:
		c.Op = NotIn
		return c, true
	case HasAny:
		c.Op = HasNone
		return c, true
	case IsNull, IsEmpty, Me:
		c.Value = !c.Value.(Bool)
		return c, true
	}
	return c, false
}

// compare builds field:<op>value.
func (p *parser) compare(f *Field, c string, a atom, at int) Cond {
	op := cmpOps[c]
	switch f.Kind {
	case KindInt, KindFloat, KindMoney:
		return Cond{Field: f.Name, Op: op, Value: p.number(f, a)}
	case KindTime, KindDate:
		v := p.time(f, a)
		if ago, ok := v.(Ago); ok {
			// An age: <30d is less than 30 days ago, i.e. after now-30d.
			op = map[Op]Op{Lt: Gt, Lte: Gte, Gt: Lt, Gte: Lte}[op]
			return Cond{Field: f.Name, Op: op, Value: ago}
		}
		return Cond{Field: f.Name, Op: op, Value: v}
	}
	p.failAt(at, "", "%s is a %s field: it takes no %s", f.Line, kindName(f.Kind), c)
	return Cond{}
}

func (p *parser) values(f *Field, atoms []atom, sep rune) Cond {
	a := atoms[0]
	one := len(atoms) == 1
	c := Cond{Field: f.Name}
	if one && a.is("none") {
		switch {
		case f.Kind == KindTags || f.Kind == KindUsers:
			c.Op, c.Value = IsEmpty, Bool(true)
		case f.allows(IsNull):
			c.Op, c.Value = IsNull, Bool(true)
		default:
			p.failAt(a.pos, "", "%s is never empty: none is not a value of it", f.Line)
		}
		return c
	}
	for _, x := range atoms {
		if x.is("none") && !one {
			p.failAt(x.pos, "", "none stands alone: %s:none", f.Line)
		}
		if (x.starL || x.starR) && !one {
			p.failAt(x.pos, "", "* works on a single value, not in a list")
		}
	}
	switch f.Kind {
	case KindString, KindEnum, KindOwner:
		if sep == '.' {
			p.failAt(atoms[1].pos-2, "", "%s is a %s field: it takes no range", f.Line, kindName(f.Kind))
		}
		if f.userValued() && a.is("me") {
			if !one {
				p.failAt(a.pos, "", "me stands alone: %s:me", f.Line)
			}
			c.Op, c.Value = Me, Bool(true)
			return c
		}
		if one {
			switch {
			case a.starL && a.starR:
				c.Op = Contains
			case a.starR:
				c.Op = StartsWith
			case a.starL:
				p.failAt(a.pos, "", "*text (ends with) is not supported: use *text* (contains) or text* (starts with)")
			default:
				c.Op = Eq
			}
			c.Value = String(p.text(f, a))
			return c
		}
		list := make(Strings, len(atoms))
		for i, x := range atoms {
			list[i] = p.text(f, x)
		}
		c.Op, c.Value = In, list
		return c
	case KindTags, KindUsers:
		if sep == '.' {
			p.failAt(atoms[1].pos-2, "", "%s takes no range", f.Line)
		}
		if f.userValued() && a.is("me") {
			if !one {
				p.failAt(a.pos, "", "me stands alone: %s:me", f.Line)
			}
			c.Op, c.Value = Me, Bool(true)
			return c
		}
		list := make(Strings, len(atoms))
		for i, x := range atoms {
			list[i] = x.text
		}
		c.Op, c.Value = HasAny, list
		if sep == '+' {
			c.Op = HasAll
		}
		return c
	case KindBool:
		if !one {
			p.failAt(atoms[1].pos-1, "", "%s takes true or false", f.Line)
		}
		switch strings.ToLower(a.text) {
		case "true", "yes", "是":
			c.Op, c.Value = Eq, Bool(true)
		case "false", "no", "否":
			c.Op, c.Value = Eq, Bool(false)
		default:
			p.failAt(a.pos, "true or false", "expected true or false for %s", f.Line)
		}
		return c
	case KindInt, KindFloat, KindMoney:
		switch {
		case one:
			c.Op, c.Value = Eq, p.number(f, a)
		case sep == '.':
			c.Op, c.Value = Between, Range{Lo: p.number(f, a), Hi: p.number(f, atoms[1])}
		default:
			p.failAt(atoms[1].pos-1, "", "%s takes one number, a comparison (>=3) or a range (3..5)", f.Line)
		}
		return c
	case KindTime, KindDate:
		switch {
		case one:
			v := p.time(f, a)
			switch v.(type) {
			case Ago:
				p.because(ReasonRelativeTimeCmp, "field", f.Line, "value", a.text).failAt(a.pos, "", "a relative time needs < or >: %s:<%s is within the last %s, %s:>%s longer ago", f.Line, a.text, a.text, f.Line, a.text)
			case Instant:
				p.failAt(a.pos, "", "an exact time matches (almost) nothing: use a date (YYYY-MM-DD), a comparison (>...) or a range (a..b)")
			}
			c.Op, c.Value = Eq, v
		case sep == '.':
			lo, hi := p.time(f, a), p.time(f, atoms[1])
			if a1, ok := lo.(Ago); ok {
				if a2, ok := hi.(Ago); ok {
					// Ages: 30d..90d is between 90 and 30 days ago.
					lo, hi = a2, a1
				}
			}
			c.Op, c.Value = Between, Range{Lo: lo, Hi: hi}
		default:
			p.failAt(atoms[1].pos-1, "", "%s takes one date, a comparison (>2026-01-01, <30d) or a range (a..b)", f.Line)
		}
		return c
	}
	p.failAt(a.pos, "", "%s cannot be filtered here", f.Line)
	return c
}

// text resolves a text value; enum values are names in any case or labels.
func (p *parser) text(f *Field, a atom) string {
	if f.Kind != KindEnum {
		return a.text
	}
	v, ok := f.enumValue(a.text)
	if !ok {
		examples := ""
		for _, l := range f.labels[f.Enum[len(f.Enum)/2]] {
			if bareValue(l, KindEnum) {
				examples = fmt.Sprintf(" or a label such as %s", l)
				break
			}
		}
		p.because(ReasonNotAValue, "value", a.text, "field", f.Line, "choices", strings.Join(f.Enum, ", ")).
			failAt(a.pos, "a "+f.Line, "%s is not a %s: expected one of %s%s", quote(a.text), f.Line, strings.Join(f.Enum, ", "), examples)
	}
	return v
}

func (p *parser) number(f *Field, a atom) Value {
	if a.quoted {
		p.failAt(a.pos, "a number", "expected a number for %s, found a quoted text", f.Line)
	}
	switch f.Kind {
	case KindInt:
		n, err := strconv.ParseInt(a.text, 10, 64)
		if err != nil {
			p.failAt(a.pos, "an integer", "expected an integer for %s, found %s", f.Line, quote(a.text))
		}
		return Int(n)
	case KindFloat:
		x, err := strconv.ParseFloat(a.text, 64)
		if err != nil || strings.ContainsAny(a.text, "xXnNiIpP_") {
			p.failAt(a.pos, "a number", "expected a number for %s, found %s", f.Line, quote(a.text))
		}
		return Float(x)
	}
	m, err := parseAmount(a.text)
	if err != nil {
		p.failAt(a.pos, "an amount", "expected an amount in yuan for %s such as 500000, 12500.50 or 50万: %s %v", f.Line, quote(a.text), err)
	}
	return Money(m)
}

// parseAmount reads yuan with at most two decimals, optionally in 万
// (ten thousand): 50万 is 500000.
func parseAmount(s string) (crm.Money, error) {
	if w, ok := strings.CutSuffix(s, "万"); ok {
		m, err := crm.ParseMoney(w)
		if err != nil {
			return 0, err
		}
		if m > crm.MaxMoney/10000 {
			return 0, fmt.Errorf("is too large")
		}
		return m * 10000, nil
	}
	return crm.ParseMoney(s)
}

// time reads a date (2026-01-01, 2026/1/1, 2026年1月1日), an RFC 3339 time or
// a relative time (90d).
func (p *parser) time(f *Field, a atom) Value {
	if d, ok := ParseDuration(a.text); ok && !a.quoted {
		return Ago(d)
	}
	if d, ok := parseDate(a.text); ok {
		return d
	}
	if f.Kind == KindTime {
		if t, err := time.Parse(time.RFC3339Nano, a.text); err == nil {
			return At(t)
		}
	}
	exp := "a date (YYYY-MM-DD), a time (RFC 3339) or a relative time such as 90d"
	if f.Kind == KindDate {
		exp = "a date (YYYY-MM-DD) or a relative time such as 90d"
	}
	p.failAt(a.pos, exp, "expected %s for %s, found %s", exp, f.Line, quote(a.text))
	return nil
}

func parseDate(s string) (Date, bool) {
	var y, m, d int
	var ok bool
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, m, d, ok = digits3(s[:4], s[5:7], s[8:])
	case strings.Count(s, "/") == 2:
		parts := strings.Split(s, "/")
		y, m, d, ok = digits3(parts[0], parts[1], parts[2])
	case strings.HasSuffix(s, "日") && strings.Contains(s, "年") && strings.Contains(s, "月"):
		ys, rest, _ := strings.Cut(strings.TrimSuffix(s, "日"), "年")
		ms, ds, _ := strings.Cut(rest, "月")
		y, m, d, ok = digits3(ys, ms, ds)
	}
	if !ok || len(strconv.Itoa(y)) != 4 {
		return Date{}, false
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	return date, date.valid()
}

func digits3(a, b, c string) (int, int, int, bool) {
	var out [3]int
	for i, s := range []string{a, b, c} {
		if s == "" || len(s) > 4 {
			return 0, 0, 0, false
		}
		for j := 0; j < len(s); j++ {
			if s[j] < '0' || s[j] > '9' {
				return 0, 0, 0, false
			}
			out[i] = out[i]*10 + int(s[j]-'0')
		}
	}
	return out[0], out[1], out[2], true
}

// window shorthands: name(90d):>=3.
var windows = map[string]string{
	"visits": "visits", "拜访": "visits",
	"interactions": "interactions", "互动": "interactions",
	"complaints": "complaints", "投诉": "complaints",
	"deals": "deals", "成交额": "deals",
	"deal-change": "deal-change", "成交额变化": "deal-change",
}

// window expands a shorthand into its aggregate.
func window(name string, d Duration) Agg {
	since := Cond{Field: "at", Op: Gte, Value: Ago(d)}
	switch name {
	case "visits":
		return Agg{Array: Interactions, Fn: Count, Where: And{Nodes: []Node{Cond{Field: "channel", Op: Eq, Value: String(crm.ChannelVisit)}, since}}}
	case "complaints":
		return Agg{Array: Interactions, Fn: Count, Where: And{Nodes: []Node{Cond{Field: "keyEvent", Op: Eq, Value: String(crm.KeyEventComplaint)}, since}}}
	case "deals":
		return Agg{Array: Deals, Fn: Sum, Where: Cond{Field: "date", Op: Gte, Value: Ago(d)}}
	case "deal-change":
		return Agg{Array: Deals, Fn: Change, Window: d}
	}
	return Agg{Array: Interactions, Fn: Count, Where: since}
}

func arrayByLine(name string) Array {
	for a, info := range arrays {
		if strings.EqualFold(info.line, name) {
			return a
		}
		for _, al := range info.aliases {
			if al == name {
				return a
			}
		}
	}
	return ""
}

// array parses array.quantifier(...), array.count(...):cmp,
// deals.sum(...):cmp and the window shorthands such as visits(90d):>=3.
func (p *parser) array(scope Array, name string, start int, neg bool) Node {
	if scope != Customer {
		p.failAt(start, "", "%s(...) applies to customers only: quantifiers do not nest", name)
	}
	head, fn, dotted := strings.Cut(name, ".")
	var n Node
	if !dotted {
		w, ok := windows[strings.ToLower(head)]
		if !ok {
			p.failAt(start, "", "unknown %q(...) (expected visits(90d), interactions(90d), complaints(180d), deals(365d), deal-change(12m), or an array such as interactions.some(...))", name)
		}
		p.next() // (
		p.space()
		a := p.i
		for !p.end() && p.sym() != ')' && p.sym() != ' ' {
			p.next()
		}
		d, ok := ParseDuration(p.s[a:p.i])
		if !ok || !d.valid() {
			p.failAt(a, "a relative time such as 90d", "expected a relative time such as 90d, 12w, 6m or 1y (at most 100y) in %s(...)", head)
		}
		if twice := (Duration{N: 2 * d.N, Unit: d.Unit}); w == "deal-change" && (d.N < 1 || !twice.valid()) {
			p.failAt(a, "a relative time such as 12m", "expected a window from 1d to 50y such as 12m in %s(...)", head)
		}
		p.space()
		if p.sym() != ')' {
			p.fail("\")\"")
		}
		p.next()
		agg := window(w, d)
		agg.Op, agg.Value = p.aggCmp(agg.Fn, p.s[start:p.i])
		n = agg
	} else {
		arr := arrayByLine(head)
		if arr == "" {
			p.failAt(start, "an array", "unknown array %q (expected %s)", head, arrayLines())
		}
		fn = strings.ToLower(fn)
		open := p.i
		p.next() // (
		p.enter(open)
		where := p.or(arr)
		p.space()
		if p.sym() != ')' {
			if p.end() {
				p.because(ReasonUnclosedParen, "open", utf8.RuneCountInString(p.s[:open])+1).
					failAt(p.i, "\")\"", "expected \")\" to close the \"(\" at %d", utf8.RuneCountInString(p.s[:open])+1)
			}
			p.fail("\")\"")
		}
		p.next()
		p.depth--
		switch fn {
		case "some", "none", "every":
			n = Quant{Array: arr, Q: Quantifier(fn), Where: Normalize(where)}
			p.endOfTerm()
		case "count", "sum":
			if fn == "sum" && arrays[arr].sum == "" {
				p.failAt(start, "", "sum is offered for deals only (the sum of their amounts)")
			}
			agg := Agg{Array: arr, Fn: AggFn(fn), Where: Normalize(where)}
			agg.Op, agg.Value = p.aggCmp(agg.Fn, p.s[start:p.i])
			n = agg
		default:
			p.failAt(start+len(head)+1, "some, none, every, count or sum", "expected some, none, every, count or sum after %q, found %q", head+".", fn)
		}
	}
	if neg {
		n = Not{Node: n}
	}
	return n
}

// aggCmp reads the ":>=3" after an aggregate.
func (p *parser) aggCmp(fn AggFn, label string) (Op, Value) {
	if p.sym() != ':' {
		p.fail(fmt.Sprintf("\":\" and a comparison after %s, e.g. %s:>=3", label, label))
	}
	p.next()
	label += ":"
	c := p.cmp()
	label += c
	if p.delim() {
		p.failAt(p.i, "a number after \""+label+"\"", "expected a number after %q", label)
	}
	start := p.i
	for !p.delim() {
		p.next()
	}
	text := p.s[start:p.i]
	if fn == Change {
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(text, "+"), "%"), 10, 64)
		if err != nil || n < -MaxChangePercent || n > MaxChangePercent {
			p.failAt(start, "a percent", "expected a whole percent such as 30 or -30 after %q, found %s", label, quote(text))
		}
		return cmpOps[c], Int(n)
	}
	if fn == Sum {
		m, err := parseAmount(text)
		if err != nil {
			p.failAt(start, "an amount", "expected an amount in yuan after %q such as 500000 or 50万: %s %v", label, quote(text), err)
		}
		return cmpOps[c], Money(m)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 0 {
		p.failAt(start, "a count", "expected a count (0, 1, 2 ...) after %q, found %s", label, quote(text))
	}
	return cmpOps[c], Int(n)
}

func kindName(k Kind) string {
	switch k {
	case KindString:
		return "text"
	case KindEnum:
		return "choice"
	case KindOwner:
		return "user"
	case KindTags:
		return "tag"
	case KindUsers:
		return "user list"
	case KindBool:
		return "yes/no"
	}
	return string(k)
}

// lineNames lists the query-line names of a scope, for error messages.
func lineNames(scope Array) string {
	var names []string
	for _, f := range catalog {
		if f.Scope == scope && f.Line != "" {
			names = append(names, f.Line)
		}
	}
	return strings.Join(names, ", ")
}

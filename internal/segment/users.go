package segment

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons of user-valued operands (owner, by) that name no user or several
// (docs/API.md lists them).
const (
	ReasonUnknownUser   crm.Reason = "UNKNOWN_USER"   // params: value
	ReasonAmbiguousUser crm.Reason = "AMBIGUOUS_USER" // params: value, ids
)

// UserLookup returns the ids of the users a user-valued operand names (see
// UserDirectory). An error is a failure to read the users (INTERNAL), not
// an unknown name.
type UserLookup func(value string) ([]string, error)

// UserDirectory looks users up among users: the user with that id; else the
// users with that e-mail; else the users with that display name (e-mails
// and names ignore case and surrounding spaces). Disabled users are found
// too: the customers they owned and the interactions they logged stay
// theirs.
func UserDirectory(users []*crm.User) UserLookup {
	byID := make(map[string]bool, len(users))
	byEmail := map[string][]string{}
	byName := map[string][]string{}
	for _, u := range users {
		byID[u.ID] = true
		if e := foldKey(u.Email); e != "" {
			byEmail[e] = append(byEmail[e], u.ID)
		}
		if n := foldKey(u.Name); n != "" {
			byName[n] = append(byName[n], u.ID)
		}
	}
	return func(v string) ([]string, error) {
		if byID[v] {
			return []string{v}, nil
		}
		k := foldKey(v)
		if ids := byEmail[k]; len(ids) > 0 {
			return ids, nil
		}
		return byName[k], nil
	}
}

func foldKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// userProblem is an operand that names no user or several.
type userProblem struct {
	path   string // below the root: "owner.eq", "interactions.some.createdBy.in[1]"
	value  string
	ids    []string
	reason crm.Reason
}

func (p userProblem) message() string {
	if p.reason == ReasonAmbiguousUser {
		return "\"" + p.value + "\" names " + strconv.Itoa(len(p.ids)) + " users: give the e-mail or the id of one of them (" +
			strings.Join(p.ids, ", ") + ")"
	}
	return "no user has the id, e-mail or name \"" + p.value + "\""
}

func (p userProblem) params() map[string]any {
	if p.reason == ReasonAmbiguousUser {
		return map[string]any{"value": p.value, "ids": p.ids}
	}
	return map[string]any{"value": p.value}
}

// ResolveUsers returns the tree with the operands of user-valued fields
// (owner, interactions' by and participants: every user-valued field of the catalog) that name
// a user by e-mail or name replaced by the user's id, so filters, and saved
// segments, hold ids. Errors: BAD_USER_INPUT on the operand's path below
// "where" (e.g. where.owner.eq), reason UNKNOWN_USER when no user has that
// id, e-mail or name, AMBIGUOUS_USER when several have that name.
func ResolveUsers(n Node, users UserLookup) (Node, error) {
	out, probs, err := resolveUsers(n, users)
	if err != nil || len(probs) == 0 {
		return out, err
	}
	p := crm.NewProblems().At("where")
	for _, u := range probs {
		p.Fail(u.path, u.reason, u.params(), "%s", u.message())
	}
	return nil, p.Err()
}

// resolveLine is ResolveUsers for a tree parsed from line: the first problem
// is reported on "query" at the position of the operand in the line.
func resolveLine(n Node, line string, users UserLookup) (Node, error) {
	out, probs, err := resolveUsers(n, users)
	if err != nil || len(probs) == 0 {
		return out, err
	}
	u := probs[0]
	off := operandOffset(line, u.value)
	pe := &ParseError{Pos: utf8.RuneCountInString(line[:off]) + 1, Offset: off, Msg: u.message(),
		Reason: u.reason, Params: u.params()}
	return nil, queryError(pe)
}

// operandOffset finds value in line where an operand starts (after ":",
// "," or a quote), else anywhere; 0 when it is not there as written.
func operandOffset(line, value string) int {
	first := -1
	for from := 0; from < len(line); {
		i := strings.Index(line[from:], value)
		if i < 0 {
			break
		}
		i += from
		if first < 0 {
			first = i
		}
		if i > 0 && strings.ContainsRune(":,\"", rune(line[i-1])) {
			return i
		}
		from = i + 1
	}
	return max(first, 0)
}

func resolveUsers(n Node, users UserLookup) (Node, []userProblem, error) {
	r := &userResolver{users: users, cache: map[string][]string{}}
	out := r.node(n, Customer, "")
	return out, r.probs, r.err
}

type userResolver struct {
	users UserLookup
	cache map[string][]string
	probs []userProblem
	err   error
}

func userPath(prefix, p string) string {
	if prefix == "" {
		return p
	}
	return prefix + "." + p
}

func (r *userResolver) node(n Node, scope Array, path string) Node {
	switch n := n.(type) {
	case And:
		out := And{Nodes: make([]Node, len(n.Nodes))}
		for i, c := range n.Nodes {
			out.Nodes[i] = r.node(c, scope, userPath(path, "and["+strconv.Itoa(i)+"]"))
		}
		return out
	case Or:
		out := Or{Nodes: make([]Node, len(n.Nodes))}
		for i, c := range n.Nodes {
			out.Nodes[i] = r.node(c, scope, userPath(path, "or["+strconv.Itoa(i)+"]"))
		}
		return out
	case Not:
		return Not{Node: r.node(n.Node, scope, userPath(path, "not"))}
	case Quant:
		n.Where = r.node(n.Where, n.Array, userPath(path, string(n.Array)+"."+string(n.Q)))
		return n
	case Agg:
		n.Where = r.node(n.Where, n.Array, userPath(path, string(n.Array)+"."+string(n.Fn)+".where"))
		return n
	case Cond:
		f := lookup(scope, n.Field)
		if f == nil || !f.userValued() {
			return n
		}
		p := userPath(path, n.Field+"."+string(n.Op))
		switch v := n.Value.(type) {
		case String:
			if n.Op == Eq || n.Op == Ne {
				n.Value = String(r.id(string(v), p))
			}
		case Strings:
			if n.Op == In || n.Op == NotIn || n.Op == HasAny || n.Op == HasAll || n.Op == HasNone {
				ids := make(Strings, len(v))
				for i, s := range v {
					ids[i] = r.id(s, p+"["+strconv.Itoa(i)+"]")
				}
				n.Value = ids
			}
		}
		return n
	}
	return n
}

// id resolves one operand; on a problem it keeps the operand and notes it.
func (r *userResolver) id(v, path string) string {
	ids, ok := r.cache[v]
	if !ok {
		var err error
		if ids, err = r.users(v); err != nil {
			if r.err == nil {
				r.err = err
			}
			return v
		}
		r.cache[v] = ids
	}
	switch len(ids) {
	case 1:
		return ids[0]
	case 0:
		r.probs = append(r.probs, userProblem{path: path, value: v, reason: ReasonUnknownUser})
	default:
		r.probs = append(r.probs, userProblem{path: path, value: v, ids: ids, reason: ReasonAmbiguousUser})
	}
	return v
}

// ResolveSaved resolves the user operands of a filter about to be saved
// (a where input, or else a query line, as SavedFilters.Canonical takes
// them), so a saved segment keeps ids, which stay right when a user is
// renamed. A filter that does not parse is returned as given, for the
// caller's own checks to report. Errors: as ResolveUsers, and on "query"
// with the position for a line.
func ResolveSaved(where map[string]any, query *string, users UserLookup) (map[string]any, *string, error) {
	switch {
	case where != nil:
		n, err := FromInput("where", where)
		if err != nil || Validate(n) != nil {
			return where, query, nil
		}
		if n, err = ResolveUsers(n, users); err != nil {
			return nil, nil, err
		}
		return ToInput(n), query, nil
	case query != nil:
		n, err := Parse(*query)
		if err != nil {
			return where, query, nil
		}
		if n, err = resolveLine(n, *query, users); err != nil {
			return nil, nil, err
		}
		if line, ok := Format(n); ok {
			return where, &line, nil
		}
		return ToInput(n), nil, nil
	}
	return where, query, nil
}

package segment

import (
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Filter is a compiled segment in the shape the stores take (crm.Filter):
// the in-process program, and the same tree for MongoDB, both resolved
// against the same Options (now, time zone, the acting user).
type Filter struct {
	node Node
	opts Options
	prog *Program
	lean bool
	mask func(*crm.Customer) bool // ForViewer: whose free texts are read masked
}

var (
	_ crm.Filter      = (*Filter)(nil)
	_ crm.PartsReader = (*Filter)(nil)
)

// NewFilter validates and compiles a tree. Errors: BAD_USER_INPUT.
func NewFilter(n Node, o Options) (*Filter, error) {
	if err := Validate(n); err != nil {
		return nil, err
	}
	p, err := Compile(n, o)
	if err != nil {
		return nil, err
	}
	return &Filter{node: n, opts: o, prog: p, lean: p.Lean()}, nil
}

// Match evaluates the filter on a customer.
func (f *Filter) Match(c *crm.Customer) bool { return f.prog.Match(c) }

// Lean reports whether the filter reads nothing a read model's Partial
// customer with its crm.Brief lacks (no interaction summary).
func (f *Filter) Lean() bool { return f.lean }

// Reads returns the parts of a customer with a Brief that Match reads
// besides the Brief (crm.PartsReader; see Program.Reads).
func (f *Filter) Reads() crm.Parts { return f.prog.reads }

// Mongo compiles the filter to one pushed-down MongoDB query document.
func (f *Filter) Mongo() (any, error) {
	filter, _, err := ToMQL(f.node, f.opts)
	return filter, err
}

// Node returns the tree the filter was built from.
func (f *Filter) Node() Node { return f.node }

// FilterOf builds a list's filter from a where input (nil for none) and a
// query line ("" for none), ANDed; nil when neither is given. The API and
// the export take filters this way. With Options.Users, user names and
// e-mails become ids (ResolveUsers). Errors: BAD_USER_INPUT with the path
// (where.and[1]..., or query with the position).
func FilterOf(where map[string]any, query string, o Options) (*Filter, error) {
	var nodes []Node
	if where != nil {
		n, err := FromInput("where", where)
		if err == nil {
			err = Validate(n)
		}
		if err == nil && o.Users != nil {
			n, err = ResolveUsers(n, o.Users)
		}
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if strings.TrimSpace(query) != "" {
		n, err := Parse(query)
		if err == nil && o.Users != nil {
			n, err = resolveLine(n, query, o.Users)
		}
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	switch len(nodes) {
	case 0:
		return nil, nil
	case 1:
		return NewFilter(nodes[0], o)
	}
	return NewFilter(And{Nodes: nodes}, o)
}

// ReadsText reports whether the filter of a where input and a query line
// (as FilterOf takes them) reads free text that a read model's brief lacks
// (an interaction's summary): what the cost model charges more for. An
// input that does not parse reads nothing (its evaluation fails at once).
func ReadsText(where map[string]any, query string) bool {
	if where != nil {
		if n, err := FromInput("where", where); err == nil && !briefable(n) {
			return true
		}
	}
	if strings.TrimSpace(query) != "" {
		if n, err := Parse(query); err == nil && !briefable(n) {
			return true
		}
	}
	return false
}

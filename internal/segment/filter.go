package segment

import "github.com/kehu-crm/kehu/internal/crm"

// Filter is a compiled segment in the shape the stores take (crm.Filter):
// the in-process program, and the same tree for MongoDB, both resolved
// against the same Options (now, time zone, the acting user).
type Filter struct {
	node Node
	opts Options
	prog *Program
	lean bool
}

var _ crm.Filter = (*Filter)(nil)

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

// Mongo compiles the filter to one pushed-down MongoDB query document.
func (f *Filter) Mongo() (any, error) {
	filter, _, err := ToMQL(f.node, f.opts)
	return filter, err
}

// Node returns the tree the filter was built from.
func (f *Filter) Node() Node { return f.node }

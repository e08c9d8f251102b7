package segment

import (
	"fmt"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Elements is a compiled filter of the elements of one nested array: the
// element filter of an aggregate (interactionWhere, dealWhere, needWhere)
// that decides which interactions, deals or needs are counted. It is the
// Where of a quantifier on its own, so it means exactly what
// `interactions.some(...)` means for one element.
type Elements struct {
	array Array
	node  Node // nil: every element
	opts  Options
}

// ElementsFromInput reads the where input of one element of array a (an
// InteractionWhere, NeedWhere, DealWhere, SatisfactionWhere,
// StageChangeWhere ...; nil for every element) and
// compiles it against o. Errors: BAD_USER_INPUT with paths under path
// (interactionWhere.channel.eq).
func ElementsFromInput(path string, a Array, in map[string]any, o Options) (*Elements, error) {
	if in == nil {
		return &Elements{array: a, opts: o}, nil
	}
	problems := crm.NewProblems()
	r := &reader{v: validator{root: problems.At(path)}}
	n := r.where(plain(in), a, problems.At(path), 2)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	n = Normalize(n)
	// Bounds and ranges as a quantifier's Where, reported under path.
	problems = crm.NewProblems()
	v := validator{root: problems.At(path)}
	v.node(n, a, problems.At(path), 2)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	// Compile once to report what only resolution finds (me without a
	// user, an impossible range), under path.
	problems = crm.NewProblems()
	c := &compiler{r: newResolver(o), p: problems}
	switch a {
	case Contacts:
		compileNode[crm.Contact](c, n, a, problems.At(path))
	case Interactions:
		compileNode[crm.Interaction](c, n, a, problems.At(path))
	case Needs:
		compileNode[crm.Need](c, n, a, problems.At(path))
	case Deals:
		compileNode[crm.Deal](c, n, a, problems.At(path))
	case Satisfaction:
		compileNode[crm.Satisfaction](c, n, a, problems.At(path))
	case StageHistory:
		compileNode[crm.StageChange](c, n, a, problems.At(path))
	case ServiceRequests:
		compileNode[crm.ServiceRequest](c, n, a, problems.At(path))
	case Tasks:
		compileNode[crm.Task](c, n, a, problems.At(path))
	default:
		return nil, crm.Internal(fmt.Errorf("segment: no element filter for array %q", a))
	}
	if c.r.failed != nil {
		return nil, crm.Internal(c.r.failed)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return &Elements{array: a, node: n, opts: o}, nil
}

// Lean reports whether the filter reads only what a crm.Brief holds (no
// interaction summary): what ElementPredicate on a brief type needs.
func (e *Elements) Lean() bool { return e.node == nil || briefable(e.Some()) }

// Array is the nested array the filter is about.
func (e *Elements) Array() Array { return e.array }

// Node is the element tree; nil when every element is taken.
func (e *Elements) Node() Node { return e.node }

// Some is the customer filter "has such an element": interactions.some(...).
func (e *Elements) Some() Node { return Quant{Array: e.array, Q: Some, Where: e.node} }

// ElementPredicate compiles f for elements of type E: crm.Interaction,
// crm.Need, crm.Deal ... (a document's), or their brief types
// (crm.BriefInteraction ...). The predicate does not allocate and is safe
// for concurrent use. It panics when E is not an element type of f's array.
func ElementPredicate[E any](f *Elements) func(*E) bool {
	if f.node == nil {
		return func(*E) bool { return true }
	}
	problems := crm.NewProblems()
	c := &compiler{r: newResolver(f.opts), p: problems, brief: true}
	var z E
	switch any(&z).(type) {
	case *crm.Contact, *crm.BriefContact:
		checkArray(f, Contacts)
	case *crm.Interaction, *crm.BriefInteraction:
		checkArray(f, Interactions)
	case *crm.Need, *crm.BriefNeed:
		checkArray(f, Needs)
	case *crm.Deal, *crm.BriefDeal:
		checkArray(f, Deals)
	case *crm.Satisfaction, *crm.BriefSatisfaction:
		checkArray(f, Satisfaction)
	case *crm.StageChange, *crm.BriefStageChange:
		checkArray(f, StageHistory)
	case *crm.ServiceRequest, *crm.BriefServiceRequest:
		checkArray(f, ServiceRequests)
	case *crm.Task, *crm.BriefTask:
		checkArray(f, Tasks)
	default:
		panic(fmt.Sprintf("segment: %T is not an element type", z))
	}
	p := compileNode[E](c, f.node, f.array, problems)
	if c.r.failed != nil || problems.Err() != nil {
		// ElementsFromInput compiled the same tree without error.
		panic(fmt.Sprintf("segment: element filter no longer compiles: %v %v", c.r.failed, problems.Err()))
	}
	return p
}

func checkArray(f *Elements, a Array) {
	if f.array != a {
		panic(fmt.Sprintf("segment: a filter of %s used on %s", f.array, a))
	}
}

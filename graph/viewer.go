package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

// The viewerCan* fields only ask internal/crm/policy.go; nothing here
// decides anything.

// viewerCan applies a policy decision about c to the signed-in user.
func viewerCan(ctx context.Context, c *crm.Customer, can func(crm.Actor, *crm.Customer) bool) (bool, error) {
	a, _ := auth.ActorFrom(ctx)
	return can(a, c), nil
}

// viewerCanChangeRecord answers viewerCanEdit of a record nested in a
// customer: records are only reachable through Customer, whose resolved
// value sits above the record in the field path.
func viewerCanChangeRecord(ctx context.Context, kind crm.RecordKind, author string) (bool, error) {
	c := enclosingCustomer(ctx)
	if c == nil {
		return false, nil
	}
	a, _ := auth.ActorFrom(ctx)
	return a.CanChangeRecord(c, kind, author), nil
}

func enclosingCustomer(ctx context.Context) *crm.Customer {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		switch c := fc.Result.(type) {
		case *crm.Customer:
			return c
		case crm.Customer:
			return &c
		}
	}
	return nil
}

// visibleUser shows u as the signed-in user may see it (crm.VisibleUser).
func visibleUser(ctx context.Context, u *crm.User) *crm.User {
	a, _ := auth.ActorFrom(ctx)
	return crm.VisibleUser(a, u)
}

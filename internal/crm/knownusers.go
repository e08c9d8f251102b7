package crm

import "context"

// A bulk operation (an import drafts thousands of customers) reads the
// users once and hands them down in the context: the checks of owners and
// collaborators then look them up there instead of reading the store for
// each customer.

type knownUsersKey struct{}

// WithKnownUsers returns ctx carrying users (every user, as the store has
// them now): checks of owners and collaborators under it use them.
func WithKnownUsers(ctx context.Context, users []*User) context.Context {
	byID := make(map[string]*User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	return context.WithValue(ctx, knownUsersKey{}, byID)
}

// usersOf returns the users of ids that exist: from the context's known
// users when it has them, else from the store.
func (s *Service) usersOf(ctx context.Context, ids []string) ([]*User, error) {
	known, ok := ctx.Value(knownUsersKey{}).(map[string]*User)
	if !ok {
		return s.Store.Users().GetMany(ctx, ids)
	}
	var out []*User
	for _, id := range ids {
		if u := known[id]; u != nil {
			out = append(out, u)
		}
	}
	return out, nil
}

package segment

import (
	"context"
	"sync"

	"github.com/kehu-crm/kehu/internal/crm"
)

// VisibleUserDirectory reads the users a's filter operands may name, as a
// sees them (crm.VisibleUser: e-mails only where a may read them), into a
// UserLookup. The API and the export both build their lookups with it.
func VisibleUserDirectory(ctx context.Context, users crm.UserStore, a crm.Actor) (UserLookup, error) {
	list, err := users.List(ctx)
	if err != nil {
		return nil, err
	}
	visible := make([]*crm.User, len(list))
	for i, u := range list {
		visible[i] = crm.VisibleUser(a, u)
	}
	return UserDirectory(visible), nil
}

// LazyUserDirectory is VisibleUserDirectory read on the first operand to
// resolve, once: a filter that names no user reads no users.
func LazyUserDirectory(ctx context.Context, users crm.UserStore, a crm.Actor) UserLookup {
	var (
		once sync.Once
		dir  UserLookup
		err  error
	)
	return func(v string) ([]string, error) {
		once.Do(func() { dir, err = VisibleUserDirectory(ctx, users, a) })
		if err != nil {
			return nil, err
		}
		return dir(v)
	}
}

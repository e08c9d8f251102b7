package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// userStore is the crm.UserStore view of a Store.
type userStore Store

var _ crm.UserStore = (*userStore)(nil)

// Insert stores u with Version 1. Errors: CONFLICT on "email" (or "id").
func (us *userStore) Insert(ctx context.Context, u *crm.User) error {
	if u == nil {
		return crm.Internal(errors.New("sqlite: insert user: nil user"))
	}
	orig := *u
	if u.ID == "" {
		u.ID = crm.NewID()
	}
	u.Version = 1
	doc, err := bson.Marshal(u)
	if err != nil {
		*u = orig
		return crm.Internal(fmt.Errorf("sqlite: encode user: %w", err))
	}
	defer us.usersGen.Add(1)
	err = (*Store)(us).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		_, err := tx.ExecContext(ctx, "INSERT INTO users (id, email, version, doc) VALUES (?, ?, ?, ?)",
			u.ID, u.Email, u.Version, doc)
		if err != nil {
			return nil, execErr("insert user", err)
		}
		return nil, nil
	})
	if err != nil {
		u.ID, u.Version = orig.ID, orig.Version
	}
	return err
}

// Replace writes u when the stored version is expectedVersion; u.Version must
// be expectedVersion+1.
func (us *userStore) Replace(ctx context.Context, u *crm.User, expectedVersion int64) error {
	if u == nil {
		return crm.Internal(errors.New("sqlite: replace user: nil user"))
	}
	if u.Version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("sqlite: replace user: version %d, want expected version %d + 1", u.Version, expectedVersion))
	}
	doc, err := bson.Marshal(u)
	if err != nil {
		return crm.Internal(fmt.Errorf("sqlite: encode user: %w", err))
	}
	defer us.usersGen.Add(1)
	return (*Store)(us).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		res, err := tx.ExecContext(ctx, "UPDATE users SET email = ?, version = ?, doc = ? WHERE id = ? AND version = ?",
			u.Email, u.Version, doc, u.ID, expectedVersion)
		if err != nil {
			return nil, execErr("update user", err)
		}
		return nil, versionCheck(ctx, tx, res, "users", "user", u.ID)
	})
}

// Get reads a user by id. Errors: NOT_FOUND.
func (us *userStore) Get(ctx context.Context, id string) (*crm.User, error) {
	return us.getBy(ctx, "id", id)
}

// GetByEmail reads a user by (normalized) email. Errors: NOT_FOUND.
func (us *userStore) GetByEmail(ctx context.Context, email string) (*crm.User, error) {
	return us.getBy(ctx, "email", email)
}

func (us *userStore) getBy(ctx context.Context, column, key string) (*crm.User, error) {
	var doc []byte
	err := us.rdb.QueryRowContext(ctx, "SELECT doc FROM users WHERE "+column+" = ?", key).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.NotFound("user", key)
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get user: %w", err))
	}
	u := new(crm.User)
	if err := bson.Unmarshal(doc, u); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode user %s: %w", key, err))
	}
	return u, nil
}

// GetMany returns the users of ids that exist, in the order of ids.
func (us *userStore) GetMany(ctx context.Context, ids []string) ([]*crm.User, error) {
	byID := make(map[string]*crm.User, len(ids))
	err := queryIn(ctx, us.rdb, "SELECT doc FROM users WHERE id IN", ids, func(doc []byte) error {
		u := new(crm.User)
		if err := bson.Unmarshal(doc, u); err != nil {
			return fmt.Errorf("decode user: %w", err)
		}
		byID[u.ID] = u
		return nil
	})
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get users: %w", err))
	}
	out := make([]*crm.User, 0, len(byID))
	for _, id := range ids {
		if u, ok := byID[id]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// List returns every user ordered by email.
func (us *userStore) List(ctx context.Context) ([]*crm.User, error) {
	if l := us.users.Load(); l != nil && l.gen == us.usersGen.Load() {
		return l.copies(), nil
	}
	gen := us.usersGen.Load() // before reading: a write after this makes the list stale
	out, err := us.listFromDB(ctx)
	if err != nil {
		return nil, err
	}
	l := &userList{gen: gen, users: make([]crm.User, len(out))}
	for i, u := range out {
		l.users[i] = *u
	}
	us.users.Store(l)
	return out, nil
}

// userList is a cached user list of one generation (Store.usersGen).
type userList struct {
	gen   uint64
	users []crm.User
}

// copies returns the users as new values: callers may change them.
func (l *userList) copies() []*crm.User {
	out := make([]*crm.User, len(l.users))
	for i := range l.users {
		u := l.users[i]
		out[i] = &u
	}
	return out
}

func (us *userStore) listFromDB(ctx context.Context) ([]*crm.User, error) {
	rows, err := us.rdb.QueryContext(ctx, "SELECT doc FROM users ORDER BY email")
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list users: %w", err))
	}
	defer rows.Close()
	out := []*crm.User{}
	for rows.Next() {
		var doc sql.RawBytes
		if err := rows.Scan(&doc); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: list users: %w", err))
		}
		u := new(crm.User)
		if err := bson.Unmarshal(doc, u); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: decode user: %w", err))
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list users: %w", err))
	}
	return out, nil
}

// Count returns the number of users.
func (us *userStore) Count(ctx context.Context) (int, error) {
	var n int
	if err := us.rdb.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, crm.Internal(fmt.Errorf("sqlite: count users: %w", err))
	}
	return n, nil
}

// sessionStore is the crm.SessionStore view of a Store.
type sessionStore Store

var _ crm.SessionStore = (*sessionStore)(nil)

// Insert stores a session. Errors: CONFLICT on "id".
func (ss *sessionStore) Insert(ctx context.Context, sess *crm.Session) error {
	if sess == nil {
		return crm.Internal(errors.New("sqlite: insert session: nil session"))
	}
	doc, err := bson.Marshal(sess)
	if err != nil {
		return crm.Internal(fmt.Errorf("sqlite: encode session: %w", err))
	}
	return (*Store)(ss).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (id, user_id, expires_at, doc) VALUES (?, ?, ?, ?)",
			sess.ID, sess.UserID, sess.ExpiresAt.UnixMilli(), doc)
		if err != nil {
			return nil, execErr("insert session", err)
		}
		return nil, nil
	})
}

// Get reads a session by id. Errors: NOT_FOUND. It does not check the
// expiry: the caller compares ExpiresAt with its clock, and DeleteExpired
// sweeps expired sessions.
func (ss *sessionStore) Get(ctx context.Context, id string) (*crm.Session, error) {
	var doc []byte
	err := ss.rdb.QueryRowContext(ctx, "SELECT doc FROM sessions WHERE id = ?", id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.Errorf(crm.CodeNotFound, "session not found")
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get session: %w", err))
	}
	sess := new(crm.Session)
	if err := bson.Unmarshal(doc, sess); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode session: %w", err))
	}
	return sess, nil
}

// Delete removes a session; a missing one is not an error.
func (ss *sessionStore) Delete(ctx context.Context, id string) error {
	_, err := ss.exec(ctx, "DELETE FROM sessions WHERE id = ?", id)
	return err
}

// DeleteUser removes every session of a user.
func (ss *sessionStore) DeleteUser(ctx context.Context, userID string) error {
	_, err := ss.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return err
}

// DeleteExpired removes the sessions whose ExpiresAt is before now and
// returns how many it removed.
func (ss *sessionStore) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	n, err := ss.exec(ctx, "DELETE FROM sessions WHERE expires_at < ?", now.UnixMilli())
	return int(n), err
}

// exec runs one statement in a write transaction and returns the rows it
// changed.
func (ss *sessionStore) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := (*Store)(ss).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return nil, execErr("delete sessions", err)
		}
		n, err = res.RowsAffected()
		return nil, err
	})
	return n, err
}

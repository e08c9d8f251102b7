// Package auth signs staff in and out and decides who they are.
//
// It owns staff accounts (create, update, list, the first administrator),
// password hashing (argon2id in PHC strings), sign-in sessions (opaque
// bearer tokens whose SHA-256 is the stored session id), the password
// policy (with an embedded list of common passwords), the sign-in limiter
// (progressive delays, never a lock-out), the client behind trusted proxies
// (ClientOf), and the principal carried in a request's context.
//
// It talks only to the crm ports (crm.UserStore, crm.SessionStore) and
// returns *crm.Error values, so the GraphQL edge maps its failures to
// extensions.code like any other domain error:
//
//	UNAUTHENTICATED  wrong email or password, missing/expired/unknown session
//	RATE_LIMITED     a sign-in attempt while its wait runs (see RetryAt for when to retry)
//	FORBIDDEN        the actor's role may not manage users
//	BAD_USER_INPUT   invalid email, name, role or password, with the field
//	NOT_FOUND        UpdateUser on an unknown id
//	CONFLICT         duplicate email (field "email") or a stale version
//	INTERNAL         anything unexpected (store failures, corrupt hashes)
//
// Users returned by this package never carry their PasswordHash.
package auth

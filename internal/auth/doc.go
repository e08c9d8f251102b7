// Package auth signs staff in and out and decides who they are.
//
// It owns staff accounts (create, update, list, the first administrator),
// password hashing (argon2id in PHC strings), sign-in sessions (opaque
// bearer tokens whose SHA-256 is the stored session id), the password
// policy (with an embedded list of common passwords), the sign-in limiter
// (progressive delays, never a lock-out), API tokens for dashboards
// (apitoken.go: kehu_at_ secrets kept as their SHA-256, read-only ANALYST
// principals, a rate per token), the client behind trusted proxies
// (ClientOf), and the principal carried in a request's context.
//
// It talks only to the crm ports (crm.UserStore, crm.SessionStore,
// crm.APITokenStore) and returns *crm.Error values, so the GraphQL edge
// maps its failures to extensions.code like any other domain error:
//
//	UNAUTHENTICATED  wrong email or password, missing/expired/unknown session or API token
//	RATE_LIMITED     a sign-in attempt while its wait runs, an API token over its rate (RetryAt)
//	FORBIDDEN        the actor's role may not manage users or API tokens
//	BAD_USER_INPUT   invalid email, name, role or password, with the field
//	NOT_FOUND        UpdateUser on an unknown id
//	CONFLICT         duplicate email (field "email") or a stale version
//	INTERNAL         anything unexpected (store failures, corrupt hashes)
//
// Users returned by this package never carry their PasswordHash.
package auth

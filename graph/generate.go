// Package graph is the GraphQL edge: the generated executor, thin resolvers
// that call the domain services, error mapping and request limits.
package graph

//go:generate go -C .. tool gqlgen generate

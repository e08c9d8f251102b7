// Package docs embeds the Markdown documentation, so the server lists the
// GraphQL examples of the docs in /graphiql (server/examples.go).
package docs

import "embed"

// Files holds every docs/*.md.
//
//go:embed *.md
var Files embed.FS

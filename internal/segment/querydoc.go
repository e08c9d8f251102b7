package segment

import _ "embed"

// QueryDoc is QUERY.md, the filter language's reference; the server lists
// its GraphQL examples in /graphiql.
//
//go:embed QUERY.md
var QueryDoc []byte

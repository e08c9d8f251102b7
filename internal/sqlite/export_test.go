package sqlite

import "reflect"

// LeanDocType lets the external tests check that the read model decodes
// every field of crm.Customer it keeps.
var LeanDocType = reflect.TypeFor[leanDoc]()

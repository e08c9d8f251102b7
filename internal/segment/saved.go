package segment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kehu-crm/kehu/internal/crm"
)

// SavedFilters checks the filters of saved segments for crm.Service: it is
// the crm.SegmentFilters that internal/crm cannot build itself.
type SavedFilters struct{}

var _ crm.SegmentFilters = SavedFilters{}

// Canonical reads a filter from its where input (when where is not nil) or
// its query line, and returns the canonical where input as JSON text (keys
// sorted) and the canonical query line ("" when the filter has none).
// Errors: BAD_USER_INPUT with the path below "where", or "query" with the
// position.
func (SavedFilters) Canonical(where map[string]any, query *string) (whereJSON, line string, err error) {
	var n Node
	switch {
	case where != nil:
		n, err = FromInput("where", where)
	case query != nil:
		n, err = Parse(*query)
	}
	if err != nil {
		return "", "", err
	}
	if err := Validate(n); err != nil {
		return "", "", err
	}
	b, err := json.Marshal(ToInput(n))
	if err != nil {
		return "", "", crm.Internal(fmt.Errorf("segment: encode where: %w", err))
	}
	line, _ = Format(n)
	return string(b), line, nil
}

// SavedWhere decodes the where input a saved segment keeps (the JSON of
// SavedFilters.Canonical) into the value FromInput reads; numbers stay
// json.Number, so integers and decimals come back exactly.
func SavedWhere(whereJSON string) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(whereJSON)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, crm.Internal(fmt.Errorf("segment: stored where is not JSON: %w", err))
	}
	if m == nil || d.More() {
		return nil, crm.Internal(errors.New("segment: stored where is not one JSON object"))
	}
	return m, nil
}

package cells

import "strings"

// tagSeparator reports the runes a tag cell is split at (after width
// folding): , ， 、 ; ； and line breaks.
func tagSeparator(r rune) bool {
	switch r {
	case ',', '、', ';', '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// Tags splits a tag cell ("高意向，价格敏感型、VIP") into its tags: split at
// , ， 、 ; ； and line breaks, each folded (Fold: width, spaces), empty ones
// dropped, the first of equal ones kept. It never fails; the tags' own
// limits are crm.CheckTags'. The Note's To is the tags joined with ",",
// as the export writes them; there is no Note when that is the cell.
func Tags(s string) ([]string, Note) {
	var tags []string
	seen := map[string]bool{}
	for _, t := range splitList(s, tagSeparator) {
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	return tags, note(s, strings.Join(tags, ","), false)
}

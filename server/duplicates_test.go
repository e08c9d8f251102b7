package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// docBlocks returns the fenced blocks of a language in a section of
// docs/API.md (from its heading to the next "## ").
func docBlocks(t *testing.T, heading, lang string) []string {
	t.Helper()
	raw, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("docs/API.md has no %q", heading)
	}
	sec := doc[start+len(heading)+2:]
	if end := strings.Index(sec, "\n## "); end >= 0 {
		sec = sec[:end]
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(sec, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestPossibleDuplicatesDocExample runs docs/API.md's example as written:
// the createCustomer example, then the duplicate check with its variables,
// as the owner, another rep and a manager.
func TestPossibleDuplicatesDocExample(t *testing.T) {
	ts := newTestServer(t)
	_, owner := ts.user(t, "owner@kehu.local", crm.RoleSales)
	_, other := ts.user(t, "other@kehu.local", crm.RoleSales)
	var create string
	for _, b := range docBlocks(t, "## Example queries", "graphql") {
		if strings.Contains(b, "createCustomer(") {
			create = b
		}
	}
	if create == "" {
		t.Fatal("no createCustomer example")
	}
	ts.post(t, owner, create, nil).ok(t, nil)

	queries := docBlocks(t, "## Possible duplicates before creating a customer", "graphql")
	jsons := docBlocks(t, "## Possible duplicates before creating a customer", "json")
	if len(queries) != 1 || len(jsons) < 1 {
		t.Fatalf("%d queries, %d JSON blocks", len(queries), len(jsons))
	}
	var vars map[string]any
	if err := json.Unmarshal([]byte(jsons[0]), &vars); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		PossibleDuplicates []struct {
			Reasons  []string
			Customer struct {
				Name     string
				Contacts []struct{ Phone string }
			}
		}
	}
	for _, c := range []struct {
		who, token string
		reasons    []string
		phone      string
	}{
		{"owner", owner, []string{"NAME", "PHONE"}, "13812345678"},
		{"manager", ts.admin, []string{"NAME", "PHONE"}, "13812345678"},
		{"another rep", other, []string{"NAME"}, "138****5678"},
	} {
		var out answer
		ts.post(t, c.token, queries[0], vars).ok(t, &out)
		d := out.PossibleDuplicates
		if len(d) != 1 || d[0].Customer.Name != "杭州云栖科技有限公司" || !slices.Equal(d[0].Reasons, c.reasons) ||
			len(d[0].Customer.Contacts) != 1 || d[0].Customer.Contacts[0].Phone != c.phone {
			t.Errorf("%s: %+v", c.who, d)
		}
	}

	ts.post(t, owner, queries[0], map[string]any{"input": map[string]any{"name": "杭州云栖科技", "limit": 21}}).
		fails(t, "BAD_USER_INPUT", "input.limit")
	ts.post(t, owner, queries[0], map[string]any{"input": map[string]any{"phones": slices.Repeat([]string{"1"}, 21)}}).
		fails(t, "BAD_USER_INPUT", "input.phones")
	ts.post(t, "", queries[0], vars).fails(t, "UNAUTHENTICATED", "")
}

package graph

import (
	"os"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/segment"
)

// TestSegmentSchemaInSync: the filter input types in schema.graphqls are
// exactly what the segment field catalog generates.
func TestSegmentSchemaInSync(t *testing.T) {
	schema, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, line := range strings.Split(segment.GraphQLSchema(), "\n") {
		if len(body) == 0 && (strings.HasPrefix(line, "#") || line == "") {
			continue
		}
		body = append(body, line)
	}
	if !strings.Contains(string(schema), strings.TrimSpace(strings.Join(body, "\n"))) {
		t.Fatal("schema.graphqls does not hold segment.GraphQLSchema(): paste the generated filter types again (see internal/segment/testdata/where.graphqls)")
	}
}

// TestFilterInputsAreMaps: every input type the segment catalog generates
// reaches the resolvers as a map (gqlgen.yml), which segment.FromInput
// reads; a generated Go struct would drop the operators it was given.
func TestFilterInputsAreMaps(t *testing.T) {
	models, err := os.ReadFile("model/models_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(segment.GraphQLSchema(), "\n") {
		name, ok := strings.CutPrefix(line, "input ")
		if !ok {
			continue
		}
		name = strings.Fields(name)[0]
		if strings.Contains(string(models), "type "+name+" struct") {
			t.Errorf("input %s is generated as a struct: map it to map[string]interface{} in gqlgen.yml", name)
		}
	}
}

package mongodb

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/analytics"
)

// TextPrefilter exposes the text index's prefilter to the tests.
var TextPrefilter = textPrefilter

// GramsVersion is the version the store writes on documents with grams.
const GramsVersion = gramsVersion

// CompileAggregate compiles spec's pipeline as Aggregate does, for a scope
// that needs no masked evaluation (the tests' viewer reads every contact),
// and returns it with the decoder of its one output document.
func CompileAggregate(spec *analytics.Spec) (bson.A, func(bson.Raw) (*analytics.Groups, error), error) {
	scope, err := archiveCond(spec.Archive)
	if err != nil {
		return nil, nil, err
	}
	if spec.Scope != nil {
		f, err := mongoFilter(spec.Scope)
		if err != nil {
			return nil, nil, err
		}
		scope = and(bson.A{scope, f})
		if len(scope) == 0 {
			scope = bson.D{}
		}
	}
	p, err := compileAggregate(spec, scope)
	if err != nil {
		return nil, nil, err
	}
	return p.Pipeline(), p.decode, nil
}

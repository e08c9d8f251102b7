package graph

import (
	"context"
	"time"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
)

// The classification rules' fields translate to internal/rules.

func rulesOf(in []model.ClassificationRuleInput) []rules.Rule {
	out := make([]rules.Rule, len(in))
	for i, r := range in {
		out[i] = rules.Rule{Name: r.Name, Priority: r.Priority}
		if r.When != nil {
			out[i].When = *r.When
		}
		if t := r.Then; t != nil {
			out[i].Then = rules.Then{AddTags: t.AddTags, RemoveTags: t.RemoveTags, CadenceDays: t.CadenceDays}
			if t.ValueTier != nil {
				out[i].Then.ValueTier = *t.ValueTier
			}
			if t.Lifecycle != nil {
				out[i].Then.Lifecycle = *t.Lifecycle
			}
		}
	}
	return out
}

var ruleFields = map[rules.Field]model.RuleField{
	rules.ValueTier: model.RuleFieldValueTier, rules.Lifecycle: model.RuleFieldLifecycle,
	rules.CadenceDays: model.RuleFieldCadenceDays, rules.Tag: model.RuleFieldTag,
}

// orNull is nil for "" (an unset value).
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func tagOf(t rules.Target) *string {
	if t.Field == rules.Tag {
		return &t.Tag
	}
	return nil
}

func (r *Resolver) saveRules(ctx context.Context, expectedVersion int, in []model.ClassificationRuleInput) (*rules.Set, error) {
	return asArgs(ctx, func(a crm.Actor) (*rules.Set, error) {
		return r.Rules.SaveRules(ctx, a, int64(expectedVersion), rulesOf(in))
	})
}

func (r *Resolver) previewRules(ctx context.Context, in []model.ClassificationRuleInput, where map[string]any, query, seg *string, first *int, locale *crm.Locale) (*model.RulePreview, error) {
	return asArgs(ctx, func(a crm.Actor) (*model.RulePreview, error) {
		limit := 50
		if first != nil {
			limit = *first
		}
		scope, err := r.scopeFilter(ctx, a, where, query, seg)
		if err != nil {
			return nil, err
		}
		var set []rules.Rule
		if in != nil {
			set = rulesOf(in)
		}
		var f crm.Filter
		if scope != nil {
			f = scope
		}
		pv, prog, err := r.Rules.PreviewRules(ctx, a, set, f, limit)
		if err != nil {
			return nil, err
		}
		loc := r.locale(ctx, a, locale)
		name := func(i int) string { return prog.Set().Rules[i].Name }
		out := &model.RulePreview{Customers: pv.Customers, Changed: pv.Changed, Held: pv.Held,
			Transitions: []model.RuleTransition{}, Changes: []model.RuleChange{}, Lint: []model.RuleFinding{}, Tasks: pv.Tasks}
		if out.Tasks == nil {
			out.Tasks = []rules.TaskEffect{}
		}
		for _, t := range pv.Transitions {
			out.Transitions = append(out.Transitions, model.RuleTransition{Field: ruleFields[t.Target.Field], Tag: tagOf(t.Target),
				From: orNull(t.From), To: orNull(t.To), Customers: t.Customers})
		}
		for _, c := range pv.Changes {
			out.Changes = append(out.Changes, model.RuleChange{CustomerID: c.CustomerID, Code: c.Code, Name: c.Name,
				Field: ruleFields[c.Target.Field], Tag: tagOf(c.Target), From: orNull(c.From), To: orNull(c.To),
				Rule: name(c.Rule), Reason: prog.Reason(c.Rule, loc)})
		}
		for _, x := range pv.Lint {
			f := model.RuleFinding{Kind: model.RuleLintKind(x.Kind), Rules: []string{}, Customers: x.Customers, Message: prog.Text(x, loc)}
			for _, i := range x.Rules {
				f.Rules = append(f.Rules, name(i))
			}
			if x.Field != "" {
				rf := ruleFields[x.Field]
				f.Field = &rf
			}
			if x.Lifecycle != "" {
				l := x.Lifecycle
				f.Lifecycle = &l
			}
			out.Lint = append(out.Lint, f)
		}
		return out, nil
	})
}

func ruleSetUpdatedAt(s *rules.Set) *time.Time {
	if s.Version == 0 {
		return nil
	}
	t := s.UpdatedAt
	return &t
}

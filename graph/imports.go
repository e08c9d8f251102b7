package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/importer"
)

// The import's resolvers translate between the API and importer.Jobs.

// maxSamples bounds ImportColumn.samples.
const maxSamples = 5

func (r *Resolver) detectImportColumns(ctx context.Context, file graphql.Upload, mapping []model.ColumnMappingInput) (*model.ImportColumns, error) {
	return as(ctx, func(a crm.Actor) (*model.ImportColumns, error) {
		d, err := r.Imports.Detect(ctx, a, file.File, file.Filename, corrections(mapping))
		if err != nil {
			return nil, err
		}
		out := &model.ImportColumns{FileName: d.FileName, Format: string(d.Info.Format), HeaderRow: d.HeaderRow,
			Fingerprint: d.Mapping.Fingerprint, Saved: d.Saved, Columns: make([]model.ImportColumn, len(d.Mapping.Columns))}
		if d.Info.Encoding != "" {
			out.Encoding = optional(string(d.Info.Encoding))
		}
		for _, p := range d.Mapping.Problems {
			out.Problems = append(out.Problems, crm.ImportError{Field: p.Field, Reason: p.Reason, Message: p.Message, Params: p.Params})
		}
		for i, c := range d.Mapping.Columns {
			col := model.ImportColumn{Index: c.Index, Letter: columns.Letter(c.Index), Header: c.Header, Candidates: c.Candidates,
				Samples: d.Mapping.Samples(c.Index)}
			if len(col.Samples) > maxSamples {
				col.Samples = col.Samples[:maxSamples]
			}
			if c.Field != "" {
				col.Field, col.How, col.Confidence = optional(c.Field), optional(c.How.String()), optional(c.Confidence.String())
				if t, ok := c.Target(); ok {
					if t.Kind == columns.Money {
						u := model.MoneyUnit(columns.UnitName(c.Unit))
						col.Unit = &u
					}
					if t.Group == columns.Contact {
						n := c.Contact
						col.Contact = &n
					}
				}
			}
			for _, w := range c.Warnings {
				col.Warnings = append(col.Warnings, crm.ImportError{Column: importer.ColumnLabel(c.Index, c.Header), Reason: w.Reason,
					Message: w.Message, Params: w.Params, Warning: true})
			}
			out.Columns[i] = col
		}
		return out, nil
	})
}

func (r *Resolver) importCustomers(ctx context.Context, file graphql.Upload, dryRun bool, mapping []model.ColumnMappingInput, matchBy *importer.MatchKey) (*crm.Import, error) {
	return as(ctx, func(a crm.Actor) (*crm.Import, error) {
		in := importer.JobInput{DryRun: dryRun, Mapping: corrections(mapping)}
		if matchBy != nil {
			in.MatchBy = *matchBy
		}
		return r.Imports.Start(ctx, a, file.File, file.Filename, in)
	})
}

// corrections are the mapping's inputs as columns.Apply takes them.
func corrections(in []model.ColumnMappingInput) []columns.Correction {
	out := make([]columns.Correction, len(in))
	for i, c := range in {
		out[i] = columns.Correction{Column: c.Column}
		if c.Field != nil {
			out[i].Field = *c.Field
		}
		if c.Unit != nil {
			u := cells.Yuan
			if *c.Unit == model.MoneyUnitTenThousand {
				u = cells.TenThousand
			}
			out[i].Unit = &u
		}
		if c.Contact != nil {
			out[i].Contact = *c.Contact
		}
	}
	return out
}

func (r *Resolver) importJob(ctx context.Context, id string) (*crm.Import, error) {
	return as(ctx, func(a crm.Actor) (*crm.Import, error) {
		im, err := r.Imports.Get(ctx, a, id)
		if crm.IsCode(err, crm.CodeNotFound) {
			return nil, nil
		}
		return im, err
	})
}

func (r *Resolver) importJobs(ctx context.Context, first *int, mine *bool) ([]crm.Import, error) {
	return as(ctx, func(a crm.Actor) ([]crm.Import, error) {
		n := 20
		if first != nil {
			n = *first
		}
		list, err := r.Imports.List(ctx, a, mine != nil && *mine, n)
		if err != nil {
			return nil, err
		}
		out := make([]crm.Import, len(list))
		for i, im := range list {
			out[i] = *im
		}
		return out, nil
	})
}

func (r *Resolver) importFields() []model.ImportField {
	ts := columns.Targets()
	out := make([]model.ImportField, len(ts))
	for i, t := range ts {
		out[i] = model.ImportField{Key: t.Key, Zh: t.Zh, En: t.En, Group: t.Group.String(), Kind: t.Kind.String(), Many: t.Many}
	}
	return out
}

// maxImportItems bounds first on ImportJob.errors and outcomes: what the
// job keeps.
const maxImportItems = 1000

// firstN checks a first argument of the job's lists.
func firstN(first *int, def int) (int, error) {
	n := def
	if first != nil {
		n = *first
	}
	if n < 1 || n > maxImportItems {
		p := crm.NewProblems()
		p.Fail("first", crm.ReasonOutOfRange, map[string]any{"min": 1, "max": maxImportItems}, "must be 1 to %d", maxImportItems)
		return 0, p.Err()
	}
	return n, nil
}

func importErrors(im *crm.Import, first *int, warnings *bool) ([]crm.ImportError, error) {
	n, err := firstN(first, 100)
	if err != nil {
		return nil, err
	}
	out := make([]crm.ImportError, 0, min(n, len(im.Errors)))
	for _, e := range im.Errors {
		if len(out) == n {
			break
		}
		if e.Warning && warnings != nil && !*warnings {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func importOutcomes(im *crm.Import, first *int) ([]crm.ImportOutcome, error) {
	n, err := firstN(first, 100)
	if err != nil {
		return nil, err
	}
	return im.Outcomes[:min(n, len(im.Outcomes))], nil
}

// speed is the job's pace (importer.Speed).
func (r *Resolver) speed(im *crm.Import) (perSecond *float64, secondsLeft *int) {
	ps, left, ok := importer.Speed(im, r.CRM.Clock.Now())
	if !ok {
		return nil, nil
	}
	perSecond = &ps
	if !im.Status.Finished() {
		secondsLeft = &left
	}
	return perSecond, secondsLeft
}

// ResultFilePath is where a finished import's file with its result
// columns is downloaded (the server serves it).
func ResultFilePath(id string) string { return "/import/" + id + "/result.xlsx" }

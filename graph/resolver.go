package graph

import (
	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/dedupe"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/quality"
	"github.com/kehu-crm/kehu/internal/rules"
)

// Resolver holds the services the resolvers call (dependency injection).
type Resolver struct {
	CRM *crm.Service
	// Analytics answers the aggregates.
	Analytics *analytics.Service
	// Rules reads, saves and previews the classification rules.
	Rules *rules.Service
	Auth  *auth.Service
	Store crm.Store
	// Imports runs and answers import jobs.
	Imports *importer.Jobs
	// Duplicates finds likely duplicate customers.
	Duplicates *dedupe.Service
	// Quality reports on the data's quality.
	Quality *quality.Service
	// SecureCookies marks the session cookie Secure (set behind HTTPS).
	SecureCookies bool
	// MaxPageSize bounds `first` on lists.
	MaxPageSize int
}

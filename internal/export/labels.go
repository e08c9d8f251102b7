package export

// Enum labels as the browser app shows them: crm's tables (crm.Label). A
// test here checks them against frontend/src/i18n/enums.ts and the query
// line's labels, so the export never uses different words from the app.

import "github.com/kehu-crm/kehu/internal/crm"

type label = crm.Label

var (
	stageLabels        = crm.StageLabels
	valueTierLabels    = crm.ValueTierLabels
	intentGradeLabels  = crm.IntentGradeLabels
	customerTypeLabels = crm.CustomerTypeLabels
	needTypeLabels     = crm.NeedTypeLabels
	contactRoleLabels  = crm.ContactRoleLabels
)

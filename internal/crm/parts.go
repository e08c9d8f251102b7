package crm

// Parts names groups of a Customer's top-level fields, so that a store
// that builds read-model customers (Partial) for a scan builds only what
// the scan's reader reads: a filter (Filter; see PartsOf) or an aggregate.
// Building a customer from a compact read model costs a scan more than
// evaluating most filters on it (docs/PERFORMANCE.md, "The read model's
// entries"); most filters read a handful of fields.
//
// A part is a set of top-level fields (PartOf): what customers are grouped
// and filtered by (PartProfile), the record's identity and texts
// (PartRecord), Stats, Match and Class, and the work lists (PartWork).
// Brief, Partial and ContactsLoaded are set whatever the parts. A
// customer built with some parts holds whatever a previous customer left
// in the others: a reader must read nothing outside the parts it declares (the segment and analytics packages test theirs
// against customers whose other parts hold garbage).
type Parts uint8

const (
	// Industry, Size, Region, Source, Type, Stage, ValueTier, Lifecycle,
	// CadenceDays, IntentGrade, NeedType, Tags, OwnerID, Collaborators,
	// CommPreference, CreatedAt, UpdatedAt, ArchivedAt.
	PartProfile Parts = 1 << iota
	// Every field not in another part: ID, Code, Name, CreditCode, the
	// other texts, the nested arrays, CreatedBy, Version ...
	PartRecord
	PartStats // Stats
	PartMatch // Match
	PartClass // Class
	PartWork  // Tasks, ServiceRequests (a read model keeps the open ones)

	AllParts = PartProfile | PartRecord | PartStats | PartMatch | PartClass | PartWork
)

// PartOf returns the part a top-level field of Customer (by its Go name)
// belongs to: 0 for the fields set whatever the parts (Brief, Partial,
// ContactsLoaded).
func PartOf(field string) Parts {
	switch field {
	case "Industry", "Size", "Region", "Source", "Type", "Stage", "ValueTier", "Lifecycle", "CadenceDays",
		"IntentGrade", "NeedType", "Tags", "OwnerID", "Collaborators", "CommPreference", "CreatedAt", "UpdatedAt", "ArchivedAt":
		return PartProfile
	case "Stats":
		return PartStats
	case "Match":
		return PartMatch
	case "Class":
		return PartClass
	case "Tasks", "ServiceRequests":
		return PartWork
	case "Brief", "Partial", "ContactsLoaded":
		return 0
	}
	return PartRecord
}

// PartsReader is a Filter that knows the parts of a customer its Match
// reads besides the Brief. A Filter that is not one reads every part.
type PartsReader interface {
	Reads() Parts
}

// PartsOf returns the parts of a customer f reads: those it declares, all
// of them for a filter that declares none, none for no filter (nil).
func PartsOf(f Filter) Parts {
	switch r := f.(type) {
	case nil:
		return 0
	case PartsReader:
		return r.Reads()
	}
	return AllParts
}

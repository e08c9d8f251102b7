package crm

import "time"

// Customer is one customer account: the aggregate root, stored as one
// document with its nested contacts, interactions, needs, deals and
// satisfaction results. The bson tags are the storage format shared by every
// store; the same bytes live in SQLite and in MongoDB.
type Customer struct {
	ID   string `bson:"_id"`
	Code string `bson:"code"` // C + yyyymm + sequence, assigned by the store

	Name           string       `bson:"name"`
	CreditCode     string       `bson:"creditCode,omitempty"` // absent, never "", when unknown: unique index
	Industry       string       `bson:"industry,omitempty"`
	Size           CompanySize  `bson:"size"`
	Region         Region       `bson:"region"`
	Address        string       `bson:"address,omitempty"` // company address (never a home address)
	Website        string       `bson:"website,omitempty"`
	FoundedOn      *time.Time   `bson:"foundedOn,omitempty"` // a date: midnight UTC
	MainBusiness   string       `bson:"mainBusiness,omitempty"`
	Source         string       `bson:"source,omitempty"` // 展会, 线上咨询, 转介绍, 官网注册, 电话咨询 ...
	Type           CustomerType `bson:"type"`
	Stage          Stage        `bson:"stage"`
	ValueTier      Tier         `bson:"valueTier,omitempty"`
	Lifecycle      Lifecycle    `bson:"lifecycle,omitempty"`   // kept by the rules (classification.go)
	CadenceDays    int          `bson:"cadenceDays,omitempty"` // days between follow-ups; 0: none
	IntentGrade    Tier         `bson:"intentGrade,omitempty"`
	NeedType       NeedType     `bson:"needType,omitempty"`
	Tags           []string     `bson:"tags"`
	OwnerID        string       `bson:"ownerId,omitempty"`
	Collaborators  []string     `bson:"collaborators"`
	CommPreference string       `bson:"commPreference,omitempty"`
	Notes          string       `bson:"notes,omitempty"`

	Contacts     []Contact      `bson:"contacts"`
	Interactions []Interaction  `bson:"interactions"`
	Needs        []Need         `bson:"needs"`
	Deals        []Deal         `bson:"deals"`
	Satisfaction []Satisfaction `bson:"satisfaction"`
	Tasks        []Task         `bson:"tasks"` // task.go
	// ServiceRequests are the customer's consultations, complaints and
	// after-sales requests (servicerequest.go).
	ServiceRequests []ServiceRequest `bson:"serviceRequests"`

	Stats        Stats         `bson:"stats"` // computed on every write
	Match        MatchKeys     `bson:"match"` // computed on every write: see match.go
	StageHistory []StageChange `bson:"stageHistory"`
	TierHistory  []TierChange  `bson:"tierHistory"`
	OwnerHistory []OwnerChange `bson:"ownerHistory"` // empty on customers stored before it was kept
	// Class is the classification's state (classification.go); the
	// lifecycle and the rules' tag changes have their histories beside it.
	Class            Classification    `bson:"class"`
	LifecycleHistory []LifecycleChange `bson:"lifecycleHistory"`
	TagHistory       []TagChange       `bson:"tagHistory"`

	CreatedAt time.Time `bson:"createdAt"`
	CreatedBy string    `bson:"createdBy"`
	UpdatedAt time.Time `bson:"updatedAt"`
	UpdatedBy string    `bson:"updatedBy"`
	Version   int64     `bson:"version"`
	// Edited is the Version of the last write that was not the
	// classification rules' (0 while none since the customer was created):
	// an undo tells the rules' later writes from a person's by it
	// (OnlyRulesSince). Every write but the rules' sets it.
	Edited     int64      `bson:"edited,omitempty"`
	ArchivedAt *time.Time `bson:"archivedAt,omitempty"`
	// MergedInto is the customer this one was merged into (archived by the
	// merge: merge.go); "" otherwise.
	MergedInto string `bson:"mergedInto,omitempty"`

	// Partial marks a customer from a list page whose nested arrays were
	// not loaded (ListQuery.Full false). Never stored.
	Partial bool `bson:"-"`
	// ContactsLoaded, on a Partial customer, says that its contacts and
	// notes were loaded (ListQuery.WithContacts). Never stored.
	ContactsLoaded bool `bson:"-"`
	// Brief, on a Partial customer from a read model, is the compact form
	// of the nested arrays that segment filters read; nil otherwise. Never
	// stored.
	Brief *Brief `bson:"-"`
}

// Archived reports whether the customer is archived.
func (c *Customer) Archived() bool { return c.ArchivedAt != nil }

// CompanySize holds the employee and revenue bands (e.g. "100-500人", "1000万-5000万").
type CompanySize struct {
	Employees string `bson:"employees,omitempty"`
	Revenue   string `bson:"revenue,omitempty"`
}

type Region struct {
	Province string `bson:"province,omitempty"`
	City     string `bson:"city,omitempty"`
}

// Contact is a person at the customer. Phone, Email and WeChat are personal
// data: see PersonalFields and the masking policy.
type Contact struct {
	ID             string      `bson:"id"`
	Name           string      `bson:"name"`
	Title          string      `bson:"title,omitempty"`
	Phone          string      `bson:"phone,omitempty"`
	Email          string      `bson:"email,omitempty"`
	WeChat         string      `bson:"wechat,omitempty"`
	Role           ContactRole `bson:"role,omitempty"`
	Primary        bool        `bson:"primary"`
	CommPreference string      `bson:"commPreference,omitempty"`
	BestTime       string      `bson:"bestTime,omitempty"`
}

// Interaction is one contact with the customer (互动记录).
type Interaction struct {
	ID           string             `bson:"id"`
	At           time.Time          `bson:"at"`
	Channel      InteractionChannel `bson:"channel"`
	Participants []string           `bson:"participants"` // our users' ids
	ContactIDs   []string           `bson:"contactIds"`
	Summary      string             `bson:"summary"`
	Feedback     string             `bson:"feedback,omitempty"`
	Result       string             `bson:"result,omitempty"`
	NextAction   *NextAction        `bson:"nextAction,omitempty"`
	KeyEvent     KeyEvent           `bson:"keyEvent,omitempty"`
	DurationMin  int                `bson:"durationMin,omitempty"`
	CreatedBy    string             `bson:"createdBy"`
	// RecordedAt is when it was logged in Kehu (the seeds ask for a record
	// within 24 hours of the interaction); nil on interactions logged
	// before it was kept.
	RecordedAt *time.Time `bson:"recordedAt,omitempty"`
	UpdatedAt  *time.Time `bson:"updatedAt,omitempty"` // last correction; nil when never changed
	UpdatedBy  string     `bson:"updatedBy,omitempty"`
}

// RecordedLate says whether x was logged more than RecordWithin after it
// happened, to the millisecond as the stores keep times; known is false
// when the time of logging is not kept.
func (x *Interaction) RecordedLate() (late, known bool) {
	if x.RecordedAt == nil {
		return false, false
	}
	return x.RecordedAt.UnixMilli()-x.At.UnixMilli() > RecordWithin.Milliseconds(), true
}

// NextAction is the follow-up an interaction asks for.
type NextAction struct {
	What    string     `bson:"what"`
	OwnerID string     `bson:"ownerId,omitempty"`
	Due     *time.Time `bson:"due,omitempty"`
	Done    bool       `bson:"done"`
}

// Need is a current or potential need of the customer (需求分析).
type Need struct {
	ID         string     `bson:"id"`
	Title      string     `bson:"title"`
	Kind       NeedKind   `bson:"kind"`
	Type       NeedType   `bson:"type,omitempty"`
	Priority   Priority   `bson:"priority"`
	Urgent     bool       `bson:"urgent"`
	Important  bool       `bson:"important"`
	Status     NeedStatus `bson:"status"`
	BudgetMin  *Money     `bson:"budgetMin,omitempty"`
	BudgetMax  *Money     `bson:"budgetMax,omitempty"`
	ExpectedOn *time.Time `bson:"expectedOn,omitempty"` // a date
	OpenedAt   time.Time  `bson:"openedAt"`
	ResolvedAt *time.Time `bson:"resolvedAt,omitempty"`
	CreatedBy  string     `bson:"createdBy,omitempty"` // empty on needs logged before authors were kept
	UpdatedAt  *time.Time `bson:"updatedAt,omitempty"` // last change; nil when never changed
	UpdatedBy  string     `bson:"updatedBy,omitempty"`
}

// Deal is one purchase (购买历史).
type Deal struct {
	ID      string    `bson:"id"`
	Product string    `bson:"product"`
	Amount  Money     `bson:"amount"`
	Date    time.Time `bson:"date"` // a date: midnight UTC
	Note    string    `bson:"note,omitempty"`
	// Who recorded and last changed it (see Need).
	CreatedBy string     `bson:"createdBy,omitempty"`
	UpdatedAt *time.Time `bson:"updatedAt,omitempty"`
	UpdatedBy string     `bson:"updatedBy,omitempty"`
}

// Satisfaction is one survey result, 0-100.
type Satisfaction struct {
	ID      string    `bson:"id"`
	At      time.Time `bson:"at"`
	Score   int       `bson:"score"`
	Comment string    `bson:"comment,omitempty"`
	// Who recorded and last changed it (see Need).
	CreatedBy string     `bson:"createdBy,omitempty"`
	UpdatedAt *time.Time `bson:"updatedAt,omitempty"`
	UpdatedBy string     `bson:"updatedBy,omitempty"`
}

// Stats are the computed figures, recomputed from the nested arrays on every
// write (the Computed Pattern) so that filters, sorting and aggregates read
// them directly. Times are zero (not absent) when there is nothing yet, so
// that keyset ordering is total in both stores; the API shows them as null.
type Stats struct {
	InteractionCount   int       `bson:"interactionCount"`
	FirstInteractionAt time.Time `bson:"firstInteractionAt"`
	LastInteractionAt  time.Time `bson:"lastInteractionAt"`
	DealCount          int       `bson:"dealCount"`
	TotalAmount        Money     `bson:"totalAmount"`
	FirstDealOn        time.Time `bson:"firstDealOn"`
	LastDealOn         time.Time `bson:"lastDealOn"`
	OpenNeedCount      int       `bson:"openNeedCount"`
	ComplaintCount     int       `bson:"complaintCount"`
	LastComplaintAt    time.Time `bson:"lastComplaintAt"`
	SatisfactionCount  int       `bson:"satisfactionCount"`
	AvgSatisfaction    float64   `bson:"avgSatisfaction"` // 0 when SatisfactionCount is 0
	// SatisfactionTrend is the latest survey's score less the one before
	// (seed 003: 满意度变化); nil with fewer than two surveys.
	SatisfactionTrend *int `bson:"satisfactionTrend,omitempty"`
	// StageRank is the stage's place in the pipeline (Stage.Rank), kept
	// in the document so that both stores sort by stage in pipeline order.
	StageRank int `bson:"stageRank"`
	// OpenServiceCount counts the service requests being worked on (OPEN
	// or IN_PROGRESS); ServiceRequestCount all of them.
	OpenServiceCount    int `bson:"openServiceCount"`
	ServiceRequestCount int `bson:"serviceRequestCount"`
	// NextFollowUpAt is when the next follow-up is due (Customer.NextFollowUp);
	// zero without a cadence.
	NextFollowUpAt time.Time `bson:"nextFollowUpAt"`
}

// StageChange records one pipeline stage change.
type StageChange struct {
	From Stage     `bson:"from,omitempty"`
	To   Stage     `bson:"to"`
	At   time.Time `bson:"at"`
	By   string    `bson:"by"`
}

// OwnerChange records one change of owner (From empty: the first owner).
type OwnerChange struct {
	From string    `bson:"from,omitempty"`
	To   string    `bson:"to"`
	At   time.Time `bson:"at"`
	By   string    `bson:"by"`
}

// TierChange records one value-tier change: by a user (By; Reason when
// it overrides the rules) or by a rule (Rule, RuleSet; By empty).
type TierChange struct {
	From    Tier      `bson:"from,omitempty"`
	To      Tier      `bson:"to"`
	At      time.Time `bson:"at"`
	By      string    `bson:"by"`
	Reason  string    `bson:"reason,omitempty"`
	Rule    string    `bson:"rule,omitempty"`
	RuleSet int64     `bson:"ruleSet,omitempty"`
}

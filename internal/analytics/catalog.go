// Package analytics computes aggregates of customer facts (customers,
// interactions, deals, needs, survey results, stage changes, service
// requests, tasks): groups by
// typed dimensions with counts and figures of typed metrics, over the same
// customer scope the lists take, with a drill line per group that lists
// exactly its customers.
//
// The package holds the specification of an aggregate (catalog.go), its
// calendar (calendar.go), two in-process engines the embedded store runs
// (the reference evaluator over customers' briefs, engine.go, and the
// columnar scan over blocks of fact columns, block.go and scan.go, which a
// differential test holds to the reference), and the service that
// validates requests, asks a store's Engine and shapes the result
// (service.go). A store that can push the work down (MongoDB) implements
// Engine itself from the same Spec; no store flag enters the domain.
package analytics

import "github.com/kehu-crm/kehu/internal/crm"

// Fact is what an aggregate counts: one row per customer, or per element
// of one of its nested arrays.
type Fact string

const (
	Customers       Fact = "CUSTOMERS"
	Interactions    Fact = "INTERACTIONS"
	Deals           Fact = "DEALS"
	Needs           Fact = "NEEDS"
	Satisfaction    Fact = "SATISFACTION"
	StageChanges    Fact = "STAGE_CHANGES"
	ServiceRequests Fact = "SERVICE_REQUESTS"
	Tasks           Fact = "TASKS"
)

// Facts lists every fact.
func Facts() []Fact {
	return []Fact{Customers, Interactions, Deals, Needs, Satisfaction, StageChanges, ServiceRequests, Tasks}
}

// Dimension is what groups are keyed by. Its value is unique across facts;
// a fact names its dimensions by GraphQL enum names (Fact.Dimension), which
// are the same but for a need's own TYPE.
type Dimension string

const (
	// The fact's time (a customer's creation, an interaction's time, a
	// deal's date, a need's opening, a survey's time, a stage change's
	// time, a service request's opening, a task's due time) in calendar
	// units of the request's time zone.
	Day     Dimension = "DAY"
	Week    Dimension = "WEEK" // ISO weeks, Monday first: 2026-W09
	Month   Dimension = "MONTH"
	Quarter Dimension = "QUARTER"
	Year    Dimension = "YEAR"

	// The customer's.
	ValueTier        Dimension = "VALUE_TIER"
	Lifecycle        Dimension = "LIFECYCLE"
	IntentGrade      Dimension = "INTENT_GRADE"
	Stage            Dimension = "STAGE"
	Industry         Dimension = "INDUSTRY"
	Source           Dimension = "SOURCE"
	Province         Dimension = "PROVINCE"
	City             Dimension = "CITY"
	Owner            Dimension = "OWNER"
	CustomerType     Dimension = "TYPE"
	NeedType         Dimension = "NEED_TYPE" // the customer's need type
	Tag              Dimension = "TAG"       // a customer with several tags is in several groups
	CreatedMonth     Dimension = "CREATED_MONTH"
	CreatedQuarter   Dimension = "CREATED_QUARTER"
	CreatedYear      Dimension = "CREATED_YEAR"
	FirstDealMonth   Dimension = "FIRST_DEAL_MONTH"
	FirstDealQuarter Dimension = "FIRST_DEAL_QUARTER"

	// An interaction's.
	Channel     Dimension = "CHANNEL"
	KeyEvent    Dimension = "KEY_EVENT"
	Participant Dimension = "PARTICIPANT" // an interaction with several participants is in several groups
	// How soon it was logged: ON_TIME (within 24 hours), LATE, "" (unknown).
	Recording Dimension = "RECORDING"
	// Its next action: NONE, OPEN (due later or without a due time),
	// OVERDUE (open and due before now), DONE.
	NextAction Dimension = "NEXT_ACTION"

	// A deal's.
	Product Dimension = "PRODUCT"

	// A need's; STATUS, PRIORITY and KIND are a service request's too,
	// STATUS and KIND a task's, with their own values (labelTable).
	Status      Dimension = "STATUS"
	Priority    Dimension = "PRIORITY"
	Kind        Dimension = "KIND"
	NeedOwnType Dimension = "NEED.TYPE" // GraphQL: TYPE on needs
	OpenedMonth Dimension = "OPENED_MONTH"

	// A survey's.
	ScoreBand Dimension = "SCORE_BAND" // HIGH (85 and above), MEDIUM (60-84), LOW (below 60)

	// A stage change's.
	FromStage Dimension = "FROM_STAGE"
	ToStage   Dimension = "TO_STAGE"

	// A service request's and a task's.
	Assignee Dimension = "ASSIGNEE"
	// Whether it was resolved by its due time: ON_TIME (resolved at or
	// before it), LATE (resolved after it), OVERDUE (OPEN or IN_PROGRESS
	// and due before now), OPEN (OPEN or IN_PROGRESS, not yet due); ""
	// for one RESOLVED or CLOSED without a time of resolution (the app
	// always sets one). A reopened request counts by where it stands now.
	// A task's: ON_TIME (DONE at or before its due time), LATE (DONE
	// after it), OVERDUE (OPEN and due before now), OPEN (OPEN, not yet
	// due), CLOSED (closed by itself: its reason went away); "" for one
	// DONE without a closing time (the app always sets one).
	Timeliness Dimension = "TIMELINESS"
)

// TimeUnits are the dimensions of the fact's time, finest first.
var TimeUnits = []Dimension{Day, Week, Month, Quarter, Year}

// IsTime reports whether d is a unit of the fact's time.
func (d Dimension) IsTime() bool {
	for _, u := range TimeUnits {
		if d == u {
			return true
		}
	}
	return false
}

var customerDims = []Dimension{ValueTier, Lifecycle, IntentGrade, Stage, Industry, Source, Province, City, Owner,
	CustomerType, NeedType, Tag, CreatedMonth, CreatedQuarter, CreatedYear, FirstDealMonth, FirstDealQuarter}

// own lists each fact's own dimensions besides its time.
var own = map[Fact][]Dimension{
	Customers:       nil,
	Interactions:    {Channel, KeyEvent, Participant, Recording, NextAction},
	Deals:           {Product},
	Needs:           {Status, Priority, Kind, NeedOwnType, OpenedMonth},
	Satisfaction:    {ScoreBand},
	StageChanges:    {FromStage, ToStage},
	ServiceRequests: {Status, Priority, Kind, Assignee, Timeliness},
	Tasks:           {Kind, Status, Assignee, Timeliness},
}

// Dimensions lists the fact's dimensions: its time units, its own, then
// the customer's.
func (f Fact) Dimensions() []Dimension {
	out := append([]Dimension(nil), TimeUnits...)
	out = append(out, own[f]...)
	return append(out, customerDims...)
}

// Name is d's GraphQL enum name on fact f.
func (f Fact) Name(d Dimension) string {
	switch {
	case d == NeedOwnType:
		return "TYPE"
	case f == Needs && d == CustomerType:
		return "CUSTOMER_TYPE"
	}
	return string(d)
}

// Dimension returns the dimension the GraphQL enum name stands for on f.
func (f Fact) Dimension(name string) (Dimension, bool) {
	for _, d := range f.Dimensions() {
		if f.Name(d) == name {
			return d, true
		}
	}
	return "", false
}

// Weight is about how many rows of the fact a customer holds, relative to
// one: what the API's cost model multiplies a scan by (demo data: ~40
// interactions, ~10 deals and a few needs, surveys, stage changes,
// service requests and tasks per customer; a row costs less than a
// customer to evaluate).
func (f Fact) Weight() int {
	switch f {
	case Interactions:
		return 4
	case Deals:
		return 2
	}
	return 1
}

// Nested reports whether the fact's rows are elements of a nested array.
func (f Fact) Nested() bool { return f != Customers }

// Metric is a figure that groups sum, average, and so on.
type Metric string

const (
	// A customer's (crm.Stats).
	TotalAmount       Metric = "TOTAL_AMOUNT"
	InteractionCount  Metric = "INTERACTION_COUNT"
	DealCount         Metric = "DEAL_COUNT"
	AvgSatisfaction   Metric = "AVG_SATISFACTION" // customers without a survey have none
	SatisfactionCount Metric = "SATISFACTION_COUNT"
	OpenNeedCount     Metric = "OPEN_NEED_COUNT"
	ComplaintCount    Metric = "COMPLAINT_COUNT"
	// Days from the first interaction's day to the first deal's date
	// (customers with both, the deal not before the interaction).
	SalesCycleDays Metric = "SALES_CYCLE_DAYS"
	// An interaction's recorded duration (interactions without one have none).
	DurationMin Metric = "DURATION_MIN"
	// A deal's amount.
	Amount Metric = "AMOUNT"
	// A need's budget ceiling, and its days from opening to resolution
	// (resolved needs only).
	BudgetMax     Metric = "BUDGET_MAX"
	DaysToResolve Metric = "DAYS_TO_RESOLVE"
	// A survey's score.
	Score Metric = "SCORE"
	// A stage change's days in the stage it left (since the change before;
	// a customer's first stage has none).
	DaysInStage Metric = "DAYS_IN_STAGE"
	// A service request's resolution time in whole hours, as stored
	// (resolutionHours: RESOLVED or CLOSED requests only).
	HoursToResolve Metric = "HOURS_TO_RESOLVE"
	// A task's days from its creation to being done (DONE tasks only).
	DaysToDone Metric = "DAYS_TO_DONE"
)

var metrics = map[Fact][]Metric{
	Customers:       {TotalAmount, InteractionCount, DealCount, AvgSatisfaction, SatisfactionCount, OpenNeedCount, ComplaintCount, SalesCycleDays},
	Interactions:    {DurationMin},
	Deals:           {Amount},
	Needs:           {BudgetMax, DaysToResolve},
	Satisfaction:    {Score},
	StageChanges:    {DaysInStage},
	ServiceRequests: {HoursToResolve},
	Tasks:           {DaysToDone},
}

// Metrics lists the fact's metrics.
func (f Fact) Metrics() []Metric { return metrics[f] }

// HasMetric reports whether m is one of the fact's metrics.
func (f Fact) HasMetric(m Metric) bool { return f.metricIndex(m) >= 0 }

func (f Fact) metricIndex(m Metric) int {
	for i, x := range metrics[f] {
		if x == m {
			return i
		}
	}
	return -1
}

// Unit is how a metric's values are counted and written.
type Unit struct {
	Scale    int64 // stored values per unit: 100 for fen per yuan
	Decimals int   // digits after the point of an exact value (sum, min, max)
}

var (
	yuan  = Unit{Scale: 100, Decimals: 2}
	whole = Unit{Scale: 1, Decimals: 0}
	days  = Unit{Scale: 86_400_000, Decimals: 2} // from milliseconds
	score = Unit{Scale: 10_000, Decimals: 2}     // an average kept to 1/10,000
)

// Unit returns m's unit.
func (m Metric) Unit() Unit {
	switch m {
	case TotalAmount, Amount, BudgetMax:
		return yuan
	case DaysToResolve, DaysInStage, SalesCycleDays, DaysToDone:
		return days
	case AvgSatisfaction:
		return score
	}
	return whole
}

// Measure is what a group is ordered by.
type Measure string

const (
	ByCount     Measure = "COUNT"     // rows (customers for CUSTOMERS)
	ByCustomers Measure = "CUSTOMERS" // distinct customers
	BySum       Measure = "SUM"
	ByAvg       Measure = "AVG"
	ByMin       Measure = "MIN"
	ByMax       Measure = "MAX"
	ByKey       Measure = "KEY" // the keys themselves, in order
)

// Compare asks for the figures of an earlier range beside each group's.
type Compare string

const (
	PreviousPeriod Compare = "PREVIOUS_PERIOD"
	PreviousYear   Compare = "PREVIOUS_YEAR"
)

// Bounds of a request.
const (
	MaxDimensions   = 3    // besides one time unit
	DefaultLimit    = 50   // groups
	MaxLimit        = 1000 // groups
	MaxTimeBuckets  = 1000 // buckets of the time unit inside the range
	OtherKey        = "*"  // the key of every dimension of the folded group
	scoreHigh       = 85
	scoreMediumLow  = 60
	bandHigh        = "HIGH"
	bandMedium      = "MEDIUM"
	bandLow         = "LOW"
	noValue         = ""
	maxMedianValues = 5_000_000 // values held for medians in one request
)

// Keys of RECORDING, NEXT_ACTION and TIMELINESS.
const (
	OnTime  = "ON_TIME"
	Late    = "LATE"
	None    = "NONE"
	Open    = "OPEN"
	Overdue = "OVERDUE"
	Done    = "DONE"
	Closed  = "CLOSED" // a task's TIMELINESS: closed by itself
)

// RecordingLabels and NextActionLabels word their keys.
var (
	RecordingLabels = map[string]crm.Label{
		OnTime: {Zh: "24小时内录入", En: "Within 24 hours"}, Late: {Zh: "超过24小时录入", En: "Later than 24 hours"},
	}
	NextActionLabels = map[string]crm.Label{
		None: {Zh: "无下一步", En: "None"}, Open: {Zh: "待办", En: "Open"}, Overdue: {Zh: "已逾期", En: "Overdue"},
		Done: {Zh: "已完成", En: "Done"},
	}
)

// TimelinessLabels words the TIMELINESS keys.
var TimelinessLabels = map[string]crm.Label{
	OnTime: {Zh: "按时解决", En: "Resolved on time"}, Late: {Zh: "超时解决", En: "Resolved late"},
	Overdue: {Zh: "已逾期未解决", En: "Overdue"}, Open: {Zh: "处理中未到期", En: "Open, not yet due"},
}

// TaskTimelinessLabels words a task's TIMELINESS keys.
var TaskTimelinessLabels = map[string]crm.Label{
	OnTime: {Zh: "按时完成", En: "Done on time"}, Late: {Zh: "超时完成", En: "Done late"},
	Overdue: {Zh: "已逾期未完成", En: "Overdue"}, Open: {Zh: "未完成未到期", En: "Open, not yet due"},
	Closed: {Zh: "自动关闭", En: "Closed by itself"},
}

// TaskStatusLabels and TaskKindLabels word a task's STATUS and KIND keys.
var (
	TaskStatusLabels = map[string]crm.Label{
		string(crm.TaskOpen): {Zh: "未完成", En: "Open"}, string(crm.TaskDone): {Zh: "已完成", En: "Done"},
		string(crm.TaskClosed): {Zh: "自动关闭", En: "Closed by itself"},
	}
	TaskKindLabels = map[string]crm.Label{
		string(crm.TaskNextAction): {Zh: "下一步行动", En: "Next action"}, string(crm.TaskFollowUp): {Zh: "跟进", En: "Follow-up"},
		string(crm.TaskReview): {Zh: "分级复核", En: "Classification review"}, string(crm.TaskChurnRisk): {Zh: "流失风险", En: "Churn risk"},
		string(crm.TaskStaleNeed): {Zh: "需求停滞", En: "Stale need"}, string(crm.TaskServiceOverdue): {Zh: "服务请求逾期", En: "Service request overdue"},
		string(crm.TaskServiceCheck): {Zh: "服务回访", En: "Service check"}, string(crm.TaskManual): {Zh: "手动创建", En: "Manual"},
	}
)

// ServiceStatusLabels and ServiceKindLabels word a service request's
// STATUS and KIND keys (a need's are crm.NeedStatusLabels, NeedKindLabels).
var (
	ServiceStatusLabels = map[string]crm.Label{
		string(crm.ServiceOpen): {Zh: "待处理", En: "Open"}, string(crm.ServiceInProgress): {Zh: "处理中", En: "In progress"},
		string(crm.ServiceResolved): {Zh: "已解决待回访", En: "Resolved, to check"}, string(crm.ServiceClosed): {Zh: "已关闭", En: "Closed"},
	}
	ServiceKindLabels = map[string]crm.Label{
		string(crm.ServiceConsultation): {Zh: "咨询", En: "Consultation"}, string(crm.ServiceComplaint): {Zh: "投诉", En: "Complaint"},
		string(crm.ServiceAfterSales): {Zh: "售后", En: "After-sales"},
	}
)

// ScoreBandLabels words the survey score bands.
var ScoreBandLabels = map[string]crm.Label{
	bandHigh:   {Zh: "满意(≥85)", En: "Satisfied (85+)"},
	bandMedium: {Zh: "一般(60-84)", En: "Neutral (60-84)"},
	bandLow:    {Zh: "不满意(<60)", En: "Dissatisfied (<60)"},
}

func scoreBand(s int) string {
	switch {
	case s >= scoreHigh:
		return bandHigh
	case s >= scoreMediumLow:
		return bandMedium
	}
	return bandLow
}

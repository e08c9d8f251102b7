package crm

import (
	"fmt"
	"io"
	"strconv"
)

// Enumerations are stored and exchanged by their upper-case names (the
// GraphQL enum values); the browser app shows Chinese labels for them.
// Every enum type has Valid, UnmarshalGQL and MarshalGQL so the GraphQL edge
// binds to the domain type directly.

type Tier string

const (
	TierA Tier = "A"
	TierB Tier = "B"
	TierC Tier = "C"
)

var tiers = []Tier{TierA, TierB, TierC}

type Stage string

// The pipeline from the seeds: 潜在客户 → 初步接触 → 需求确认 → 方案提交 → 商务谈判 → 成交 → 售后维护, plus lost.
const (
	StagePotential      Stage = "POTENTIAL"
	StageContacted      Stage = "CONTACTED"
	StageNeedsConfirmed Stage = "NEEDS_CONFIRMED"
	StageProposal       Stage = "PROPOSAL"
	StageNegotiation    Stage = "NEGOTIATION"
	StageWon            Stage = "WON"
	StageAfterSales     Stage = "AFTER_SALES"
	StageLost           Stage = "LOST"
)

var stages = []Stage{StagePotential, StageContacted, StageNeedsConfirmed, StageProposal, StageNegotiation, StageWon, StageAfterSales, StageLost}

// Lifecycle is where a customer is in its relation with the company
// (seed 003, 合作阶段), apart from the sales pipeline (Stage): kept by the
// classification rules (internal/rules).
type Lifecycle string

const (
	LifecyclePotential Lifecycle = "POTENTIAL" // interested, no deal yet
	LifecycleNew       Lifecycle = "NEW"       // cooperating less than 6 months
	LifecycleStable    Lifecycle = "STABLE"    // cooperating 6 to 24 months, no churn risk
	LifecycleStrategic Lifecycle = "STRATEGIC" // cooperating 24 months or more, deeply bound
	LifecycleChurned   Lifecycle = "CHURNED"   // no cooperation for 3 months
	LifecycleDormant   Lifecycle = "DORMANT"   // churned and not won back within 3 more months
)

var lifecycles = []Lifecycle{LifecyclePotential, LifecycleNew, LifecycleStable, LifecycleStrategic, LifecycleChurned, LifecycleDormant}

// Lifecycles lists the lifecycle stages in order.
func Lifecycles() []Lifecycle { return append([]Lifecycle(nil), lifecycles...) }

type CustomerType string

const (
	CustomerTypeNew      CustomerType = "NEW"
	CustomerTypeExisting CustomerType = "EXISTING"
	CustomerTypeChannel  CustomerType = "CHANNEL"
)

var customerTypes = []CustomerType{CustomerTypeNew, CustomerTypeExisting, CustomerTypeChannel}

type NeedType string

const (
	NeedTypeProduct  NeedType = "PRODUCT"
	NeedTypeService  NeedType = "SERVICE"
	NeedTypeSolution NeedType = "SOLUTION"
)

var needTypes = []NeedType{NeedTypeProduct, NeedTypeService, NeedTypeSolution}

type ContactRole string

const (
	ContactRoleDecisionMaker ContactRole = "DECISION_MAKER"
	ContactRoleInfluencer    ContactRole = "INFLUENCER"
	ContactRoleUser          ContactRole = "USER"
)

var contactRoles = []ContactRole{ContactRoleDecisionMaker, ContactRoleInfluencer, ContactRoleUser}

type InteractionChannel string

const (
	ChannelPhone      InteractionChannel = "PHONE"
	ChannelVisit      InteractionChannel = "VISIT"
	ChannelEmail      InteractionChannel = "EMAIL"
	ChannelMeeting    InteractionChannel = "MEETING"
	ChannelOnline     InteractionChannel = "ONLINE"
	ChannelWeChat     InteractionChannel = "WECHAT"
	ChannelLivestream InteractionChannel = "LIVESTREAM"
	ChannelOther      InteractionChannel = "OTHER"
)

var channels = []InteractionChannel{ChannelPhone, ChannelVisit, ChannelEmail, ChannelMeeting, ChannelOnline, ChannelWeChat, ChannelLivestream, ChannelOther}

type KeyEvent string

const (
	KeyEventSigned    KeyEvent = "SIGNED"
	KeyEventRenewed   KeyEvent = "RENEWED"
	KeyEventComplaint KeyEvent = "COMPLAINT"
	KeyEventReferral  KeyEvent = "REFERRAL"
)

var keyEvents = []KeyEvent{KeyEventSigned, KeyEventRenewed, KeyEventComplaint, KeyEventReferral}

type NeedKind string

// Current needs were stated by the customer; potential needs are inferred.
const (
	NeedKindCurrent   NeedKind = "CURRENT"
	NeedKindPotential NeedKind = "POTENTIAL"
)

var needKinds = []NeedKind{NeedKindCurrent, NeedKindPotential}

type Priority string

const (
	PriorityHigh   Priority = "HIGH"
	PriorityMedium Priority = "MEDIUM"
	PriorityLow    Priority = "LOW"
)

var priorities = []Priority{PriorityHigh, PriorityMedium, PriorityLow}

type NeedStatus string

// 未跟进, 跟进中, 已解决, 已放弃
const (
	NeedStatusOpen       NeedStatus = "OPEN"
	NeedStatusInProgress NeedStatus = "IN_PROGRESS"
	NeedStatusResolved   NeedStatus = "RESOLVED"
	NeedStatusAbandoned  NeedStatus = "ABANDONED"
)

var needStatuses = []NeedStatus{NeedStatusOpen, NeedStatusInProgress, NeedStatusResolved, NeedStatusAbandoned}

// Closed reports whether a need no longer counts as open.
func (s NeedStatus) Closed() bool { return s == NeedStatusResolved || s == NeedStatusAbandoned }

type Role string

const (
	RoleAdmin   Role = "ADMIN"
	RoleManager Role = "MANAGER"
	RoleSales   Role = "SALES"
	RoleService Role = "SERVICE"
	RoleAnalyst Role = "ANALYST"
)

var roles = []Role{RoleAdmin, RoleManager, RoleSales, RoleService, RoleAnalyst}

// Locale is a user's language in the browser app.
type Locale string

const (
	LocaleZhCN Locale = "ZH_CN"
	LocaleEn   Locale = "EN"
)

var locales = []Locale{LocaleZhCN, LocaleEn}

func (l Locale) Valid() bool               { return validEnum(l, locales) }
func (l *Locale) UnmarshalGQL(v any) error { return unmarshalEnum(l, v, locales, "Locale") }

// MarshalGQL writes the locale; unset means the default, zh-CN.
func (l Locale) MarshalGQL(w io.Writer) {
	if l == "" {
		l = LocaleZhCN
	}
	marshalEnum(w, string(l))
}

func validEnum[T ~string](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

func unmarshalEnum[T ~string](dst *T, v any, all []T, name string) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string", name)
	}
	if !validEnum(T(s), all) {
		return fmt.Errorf("%q is not a valid %s", s, name)
	}
	*dst = T(s)
	return nil
}

// marshalEnum writes the value; an unset (empty) value is null, which the
// schema allows wherever an enum is optional.
func marshalEnum(w io.Writer, s string) {
	if s == "" {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(s))
}

func (t Tier) Valid() bool               { return validEnum(t, tiers) }
func (t *Tier) UnmarshalGQL(v any) error { return unmarshalEnum(t, v, tiers, "Tier") }
func (t Tier) MarshalGQL(w io.Writer)    { marshalEnum(w, string(t)) }
func (s Stage) Valid() bool              { return validEnum(s, stages) }
func (l Lifecycle) Valid() bool          { return validEnum(l, lifecycles) }
func (l *Lifecycle) UnmarshalGQL(v any) error {
	return unmarshalEnum(l, v, lifecycles, "Lifecycle")
}
func (l Lifecycle) MarshalGQL(w io.Writer) { marshalEnum(w, string(l)) }

// Rank is the stage's place in the pipeline, POTENTIAL 1 to LOST 8; 0 for
// an unknown stage.
func (s Stage) Rank() int                 { return enumIndex(stages, s) + 1 }
func (s *Stage) UnmarshalGQL(v any) error { return unmarshalEnum(s, v, stages, "Stage") }
func (s Stage) MarshalGQL(w io.Writer)    { marshalEnum(w, string(s)) }
func (t CustomerType) Valid() bool        { return validEnum(t, customerTypes) }
func (t *CustomerType) UnmarshalGQL(v any) error {
	return unmarshalEnum(t, v, customerTypes, "CustomerType")
}
func (t CustomerType) MarshalGQL(w io.Writer) { marshalEnum(w, string(t)) }
func (t NeedType) Valid() bool                { return validEnum(t, needTypes) }
func (t *NeedType) UnmarshalGQL(v any) error  { return unmarshalEnum(t, v, needTypes, "NeedType") }
func (t NeedType) MarshalGQL(w io.Writer)     { marshalEnum(w, string(t)) }
func (r ContactRole) Valid() bool             { return validEnum(r, contactRoles) }
func (r *ContactRole) UnmarshalGQL(v any) error {
	return unmarshalEnum(r, v, contactRoles, "ContactRole")
}
func (r ContactRole) MarshalGQL(w io.Writer) { marshalEnum(w, string(r)) }
func (c InteractionChannel) Valid() bool     { return validEnum(c, channels) }
func (c *InteractionChannel) UnmarshalGQL(v any) error {
	return unmarshalEnum(c, v, channels, "InteractionChannel")
}
func (c InteractionChannel) MarshalGQL(w io.Writer) { marshalEnum(w, string(c)) }
func (k KeyEvent) Valid() bool                      { return validEnum(k, keyEvents) }
func (k *KeyEvent) UnmarshalGQL(v any) error        { return unmarshalEnum(k, v, keyEvents, "KeyEvent") }
func (k KeyEvent) MarshalGQL(w io.Writer)           { marshalEnum(w, string(k)) }
func (k NeedKind) Valid() bool                      { return validEnum(k, needKinds) }
func (k *NeedKind) UnmarshalGQL(v any) error        { return unmarshalEnum(k, v, needKinds, "NeedKind") }
func (k NeedKind) MarshalGQL(w io.Writer)           { marshalEnum(w, string(k)) }
func (p Priority) Valid() bool                      { return validEnum(p, priorities) }
func (p *Priority) UnmarshalGQL(v any) error        { return unmarshalEnum(p, v, priorities, "Priority") }
func (p Priority) MarshalGQL(w io.Writer)           { marshalEnum(w, string(p)) }
func (s NeedStatus) Valid() bool                    { return validEnum(s, needStatuses) }
func (s *NeedStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(s, v, needStatuses, "NeedStatus")
}
func (s NeedStatus) MarshalGQL(w io.Writer) { marshalEnum(w, string(s)) }
func (r Role) Valid() bool                  { return validEnum(r, roles) }
func (r *Role) UnmarshalGQL(v any) error    { return unmarshalEnum(r, v, roles, "Role") }
func (r Role) MarshalGQL(w io.Writer)       { marshalEnum(w, string(r)) }

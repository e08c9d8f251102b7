package crm

import (
	"fmt"
	"strings"
	"time"
)

// Classification reviews opened by a change (seed 003: 当客户交易金额变动超过
// 30%、合作阶段变化或需求类型改变时，触发重新评估): a write that moves the
// customer's 12-month deal amount by 30% or more, changes its pipeline
// stage, or changes its need type opens a CLASSIFICATION_REVIEW task for
// the owner. One such review is open at a time: a later trigger while it
// is open adds its reason to the title. A person closes it (CompleteTask);
// the rules never do, and the scheduled reviews (internal/followup) count
// from the last review done.

// ReviewTriggerKey starts the key of a review a change opened; followup
// leaves such tasks to people.
const ReviewTriggerKey = "trigger:"

// ReviewSwing is the change of the 12-month deal amount that opens a
// review, in percent.
const ReviewSwing = 30

// Triggered reports whether t is a review a change opened.
func (t *Task) Triggered() bool {
	return t.Kind == TaskReview && strings.HasPrefix(t.Key, ReviewTriggerKey)
}

// reviewInputs is what the review triggers compare before and after a
// write.
type reviewInputs struct {
	amount   Money // deals of the last 12 months
	stage    Stage
	needType NeedType
}

func reviewInputsOf(c *Customer, now time.Time, loc *time.Location) reviewInputs {
	return reviewInputs{amount: TwelveMonthAmount(c, now, loc), stage: c.Stage, needType: c.NeedType}
}

// TwelveMonthAmount sums the deals dated within the 12 months up to now's
// date in loc (the seeds' 年交易额).
func TwelveMonthAmount(c *Customer, now time.Time, loc *time.Location) Money {
	from := DateOf(now, loc).AddDate(-1, 0, 0)
	var sum Money
	for _, d := range c.Deals {
		if d.Date.After(from) {
			sum += d.Amount
		}
	}
	return sum
}

// openTriggeredReview opens (or extends) the review the change from
// before to c asks for, if any.
func openTriggeredReview(before reviewInputs, c *Customer, now time.Time, loc *time.Location) {
	after := reviewInputsOf(c, now, loc)
	var reasons []string
	if before.amount > 0 {
		change := float64(after.amount-before.amount) / float64(before.amount) * 100
		if change >= ReviewSwing || change <= -ReviewSwing {
			reasons = append(reasons, fmt.Sprintf("12个月成交额%+.0f%%（%s→%s元）", change, before.amount, after.amount))
		}
	}
	if before.stage != after.stage {
		reasons = append(reasons, fmt.Sprintf("阶段%s→%s", StageLabels[string(before.stage)].Zh, StageLabels[string(after.stage)].Zh))
	}
	if before.needType != "" && before.needType != after.needType {
		reasons = append(reasons, fmt.Sprintf("需求类型%s→%s", labelOr(NeedTypeLabels, before.needType), labelOr(NeedTypeLabels, after.needType)))
	}
	if len(reasons) == 0 {
		return
	}
	for i := range c.Tasks {
		if t := &c.Tasks[i]; t.Open() && t.Triggered() {
			t.Title = truncateRunes(t.Title+"；"+strings.Join(reasons, "；"), MaxTaskTitle)
			return
		}
	}
	c.Tasks = append(c.Tasks, Task{ID: NewID(), Kind: TaskReview, Key: ReviewTriggerKey + now.UTC().Format(time.RFC3339Nano),
		Title: truncateRunes("复核客户分级："+strings.Join(reasons, "；"), MaxTaskTitle), AssigneeID: c.OwnerID,
		Due: reviewDue(now, loc), Status: TaskOpen, CreatedAt: now})
	KeepTasks(c)
}

// reviewWithinDays is when a review a change opened falls due: at the end
// of the third day after the change, in the configured zone.
const reviewWithinDays = 3

// reviewDue is when a review a change made at now falls due.
func reviewDue(now time.Time, loc *time.Location) time.Time {
	return DayEnd(now.AddDate(0, 0, reviewWithinDays), loc)
}

func labelOr[T ~string](labels map[string]Label, v T) string {
	if l, ok := labels[string(v)]; ok {
		return l.Zh
	}
	if v == "" {
		return "无"
	}
	return string(v)
}

package demo

import (
	"math"
	"slices"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// serviceRequests opens the service requests of seed 002's loop: one for
// every complaint (as logging the complaint does), and consultations and
// after-sales requests from customers, about one every half year. Old
// requests went round the loop (resolved, mostly within their due time,
// then closed by the satisfaction check); the last fortnight's are still
// open, in progress or waiting for their check.
func (b *builder) serviceRequests() {
	r, c, now := b.r, b.c, b.g.now
	for i := range c.Interactions {
		in := &c.Interactions[i]
		if in.KeyEvent != crm.KeyEventComplaint {
			continue
		}
		contact := ""
		if len(in.ContactIDs) > 0 {
			contact = in.ContactIDs[0]
		}
		b.serviceRequest(crm.ServiceComplaint, crm.PriorityHigh, in.Summary, in.At.Unix(), in.ID, contact)
	}
	if b.won == 0 {
		return
	}
	hi := now
	if b.lost != 0 {
		hi = b.lost
	}
	for t := b.won + between(r, 30*day, 200*day); t < hi; t += between(r, 90*day, 270*day) {
		at := workTime(r, t, b.won, hi)
		kind, prio, summary := crm.ServiceConsultation, crm.PriorityLow, pick(r, consultations)
		if r.IntN(100) < 50 {
			kind, prio, summary = crm.ServiceAfterSales, pickW(r, []weighted[crm.Priority]{{crm.PriorityHigh, 20}, {crm.PriorityMedium, 60}, {crm.PriorityLow, 20}}), pick(r, afterSales)
		}
		b.serviceRequest(kind, prio, summary, at, "", c.Contacts[r.IntN(len(c.Contacts))].ID)
	}
	slices.SortStableFunc(c.ServiceRequests, func(x, y crm.ServiceRequest) int { return x.OpenedAt.Compare(y.OpenedAt) })
	slices.SortStableFunc(c.Satisfaction, func(x, y crm.Satisfaction) int { return x.At.Compare(y.At) })
}

// serviceRequest adds one request opened at (unix seconds) and moves it
// along as far as its age says.
func (b *builder) serviceRequest(kind crm.ServiceKind, prio crm.Priority, summary string, at int64, interaction, contact string) {
	r, c, now := b.r, b.c, b.g.now
	who := b.owner
	if len(b.g.team.service) > 0 && (kind != crm.ServiceConsultation || r.IntN(100) < 50) {
		who = pick(r, b.g.team.service)
	}
	if who == "" {
		who = b.g.team.manager
	}
	opened := unix(at)
	req := crm.ServiceRequest{ID: b.ids.next(opened), Kind: kind, Summary: summary, Priority: prio, Status: crm.ServiceOpen,
		Due: opened.Add(crm.ServiceDueIn[prio]), AssigneeID: who, ContactID: contact, InteractionID: interaction,
		OpenedAt: opened, OpenedBy: who, History: []crm.ServiceStatusChange{{To: crm.ServiceOpen, At: opened, By: who}}}
	step := func(to crm.ServiceStatus, t int64, note string) bool {
		if t >= now {
			return false
		}
		at := unix(t)
		req.History = append(req.History, crm.ServiceStatusChange{From: req.Status, To: to, At: at, By: who, Note: note})
		req.Status = to
		switch to {
		case crm.ServiceResolved:
			req.Resolution, req.ResolvedAt, req.ResolvedBy = note, &at, who
		case crm.ServiceClosed:
			req.ClosedAt, req.ClosedBy = &at, who
		}
		return true
	}
	due := int64(crm.ServiceDueIn[prio] / time.Second)
	// Most requests are resolved within their due time; a quarter are late.
	took := between(r, due/8, due)
	if r.IntN(100) < 25 {
		took = between(r, due, 3*due)
	}
	started := at + between(r, 10*60, max(took/3, 20*60))
	if step(crm.ServiceInProgress, started, "") && step(crm.ServiceResolved, at+took, pick(r, resolutions[kind])) {
		checked := at + took + between(r, 4*hour, 5*day)
		if checked < now {
			if r.IntN(100) < 70 {
				score := int(math.Round(82 + 9*r.NormFloat64()))
				if b.atRisk {
					score = int(math.Round(68 + 10*r.NormFloat64()))
				}
				score = max(0, min(100, score))
				comment := pick(r, satisfactionComments[satisfactionBand(score)])
				s := crm.Satisfaction{ID: b.ids.next(unix(checked)), At: unix(checked), Score: score, Comment: comment, CreatedBy: who}
				c.Satisfaction = append(c.Satisfaction, s)
				req.SatisfactionID = s.ID
				step(crm.ServiceClosed, checked, comment) // as closeServiceRequest keeps the check's comment
			} else {
				step(crm.ServiceClosed, checked, "客户未接电话，已短信告知处理结果")
			}
		}
	}
	c.ServiceRequests = append(c.ServiceRequests, req)
}

var consultations = []string{
	"咨询新版本功能及升级费用。", "咨询增加账号数量的报价。", "咨询发票开具及对账流程。", "咨询系统与现有ERP对接方案。",
	"咨询年度服务续费政策。", "咨询员工培训课程安排。",
}

var afterSales = []string{
	"设备安装后无法联网，需上门检修。", "系统报表导出异常，数据不完整。", "打印模块偶发卡顿，影响出单。",
	"需要更换故障配件。", "新员工账号权限配置有误。", "数据同步延迟，门店库存不一致。",
}

var resolutions = map[crm.ServiceKind][]string{
	crm.ServiceComplaint:    {"已说明原因并完成补救，客户表示接受。", "已修复故障并补偿一个月服务期。", "已更换实施负责人并重排计划。", "已核对账单并开具红字发票更正。"},
	crm.ServiceConsultation: {"已发送报价单及功能说明。", "已电话解答并发送操作手册。", "已安排售前工程师远程演示。"},
	crm.ServiceAfterSales:   {"工程师上门检修，已恢复正常。", "已远程修复并验证数据完整。", "已寄出新配件并指导更换。", "已调整权限配置并复核。"},
}

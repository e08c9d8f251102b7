package graph

import (
	"math"

	"github.com/kehu-crm/kehu/internal/crm"
)

// nestedCosts charges every list nested in a customer by the most elements
// it can return: its limit when the client gives one, else the most a
// customer holds (the crm.Max* table), times the cost of an element's own
// selection (at least 1: a scalar element is still sent). A list page
// multiplies this by its page size (Query.customers), so a page of 100
// customers with every nested list unlimited is refused before it runs.
func nestedCosts(c *ComplexityRoot) {
	c.Customer.Contacts = func(child int, limit *int) int { return listCost(child, crm.MaxContacts, limit) }
	c.Customer.Interactions = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxInteractions, limit)
	}
	c.Customer.Needs = func(child int, _ *bool, limit *int) int { return listCost(child, crm.MaxNeeds, limit) }
	c.Customer.Deals = func(child int, _ *bool, limit *int) int { return listCost(child, crm.MaxDeals, limit) }
	c.Customer.Satisfaction = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxSatisfaction, limit)
	}
	c.Customer.StageHistory = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxStageChanges, limit)
	}
	c.Customer.TierHistory = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxTierChanges, limit)
	}
	c.Customer.OwnerHistory = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxOwnerChanges, limit)
	}
	c.Customer.LifecycleHistory = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxLifecycleChanges, limit)
	}
	c.Customer.RuleTagHistory = func(child int, _ *bool, limit *int) int {
		return listCost(child, crm.MaxTagChanges, limit)
	}
	c.Customer.Tasks = func(child int, _ *crm.TaskStatus, limit *int) int { return listCost(child, crm.MaxTasks, limit) }
	c.Customer.ServiceRequests = func(child int, _ *crm.ServiceStatus, limit *int) int {
		return listCost(child, crm.MaxServiceRequests, limit)
	}
	c.ServiceRequest.History = func(child int, _ *bool, limit *int) int { return listCost(child, crm.MaxServiceHistory, limit) }
	c.Customer.Collaborators = func(child int) int { return listCost(child, crm.MaxCollaborators, nil) }
	c.Customer.Tags = func(child int) int { return listCost(child, crm.MaxTags, nil) }
	c.Interaction.Participants = func(child int) int { return listCost(child, crm.MaxParticipants, nil) }
	c.Interaction.ContactIDs = func(child int) int { return listCost(child, crm.MaxInteractionContacts, nil) }
}

// listCost is the cost of a list of at most most elements, or limit when
// it is smaller (a limit out of range is refused by the resolver), each
// costing child.
func listCost(child, most int, limit *int) int {
	n := most
	if limit != nil && *limit >= 0 && *limit < n {
		n = *limit
	}
	child = max(child, 1)
	if n > 0 && child > (math.MaxInt-1)/n {
		return math.MaxInt
	}
	return 1 + n*child
}

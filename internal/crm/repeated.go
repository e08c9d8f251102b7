package crm

import (
	"context"
	"fmt"
	"time"
)

// CanSeeQualityReport reports whether a may read the data quality report
// (internal/quality): managers and admins, who clean the data, and
// analysts, whose work it is to read figures over every customer (an API
// token's dashboard included). The report names customers, never contact
// details.
func (a Actor) CanSeeQualityReport() bool { return a.manages() || a.Role == RoleAnalyst }

// RemoveRepeatedInteractions removes, in one write of version
// expectedVersion, the interactions of customer id that repeatOf names as
// repeats: repeatOf gets the customer's interactions as stored (in time
// order) and returns, for each, the index of the interaction it repeats,
// or -1 for one it keeps (internal/quality decides what a repeat is). It
// must not modify them. A service request opened by the complaint of a
// removed interaction points at the one kept instead; a task of its next
// action closes itself (internal/followup), as when one interaction is
// removed. The figures are recomputed.
//
// Whoever may edit the customer may do it (Actor.CanEdit). With nothing to
// remove nothing is written: the customer is returned as read, removed 0.
// Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (archived), CONFLICT (the
// version moved on, even with nothing to remove), INTERNAL when repeatOf's
// answer is not one index per interaction, each -1 or that of a kept one.
func (s *Service) RemoveRepeatedInteractions(ctx context.Context, a Actor, id string, expectedVersion int64,
	repeatOf func([]Interaction) []int) (c *Customer, removed int, err error) {
	var bad error
	c, _, err = s.mutateIf(ctx, a, id, &expectedVersion, may(Actor.CanEdit), func(c *Customer, _ Problems, now time.Time) bool {
		removed = 0
		of := repeatOf(c.Interactions)
		if bad = checkRepeats(of, len(c.Interactions)); bad != nil {
			return false
		}
		keptAs := map[string]string{} // removed interaction id → the id of the one kept
		kept := c.Interactions[:0:0]
		for i, it := range c.Interactions {
			if of[i] < 0 {
				kept = append(kept, it)
				continue
			}
			keptAs[it.ID] = c.Interactions[of[i]].ID
			removed++
		}
		if removed == 0 {
			return false
		}
		c.Interactions = kept
		for i := range c.ServiceRequests {
			if k, ok := keptAs[c.ServiceRequests[i].InteractionID]; ok {
				c.ServiceRequests[i].InteractionID = k
			}
		}
		return true
	}, nil)
	switch {
	case err != nil:
		return nil, 0, err
	case bad != nil:
		return nil, 0, Internal(bad)
	}
	return c, removed, nil
}

// checkRepeats verifies repeatOf's answer for n interactions.
func checkRepeats(of []int, n int) error {
	if len(of) != n {
		return fmt.Errorf("repeated interactions: %d answers for %d interactions", len(of), n)
	}
	for i, j := range of {
		if j >= n || j < -1 || j == i || (j >= 0 && of[j] >= 0) {
			return fmt.Errorf("repeated interactions: interaction %d repeats %d, which is not one kept", i, j)
		}
	}
	return nil
}

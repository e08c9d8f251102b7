import { graphql } from '../../gql';

export const ServiceRequestFieldsFragment = graphql(`
  fragment ServiceRequestFields on ServiceRequest {
    id
    kind
    summary
    priority
    status
    due
    overdue
    resolution
    openedAt
    resolvedAt
    resolutionHours
    closedAt
    assignee {
      id
      name
    }
    openedBy {
      id
      name
    }
    contact {
      id
      name
    }
    satisfaction {
      id
      score
      comment
    }
    customer {
      id
      code
      name
      viewerCanLog
    }
  }
`);

/** Open requests across customers, by due time (the /service page). */
export const ServiceRequestsQuery = graphql(`
  query ServiceRequests($mine: Boolean, $kind: ServiceKind, $statuses: [ServiceStatus!], $overdue: Boolean, $first: Int, $after: String) {
    serviceRequests(mine: $mine, kind: $kind, statuses: $statuses, overdue: $overdue, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...ServiceRequestFields
      }
    }
  }
`);

/** How many requests the customer page shows (the literal in CustomerServiceRequestsQuery). */
export const CUSTOMER_SERVICE_LIMIT = 20;

// A request's history counts as its most steps (100) in the complexity
// limit, so the customer page asks for the first 20 requests (not closed
// first) with their histories: about 15,000 of 20,000.
export const CustomerServiceRequestsQuery = graphql(`
  query CustomerServiceRequests($code: String!) {
    customer(code: $code) {
      id
      openServiceCount
      serviceRequestCount
      serviceRequests(limit: 20) {
        ...ServiceRequestFields
        interaction {
          id
        }
        resolvedBy {
          id
          name
        }
        closedBy {
          id
          name
        }
        history {
          from
          to
          at
          note
          by {
            id
            name
          }
        }
      }
    }
  }
`);

export const OpenServiceRequestMutation = graphql(`
  mutation OpenServiceRequest($customerId: ID!, $input: ServiceRequestInput!) {
    openServiceRequest(customerId: $customerId, input: $input) {
      ...ServiceRequestFields
    }
  }
`);

export const UpdateServiceRequestMutation = graphql(`
  mutation UpdateServiceRequest($customerId: ID!, $requestId: ID!, $input: ServiceRequestPatch!) {
    updateServiceRequest(customerId: $customerId, requestId: $requestId, input: $input) {
      ...ServiceRequestFields
    }
  }
`);

export const CloseServiceRequestMutation = graphql(`
  mutation CloseServiceRequest($customerId: ID!, $requestId: ID!, $score: Int, $comment: String) {
    closeServiceRequest(customerId: $customerId, requestId: $requestId, score: $score, comment: $comment) {
      ...ServiceRequestFields
    }
  }
`);

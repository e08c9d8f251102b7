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
      version
    }
  }
`);

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

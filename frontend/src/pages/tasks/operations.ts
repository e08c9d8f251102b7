import { graphql } from '../../gql';

export const TaskFieldsFragment = graphql(`
  fragment TaskFields on Task {
    id
    kind
    title
    due
    status
    snoozedUntil
    assignee {
      id
      name
    }
    customer {
      id
      code
      name
      valueTier
    }
  }
`);

export const TasksQuery = graphql(`
  query Tasks($everyone: Boolean, $dueBefore: Time, $first: Int) {
    tasks(everyone: $everyone, dueBefore: $dueBefore, first: $first) {
      totalCount
      nodes {
        ...TaskFields
      }
    }
  }
`);

export const CompleteTaskMutation = graphql(`
  mutation CompleteTask($customerId: ID!, $taskId: ID!) {
    completeTask(customerId: $customerId, taskId: $taskId) {
      id
      status
    }
  }
`);

export const SnoozeTaskMutation = graphql(`
  mutation SnoozeTask($customerId: ID!, $taskId: ID!, $until: Time!) {
    snoozeTask(customerId: $customerId, taskId: $taskId, until: $until) {
      id
      snoozedUntil
    }
  }
`);

export const ReassignTaskMutation = graphql(`
  mutation ReassignTask($customerId: ID!, $taskId: ID!, $assigneeId: ID!) {
    reassignTask(customerId: $customerId, taskId: $taskId, assigneeId: $assigneeId) {
      id
      assignee {
        id
        name
      }
    }
  }
`);

// The daily digest behind the header's bell (components/DigestBell.tsx).
export const DigestFieldsFragment = graphql(`
  fragment DigestFields on Digest {
    day
    overdue
    dueToday
    new
    read
    serviceRequests
    serviceRequestsOverdue
    byKind {
      kind
      count
    }
    top {
      id
      kind
      title
      due
      customer {
        id
        code
        name
      }
    }
  }
`);

export const DigestQuery = graphql(`
  query Digest {
    digest {
      ...DigestFields
    }
  }
`);

export const MarkDigestReadMutation = graphql(`
  mutation MarkDigestRead {
    markDigestRead {
      ...DigestFields
    }
  }
`);

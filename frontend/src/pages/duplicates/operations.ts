// The GraphQL of duplicates and merges (schema.graphqls, "Merging duplicates").
import { graphql } from '../../gql';

export const DuplicatePairCustomerFragment = graphql(`
  fragment DuplicatePairCustomer on Customer {
    id
    code
    name
    version
    owner {
      id
      name
    }
  }
`);

export const DuplicateCandidatesQuery = graphql(`
  query DuplicateCandidates($first: Int, $after: String) {
    duplicateCandidates(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        score
        reasons
        legalFormsDiffer
        a {
          ...DuplicatePairCustomer
        }
        b {
          ...DuplicatePairCustomer
        }
      }
      skipped {
        reason
        count
      }
    }
  }
`);

/** The two customers of a merge with every field a merge chooses. */
export const MergeCustomersQuery = graphql(`
  query MergeCustomers($a: String!, $b: String!) {
    mergeFields
    a: customer(code: $a) {
      ...MergeCustomer
    }
    b: customer(code: $b) {
      ...MergeCustomer
    }
  }
`);

/** CustomerFields (api/operations.ts, the customer form's) and what a merge also shows. */
export const MergeCustomerFragment = graphql(`
  fragment MergeCustomer on Customer {
    ...CustomerFields
    cadenceDays
    contacts(limit: 100) {
      id
    }
    interactionCount
    dealCount
    openNeedCount
  }
`);

export const CustomerMergeFieldsFragment = graphql(`
  fragment CustomerMergeFields on CustomerMerge {
    id
    at
    by {
      id
      name
    }
    survivor {
      id
      code
      name
    }
    others {
      id
      code
      name
    }
    canUndo
    undoneAt
    kept {
      customerId
      code
      reason
    }
  }
`);

export const CustomerMergesQuery = graphql(`
  query CustomerMerges($first: Int) {
    customerMerges(first: $first) {
      ...CustomerMergeFields
    }
  }
`);

export const MergeCustomersMutation = graphql(`
  mutation MergeCustomersDo($survivorId: ID!, $otherIds: [ID!]!, $expectedVersions: [Int!]!, $choices: [MergeChoiceInput!]) {
    mergeCustomers(survivorId: $survivorId, otherIds: $otherIds, expectedVersions: $expectedVersions, choices: $choices) {
      merge {
        ...CustomerMergeFields
      }
      customer {
        id
        code
        name
        version
      }
    }
  }
`);

export const UndoMergeMutation = graphql(`
  mutation UndoMerge($id: ID!) {
    undoMerge(id: $id) {
      ...CustomerMergeFields
    }
  }
`);

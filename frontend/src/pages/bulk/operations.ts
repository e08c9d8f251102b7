// The GraphQL of bulk changes (docs/API.md, Bulk changes).
import { graphql } from '../../gql';

export const BulkActionsQuery = graphql(`
  query BulkActions {
    bulkActions
  }
`);

export const BulkJobFieldsFragment = graphql(`
  fragment BulkJobFields on BulkJob {
    id
    action
    status
    total
    done
    changed
    unchanged
    failures {
      customerId
      customerCode
      customerName
      code
      reason
      field
      message
    }
  }
`);

export const StartBulkChangeMutation = graphql(`
  mutation StartBulkChange($input: BulkChangeInput!) {
    startBulkChange(input: $input) {
      ...BulkJobFields
    }
  }
`);

export const BulkJobQuery = graphql(`
  query BulkJob($id: ID!) {
    bulkJob(id: $id) {
      ...BulkJobFields
    }
  }
`);

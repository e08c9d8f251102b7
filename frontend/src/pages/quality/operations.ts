// The GraphQL of the data quality report (schema.graphqls, "Data quality").
import { graphql } from '../../gql';

export const DataQualityQuery = graphql(`
  query DataQuality {
    dataQuality {
      at
      staleBefore
      customers
      averageCompleteness
      histogram {
        min
        max
        customers
      }
      missing {
        field
        weight
        customers
        drill {
          id
          code
          name
        }
      }
      findings {
        kind
        customers
        records
        drill {
          id
          code
          name
        }
      }
      leastComplete {
        customer {
          id
          code
          name
        }
        score
      }
    }
  }
`);

export const RemoveAllRepeatedFollowUpsMutation = graphql(`
  mutation RemoveAllRepeatedFollowUps {
    removeAllRepeatedFollowUps {
      customers
      removed
      changed {
        id
        code
        name
      }
    }
  }
`);

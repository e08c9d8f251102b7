// The GraphQL of imports (schema.graphqls, "Import of worksheets"). The
// file travels as a GraphQL multipart upload (api/client.ts, upload).
import { graphql } from '../../gql';

export const ImportFieldsQuery = graphql(`
  query ImportFields {
    importFields {
      key
      zh
      en
      group
      kind
      many
    }
  }
`);

export const DetectImportColumnsMutation = graphql(`
  mutation DetectImportColumns($file: Upload!, $mapping: [ColumnMappingInput!]) {
    detectImportColumns(file: $file, mapping: $mapping) {
      fileName
      format
      encoding
      headerRow
      fingerprint
      saved
      columns {
        index
        letter
        header
        field
        how
        confidence
        unit
        contact
        candidates
        samples
        warnings {
          ...ImportProblemFields
        }
      }
      problems {
        ...ImportProblemFields
      }
    }
  }
`);

export const ImportProblemFieldsFragment = graphql(`
  fragment ImportProblemFields on ImportProblem {
    row
    column
    field
    reason
    message
    params
    warning
  }
`);

/** What the list of recent imports shows, and what a job's progress needs. */
export const ImportJobSummaryFragment = graphql(`
  fragment ImportJobSummary on ImportJob {
    id
    status
    dryRun
    fileName
    message
    by {
      id
      name
    }
    createdAt
    finishedAt
    rows
    total
    processed
    rowsPerSecond
    secondsLeft
    created
    updated
    unchanged
    duplicates
    rowErrors
    resultFileUrl
    canUndo
    undoneAt
    undoneBy {
      id
      name
    }
    undo {
      deleted
      restored
      kept {
        customerId
        code
        reason
      }
    }
  }
`);

/** A job with its first rows' outcomes and problems (the dry run's report). */
export const ImportJobFieldsFragment = graphql(`
  fragment ImportJobFields on ImportJob {
    ...ImportJobSummary
    errors(first: 100) {
      ...ImportProblemFields
    }
    outcomes(first: 100) {
      row
      action
      customerId
      code
      matchedBy
      duplicates
      changes {
        field
        old
        new
      }
      notes {
        column
        from
        to
      }
    }
  }
`);

export const ImportCustomersMutation = graphql(`
  mutation ImportCustomers($file: Upload!, $dryRun: Boolean!, $mapping: [ColumnMappingInput!], $matchBy: ImportMatchKey) {
    importCustomers(file: $file, dryRun: $dryRun, mapping: $mapping, matchBy: $matchBy) {
      ...ImportJobFields
    }
  }
`);

export const ImportJobQuery = graphql(`
  query ImportJob($id: ID!) {
    importJob(id: $id) {
      ...ImportJobFields
    }
  }
`);

export const ImportJobsQuery = graphql(`
  query ImportJobs {
    importJobs(first: 20) {
      ...ImportJobSummary
    }
  }
`);

export const CancelImportMutation = graphql(`
  mutation CancelImport($id: ID!) {
    cancelImport(id: $id) {
      ...ImportJobFields
    }
  }
`);

export const UndoImportMutation = graphql(`
  mutation UndoImport($id: ID!) {
    undoImport(id: $id) {
      ...ImportJobFields
    }
  }
`);

/** How many outcomes and problems a job's report shows (the fragment's first). */
export const REPORT_ROWS = 100;

// The GraphQL of the classification rules (docs/API.md, Classification rules).
import { graphql } from '../../gql';

export const RuleFieldsFragment = graphql(`
  fragment RuleFields on ClassificationRule {
    name
    when
    priority
    then {
      valueTier
      lifecycle
      addTags
      removeTags
      cadenceDays
    }
  }
`);

export const RulesQuery = graphql(`
  query Rules {
    rules {
      version
      updatedAt
      updatedBy {
        id
        name
      }
      rules {
        ...RuleFields
      }
    }
  }
`);

export const PreviewRulesQuery = graphql(`
  query PreviewRules($rules: [ClassificationRuleInput!], $first: Int, $locale: Locale) {
    previewRules(rules: $rules, first: $first, locale: $locale) {
      customers
      changed
      held
      transitions {
        field
        tag
        from
        to
        customers
      }
      changes {
        customerId
        code
        name
        field
        tag
        from
        to
        rule
        reason
      }
      tasks {
        kind
        opened
        closed
      }
      lint {
        kind
        rules
        field
        lifecycle
        customers
        message
      }
    }
  }
`);

export const SaveRulesMutation = graphql(`
  mutation SaveRules($expectedVersion: Int!, $rules: [ClassificationRuleInput!]!) {
    saveRules(expectedVersion: $expectedVersion, rules: $rules) {
      version
    }
  }
`);

export const DefaultRulesQuery = graphql(`
  query DefaultRules {
    defaultRules {
      version
      rules {
        ...RuleFields
      }
    }
  }
`);

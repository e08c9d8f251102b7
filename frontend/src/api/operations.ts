// Every GraphQL operation of the app. graphql-codegen reads this file and
// generates typed documents into src/gql/ (see codegen.ts).
import { graphql } from '../gql';

export const UserFieldsFragment = graphql(`
  fragment UserFields on User {
    id
    email
    name
    role
    disabled
    assignable
    canCreateCustomers
    canChangeOwners
    canManageApiTokens
    canEditRules
    canSeeAllTasks
    canImport
    canMergeCustomers
    canSeeDataQuality
    locale
    createdAt
    updatedAt
    version
    mustChangePassword
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...UserFields
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      expiresAt
      user {
        ...UserFields
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const CustomerListItemFragment = graphql(`
  fragment CustomerListItem on Customer {
    id
    code
    name
    version
    stage
    type
    valueTier
    lifecycle
    intentGrade
    industry
    province
    city
    source
    tags
    owner {
      id
      name
    }
    nextFollowUpAt
    contacts(limit: 1) {
      name
      primary
    }
    interactionCount
    lastInteractionAt
    dealCount
    totalAmount
    lastDealOn
    avgSatisfaction
    openNeedCount
    createdAt
    updatedAt
    archivedAt
  }
`);

export const CustomersQuery = graphql(`
  query Customers(
    $first: Int!
    $after: String
    $orderBy: CustomerOrder
    $search: String
    $scope: ArchiveScope
    $query: String
    $where: CustomerWhere
  ) {
    customers(first: $first, after: $after, orderBy: $orderBy, search: $search, scope: $scope, query: $query, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...CustomerListItem
        }
      }
    }
  }
`);

// Only the cursors: used to reach page N of a list without loading the rows
// of the pages before it.
export const CustomerCursorsQuery = graphql(`
  query CustomerCursors(
    $first: Int!
    $after: String
    $orderBy: CustomerOrder
    $search: String
    $scope: ArchiveScope
    $query: String
    $where: CustomerWhere
  ) {
    customers(first: $first, after: $after, orderBy: $orderBy, search: $search, scope: $scope, query: $query, where: $where) {
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/**
 * A customer's own fields as the customer form edits them (and a merge
 * chooses between): the profile below and the merge dialog's customers
 * (pages/duplicates/operations.ts) both spread it, so they list the same.
 */
export const CustomerFieldsFragment = graphql(`
  fragment CustomerFields on Customer {
    id
    code
    name
    version
    creditCode
    industry
    employeeBand
    revenueBand
    province
    city
    address
    website
    foundedOn
    mainBusiness
    source
    type
    stage
    valueTier
    intentGrade
    needType
    owner {
      id
      name
    }
    commPreference
    notes
    archivedAt
  }
`);

export const CustomerProfileFragment = graphql(`
  fragment CustomerProfile on Customer {
    ...CustomerFields
    tags
    collaborators {
      id
      name
    }
    viewerCanChangeOwner
    viewerCanChangeCollaborators
  }
`);

export const CustomerDetailFragment = graphql(`
  fragment CustomerDetail on Customer {
    ...CustomerProfile
    mergedInto {
      id
      code
      name
    }
    contactDetailsMasked
    viewerCanEdit
    viewerCanLog
    contacts {
      id
      name
      title
      phone
      email
      wechat
      role
      primary
      commPreference
      bestTime
    }
    interactions(newestFirst: true, limit: $interactionLimit) {
      id
      at
      channel
      summary
      feedback
      result
      keyEvent
      durationMin
      contactIds
      participants {
        id
        name
      }
      nextAction {
        what
        due
        done
        owner {
          id
          name
        }
      }
      createdBy {
        id
        name
      }
      updatedAt
      updatedBy {
        id
        name
      }
      viewerCanEdit
      viewerCanTickOff
    }
    needs(newestFirst: true, limit: $recordLimit) {
      id
      title
      kind
      type
      priority
      urgent
      important
      status
      budgetMin
      budgetMax
      expectedOn
      openedAt
      resolvedAt
      createdBy {
        id
        name
      }
      updatedAt
      updatedBy {
        id
        name
      }
      viewerCanEdit
    }
    deals(newestFirst: true, limit: $recordLimit) {
      id
      date
      amount
      product
      note
      createdBy {
        id
        name
      }
      updatedAt
      updatedBy {
        id
        name
      }
      viewerCanEdit
    }
    satisfaction(newestFirst: true, limit: $recordLimit) {
      id
      at
      score
      comment
      createdBy {
        id
        name
      }
      updatedAt
      updatedBy {
        id
        name
      }
      viewerCanEdit
    }
    interactionCount
    firstInteractionAt
    lastInteractionAt
    dealCount
    totalAmount
    firstDealOn
    lastDealOn
    openNeedCount
    complaintCount
    lastComplaintAt
    satisfactionCount
    avgSatisfaction
    stageHistory(newestFirst: true, limit: $historyLimit) {
      from
      to
      at
      by {
        id
        name
      }
    }
    tierHistory(newestFirst: true, limit: $historyLimit) {
      from
      to
      at
      by {
        id
        name
      }
      reason
      rule
    }
    lifecycleHistory(newestFirst: true, limit: $historyLimit) {
      from
      to
      at
      by {
        id
        name
      }
      reason
      rule
    }
    ...CustomerClassification
    tasks(status: OPEN, limit: 20) {
      id
      kind
      title
      due
      snoozedUntil
      assignee {
        id
        name
      }
    }
    ownerHistory(newestFirst: true, limit: $historyLimit) {
      from {
        id
        name
      }
      to {
        id
        name
      }
      at
      by {
        id
        name
      }
    }
    createdAt
    createdBy {
      id
      name
    }
    updatedAt
    updatedBy {
      id
      name
    }
  }
`);

// The most the customer page asks for of each nested list: every list of a
// customer counts, in the server's complexity limit, as the most it may
// return (docs/API.md, Limits). graph/cost_test.go checks this query's cost
// at these values.
/** Interactions, newest first (the timeline's "more" grows the limit up to this). */
export const MAX_INTERACTION_LIMIT = 150;
/** Needs, deals and satisfaction results: the newest this many of each. */
export const RECORD_LIMIT = 100;
/** Stage, value tier, lifecycle and owner changes: the newest this many of each. */
export const HISTORY_LIMIT = 30;

export const CustomerQuery = graphql(`
  query Customer($code: String!, $interactionLimit: Int, $recordLimit: Int!, $historyLimit: Int!) {
    customer(code: $code) {
      ...CustomerDetail
    }
  }
`);

export const CreateCustomerMutation = graphql(`
  mutation CreateCustomer($input: CustomerInput!) {
    createCustomer(input: $input) {
      id
      code
      version
    }
  }
`);

/** A customer's classification (value tier, lifecycle stage, cadence): values, sources, reasons, overrides. */
export const CustomerClassificationFragment = graphql(`
  fragment CustomerClassification on Customer {
    id
    version
    valueTier
    lifecycle
    cadenceDays
    nextFollowUpAt
    classification {
      valueTier {
        ...ClassifiedValueFields
      }
      lifecycle {
        ...ClassifiedValueFields
      }
      cadence {
        ...ClassifiedValueFields
      }
    }
  }
`);

export const ClassifiedValueFieldsFragment = graphql(`
  fragment ClassifiedValueFields on ClassifiedValue {
    value
    source
    suggested
    rule
    reason
    override {
      value
      reason
      at
      reviewOn
      by {
        id
        name
      }
    }
  }
`);

export const OverrideClassificationMutation = graphql(`
  mutation OverrideClassification(
    $id: ID!
    $expectedVersion: Int!
    $valueTier: Tier
    $lifecycle: Lifecycle
    $cadenceDays: Int
    $reason: String!
    $reviewOn: Date
  ) {
    overrideClassification(
      customerId: $id
      expectedVersion: $expectedVersion
      valueTier: $valueTier
      lifecycle: $lifecycle
      cadenceDays: $cadenceDays
      reason: $reason
      reviewOn: $reviewOn
    ) {
      ...CustomerClassification
    }
  }
`);

export const ClearOverrideMutation = graphql(`
  mutation ClearOverride($id: ID!, $expectedVersion: Int!) {
    clearOverride(customerId: $id, expectedVersion: $expectedVersion) {
      ...CustomerClassification
    }
  }
`);

export const UpdateCustomerMutation = graphql(`
  mutation UpdateCustomer($id: ID!, $expectedVersion: Int!, $input: CustomerPatch!) {
    updateCustomer(id: $id, expectedVersion: $expectedVersion, input: $input) {
      ...CustomerProfile
    }
  }
`);

export const ArchiveCustomerMutation = graphql(`
  mutation ArchiveCustomer($id: ID!, $expectedVersion: Int!) {
    archiveCustomer(id: $id, expectedVersion: $expectedVersion) {
      id
      version
      archivedAt
    }
  }
`);

export const RestoreCustomerMutation = graphql(`
  mutation RestoreCustomer($id: ID!, $expectedVersion: Int!) {
    restoreCustomer(id: $id, expectedVersion: $expectedVersion) {
      id
      version
      archivedAt
    }
  }
`);

export const AddContactMutation = graphql(`
  mutation AddContact($customerId: ID!, $input: ContactInput!) {
    addContact(customerId: $customerId, input: $input) {
      id
      version
    }
  }
`);

export const UpdateContactMutation = graphql(`
  mutation UpdateContact($customerId: ID!, $contactId: ID!, $expectedVersion: Int!, $input: ContactPatch!) {
    updateContact(customerId: $customerId, contactId: $contactId, expectedVersion: $expectedVersion, input: $input) {
      id
      version
    }
  }
`);

export const RemoveContactMutation = graphql(`
  mutation RemoveContact($customerId: ID!, $contactId: ID!, $expectedVersion: Int!) {
    removeContact(customerId: $customerId, contactId: $contactId, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const LogInteractionMutation = graphql(`
  mutation LogInteraction($customerId: ID!, $input: InteractionInput!) {
    logInteraction(customerId: $customerId, input: $input) {
      id
      version
      interactionCount
      lastInteractionAt
    }
  }
`);

export const AddNeedMutation = graphql(`
  mutation AddNeed($customerId: ID!, $input: NeedInput!) {
    addNeed(customerId: $customerId, input: $input) {
      id
      version
    }
  }
`);

export const UpdateNeedMutation = graphql(`
  mutation UpdateNeed($customerId: ID!, $needId: ID!, $expectedVersion: Int!, $input: NeedPatch!) {
    updateNeed(customerId: $customerId, needId: $needId, expectedVersion: $expectedVersion, input: $input) {
      id
      version
    }
  }
`);

export const RecordDealMutation = graphql(`
  mutation RecordDeal($customerId: ID!, $input: DealInput!) {
    recordDeal(customerId: $customerId, input: $input) {
      id
      version
    }
  }
`);

export const RecordSatisfactionMutation = graphql(`
  mutation RecordSatisfaction($customerId: ID!, $input: SatisfactionInput!) {
    recordSatisfaction(customerId: $customerId, input: $input) {
      id
      version
    }
  }
`);

export const UpdateInteractionMutation = graphql(`
  mutation UpdateInteraction($customerId: ID!, $interactionId: ID!, $expectedVersion: Int!, $input: InteractionPatch!) {
    updateInteraction(customerId: $customerId, interactionId: $interactionId, expectedVersion: $expectedVersion, input: $input) {
      id
      version
    }
  }
`);

export const RemoveInteractionMutation = graphql(`
  mutation RemoveInteraction($customerId: ID!, $interactionId: ID!, $expectedVersion: Int!) {
    removeInteraction(customerId: $customerId, interactionId: $interactionId, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const RemoveNeedMutation = graphql(`
  mutation RemoveNeed($customerId: ID!, $needId: ID!, $expectedVersion: Int!) {
    removeNeed(customerId: $customerId, needId: $needId, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const UpdateDealMutation = graphql(`
  mutation UpdateDeal($customerId: ID!, $dealId: ID!, $expectedVersion: Int!, $input: DealPatch!) {
    updateDeal(customerId: $customerId, dealId: $dealId, expectedVersion: $expectedVersion, input: $input) {
      id
      version
    }
  }
`);

export const RemoveDealMutation = graphql(`
  mutation RemoveDeal($customerId: ID!, $dealId: ID!, $expectedVersion: Int!) {
    removeDeal(customerId: $customerId, dealId: $dealId, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const UpdateSatisfactionMutation = graphql(`
  mutation UpdateSatisfaction($customerId: ID!, $resultId: ID!, $expectedVersion: Int!, $input: SatisfactionPatch!) {
    updateSatisfaction(customerId: $customerId, resultId: $resultId, expectedVersion: $expectedVersion, input: $input) {
      id
      version
    }
  }
`);

export const RemoveSatisfactionMutation = graphql(`
  mutation RemoveSatisfaction($customerId: ID!, $resultId: ID!, $expectedVersion: Int!) {
    removeSatisfaction(customerId: $customerId, resultId: $resultId, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

/** Active colleagues, for every picker of people (any signed-in user may read it). */
export const StaffQuery = graphql(`
  query Staff {
    staff {
      id
      name
      email
      role
      assignable
    }
  }
`);

export const UsersQuery = graphql(`
  query Users {
    users {
      ...UserFields
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $expectedVersion: Int!, $input: UpdateUserInput!) {
    updateUser(id: $id, expectedVersion: $expectedVersion, input: $input) {
      ...UserFields
    }
  }
`);

export const UpdateMySettingsMutation = graphql(`
  mutation UpdateMySettings($input: SettingsInput!) {
    updateMySettings(input: $input) {
      ...UserFields
    }
  }
`);

export const ChangeMyPasswordMutation = graphql(`
  mutation ChangeMyPassword($currentPassword: String!, $newPassword: String!) {
    changeMyPassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`);

export const CustomerProfileQuery = graphql(`
  query CustomerProfile($id: ID, $code: String) {
    customer(id: $id, code: $code) {
      ...CustomerProfile
      updatedAt
      updatedBy {
        id
        name
      }
    }
  }
`);

// Segments: the filter builder reads a query line as its CustomerWhere JSON
// (parseQuery), writes the line of a where (formatQuery, null when it has
// none) and counts the customers of a filter while it is composed.
export const ParseQueryQuery = graphql(`
  query ParseQuery($query: String!) {
    parseQuery(query: $query)
  }
`);

export const FormatQueryQuery = graphql(`
  query FormatQuery($where: CustomerWhere!) {
    formatQuery(where: $where)
  }
`);

export const CustomersCountQuery = graphql(`
  query CustomersCount($where: CustomerWhere, $query: String, $scope: ArchiveScope) {
    customersCount(where: $where, query: $query, scope: $scope)
  }
`);

// Saved segments: the sidebar lists them with their live counts in one request.
export const SavedSegmentFieldsFragment = graphql(`
  fragment SavedSegmentFields on SavedSegment {
    id
    name
    query
    where
    shared
    editable
    version
    owner {
      id
      name
    }
    updatedAt
  }
`);

export const SegmentsQuery = graphql(`
  query Segments($scope: ArchiveScope) {
    segments {
      ...SavedSegmentFields
      count(scope: $scope)
    }
  }
`);

export const SaveSegmentMutation = graphql(`
  mutation SaveSegment($name: String!, $where: CustomerWhere, $query: String, $shared: Boolean) {
    saveSegment(name: $name, where: $where, query: $query, shared: $shared) {
      ...SavedSegmentFields
    }
  }
`);

export const UpdateSegmentMutation = graphql(`
  mutation UpdateSegment($id: ID!, $expectedVersion: Int!, $name: String, $where: CustomerWhere, $query: String, $shared: Boolean) {
    updateSegment(id: $id, expectedVersion: $expectedVersion, name: $name, where: $where, query: $query, shared: $shared) {
      ...SavedSegmentFields
    }
  }
`);

export const DeleteSegmentMutation = graphql(`
  mutation DeleteSegment($id: ID!, $expectedVersion: Int!) {
    deleteSegment(id: $id, expectedVersion: $expectedVersion)
  }
`);

// The quick switcher (Ctrl/⌘+K): customers by name, code or contact name.
export const QuickFindQuery = graphql(`
  query QuickFind($search: String!) {
    customers(first: 8, search: $search, scope: ALL) {
      edges {
        node {
          id
          code
          name
          archivedAt
        }
      }
    }
  }
`);

// Duplicate check before a customer is created (possibleDuplicates).
export const PossibleDuplicatesQuery = graphql(`
  query PossibleDuplicates($input: DuplicateCheckInput!) {
    possibleDuplicates(input: $input) {
      reasons
      customer {
        id
        code
        name
        archivedAt
        owner {
          id
          name
        }
      }
    }
  }
`);

// The dashboard (/dashboard): every chart of the page in one request, each an
// aggregate over the same segment and range (literal limits: the cost test
// sees the real sizes). Tier, stage: the customers now; the rest: facts in
// the range. Labels come in $locale; drill opens a group in the list.
export const DashboardQuery = graphql(`
  query Dashboard($segment: ID, $range: AggregateRange, $locale: Locale) {
    kpis(segment: $segment, range: $range, locale: $locale) {
      kpis { code name unit value numerator denominator previous change target targetMet higherIsBetter definition drill }
      range { from to }
      previousRange { from to }
    }
    funnel(segment: $segment, range: $range, locale: $locale) {
      steps { stage label customers conversionFromPrevious conversionFromFirst medianDaysFromPrevious drill }
      range { from to }
    }
    tiers: customersAggregate(segment: $segment, groupBy: [VALUE_TIER], orderBy: { by: KEY }, limit: 20, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    stages: customersAggregate(segment: $segment, groupBy: [STAGE], orderBy: { by: KEY }, limit: 20, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    newCustomers: customersAggregate(segment: $segment, range: $range, groupBy: [MONTH], orderBy: { by: KEY }, limit: 1, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    dealAmount: dealsAggregate(segment: $segment, range: $range, groupBy: [MONTH], orderBy: { by: KEY }, limit: 1, locale: $locale) {
      groups { keys labels count customers other drill sum(metric: AMOUNT) }
      total { count customers sum(metric: AMOUNT) }
    }
    interactions: interactionsAggregate(segment: $segment, range: $range, groupBy: [MONTH, CHANNEL], limit: 20, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    needs: needsAggregate(segment: $segment, range: $range, groupBy: [STATUS, PRIORITY], orderBy: { by: KEY }, limit: 50, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    serviceRequests: serviceRequestsAggregate(segment: $segment, range: $range, groupBy: [MONTH, TIMELINESS], limit: 10, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    tasks: tasksAggregate(segment: $segment, range: $range, groupBy: [MONTH, TIMELINESS], limit: 10, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
    industries: dealsAggregate(segment: $segment, range: $range, groupBy: [INDUSTRY], orderBy: { by: SUM, metric: AMOUNT }, limit: 10, locale: $locale) {
      groups { keys labels count customers other drill sum(metric: AMOUNT) }
      total { count customers sum(metric: AMOUNT) }
    }
    sources: customersAggregate(segment: $segment, range: $range, groupBy: [SOURCE], limit: 10, locale: $locale) {
      groups { keys labels count customers other drill }
      total { count customers }
    }
  }
`);

// The segments the dashboard can narrow to (no counts: the picker only names them).
export const DashboardSegmentsQuery = graphql(`
  query DashboardSegments {
    segments {
      id
      name
    }
  }
`);

import type { CustomerDetailFragment } from '../../gql/graphql';

export type Detail = CustomerDetailFragment;
export type DetailContact = Detail['contacts'][number];
export type DetailInteraction = Detail['interactions'][number];
export type DetailNeed = Detail['needs'][number];

export interface SectionProps {
  customer: Detail;
  canEdit: boolean;
  canLog: boolean;
  /** Reloads the customer after a change (and returns the fresh copy). */
  reload: () => Promise<Detail | null>;
}

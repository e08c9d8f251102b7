import { describe, expect, it } from 'vitest';
import { exampleName, rootFields } from '../src/graphiql/examples';

describe('GraphiQL examples list', () => {
  it('names an example by its prose, else by the fields it asks for', () => {
    expect(exampleName({ file: 'docs/API.md', section: 'S', title: 'Search by company name:', query: '{ customers { totalCount } }' })).toBe(
      'Search by company name',
    );
    expect(exampleName({ file: 'docs/API.md', section: 'S', title: '', query: 'mutation ($id: ID!) { recordDeal(customerId: $id) { dealCount } }' })).toBe(
      'mutation recordDeal',
    );
    expect(rootFields('{ a: customersCount b: segments { id } }')).toBe('customersCount, segments');
    expect(rootFields('not graphql {')).toBe('not graphql {');
  });
});

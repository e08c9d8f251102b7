// What the duplicate check (possibleDuplicates) is asked about a customer
// being entered. The matching itself is the server's (internal/crm/match.go):
// the app only collects the values and remembers what the user confirmed.
import type { DuplicateCheckInput } from '../gql/graphql';

interface Values {
  name?: string | null;
  creditCode?: string | null;
  contacts?: { phone?: string | null }[] | null;
}

/** The API's limits: longer values are refused, so they are not sent. */
const MAX_NAME = 200;
const MAX_VALUE = 50;
const MAX_PHONES = 20;

/** The check's input for form values; null when there is nothing to match on. */
export function duplicateInput(v: Values): DuplicateCheckInput | null {
  const name = (v.name ?? '').trim().slice(0, MAX_NAME);
  const creditCode = (v.creditCode ?? '').trim();
  const phones = [
    ...new Set(
      (v.contacts ?? [])
        .map((c) => (c?.phone ?? '').trim())
        .filter((p) => p !== '' && p.length <= MAX_VALUE),
    ),
  ].slice(0, MAX_PHONES);
  if (!name && !creditCode && phones.length === 0) return null;
  return { name, creditCode: creditCode.length <= MAX_VALUE ? creditCode : '', phones };
}

/** A stable key of an input: the user's "create anyway" holds for these values only. */
export function duplicateKey(input: DuplicateCheckInput | null): string {
  return input ? JSON.stringify([input.name ?? '', input.creditCode ?? '', input.phones ?? []]) : '';
}

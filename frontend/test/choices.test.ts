import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPLOYEE_BAND_CHOICES, REVENUE_BAND_CHOICES, SOURCE_CHOICES } from '../src/i18n/choices';

// The demo data's values (internal/demo/words.go) are all in the app's lists,
// so English mode translates every value a demo customer shows.
const words = readFileSync(resolve(__dirname, '../../internal/demo/words.go'), 'utf8');
const block = (start: string) => words.slice(words.indexOf(start), words.indexOf('\n}\n', words.indexOf(start)));
const quoted = (s: string) => [...s.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? "");

describe('suggested values of free-text fields', () => {
  const bands = block('var sizeBands');
  const employees = [...bands.matchAll(/\{"([^"]+)", \[\]string\{/g)].map((m) => m[1] ?? "");
  const revenues = [...bands.matchAll(/\[\]string\{([^}]+)\}/g)].flatMap((m) => quoted(m[1] ?? ""));
  const sources = [...block('var sources').matchAll(/\{"([^"]+)", \d+\}/g)].map((m) => m[1] ?? "");

  it('reads the demo lists', () => {
    expect(employees.length).toBeGreaterThan(3);
    expect(revenues.length).toBeGreaterThan(3);
    expect(sources.length).toBeGreaterThan(3);
  });
  it.each([
    ['employee bands', employees, EMPLOYEE_BAND_CHOICES],
    ['revenue bands', revenues, REVENUE_BAND_CHOICES],
    ['sources', sources, SOURCE_CHOICES],
  ] as const)('%s: every demo value has a label', (_, values, choices) => {
    for (const v of values) expect(Object.keys(choices)).toContain(v);
  });
  it.each([EMPLOYEE_BAND_CHOICES, REVENUE_BAND_CHOICES, SOURCE_CHOICES])('the key is the Chinese label, the English label is English', (choices) => {
    for (const [v, l] of Object.entries(choices)) {
      expect(l.zh).toBe(v);
      expect(l.en).toMatch(/^[\x20-\x7e¥–]+$/);
    }
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colors, contrast, over } from '../src/theme';

// WCAG AA: 4.5:1 for text. The backgrounds the app puts text on.
const backgrounds = ['#ffffff', '#fafafa', '#f5f5f5'];

describe('theme colours', () => {
  it('computes the WCAG ratio (known pairs)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#1677ff', '#ffffff')).toBeCloseTo(4.1, 1); // Ant Design's default blue fails
    expect(over('rgba(0, 0, 0, 0.45)', '#ffffff')).toBe('#8c8c8c');
    expect(contrast('rgba(0, 0, 0, 0.45)', '#ffffff')).toBeLessThan(4.5); // Ant Design's default grey fails
  });

  for (const [name, value] of Object.entries(colors)) {
    for (const bg of backgrounds) {
      it(`${name} on ${bg} meets AA`, () => {
        expect(contrast(value, bg)).toBeGreaterThanOrEqual(4.5);
      });
    }
  }

  it('styles.css uses the same values', () => {
    const css = readFileSync(resolve(__dirname, '../src/styles.css'), 'utf8');
    const prop = (n: string) => new RegExp(`--kehu-${n}:\\s*([^;]+);`).exec(css)?.[1]?.trim();
    expect(prop('primary')).toBe(colors.primary);
    expect(prop('text-muted')).toBe(colors.textMuted);
    expect(prop('error')).toBe(colors.error);
    // No literal of Ant Design's failing defaults is left in the stylesheet.
    expect(css).not.toMatch(/#1677ff|rgba\(0, 0, 0, 0\.(45|55)\)/i);
  });
});

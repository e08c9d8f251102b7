import type { ThemeConfig } from 'antd';

/**
 * Colours that meet WCAG AA contrast (4.5:1 for text) on white and on the
 * light greys the app uses (#f5f5f5, #fafafa). Ant Design's defaults do not:
 * its blue #1677ff is 4.1:1 on white, its secondary grey rgba(0,0,0,0.45)
 * 3.3:1, its red, green and orange 2-3.5:1. styles.css repeats these values
 * as custom properties (--kehu-primary ...); test/theme.test.ts checks that
 * both agree and that every pair passes, and the browser tests run axe-core's
 * contrast rule over every page.
 */
export const colors = {
  primary: '#0958d9', // Ant Design blue-7: 6.0:1 on white
  text: 'rgba(0, 0, 0, 0.88)',
  textSecondary: 'rgba(0, 0, 0, 0.65)', // #595959: 7.0:1
  textMuted: 'rgba(0, 0, 0, 0.62)', // #616161: 6.2:1 on white, 5.7:1 on #f5f5f5
  placeholder: 'rgba(0, 0, 0, 0.58)', // #6b6b6b: 5.3:1
  error: '#cf1322', // red-7: 5.9:1
  success: '#237804', // green-8: 5.9:1
  warning: '#ad4e00', // orange-8: 5.6:1
  neutral: '#595959', // a count that is not urgent (white on it 7.0:1)
} as const;

const fontFamily =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Helvetica Neue", Arial, sans-serif';

export const theme: ThemeConfig = {
  token: {
    fontFamily,
    colorPrimary: colors.primary,
    colorInfo: colors.primary,
    colorLink: colors.primary,
    colorTextSecondary: colors.textSecondary,
    colorTextTertiary: colors.textMuted,
    colorTextDescription: colors.textMuted,
    colorTextPlaceholder: colors.placeholder,
    colorError: colors.error,
    colorSuccess: colors.success,
    colorWarning: colors.warning,
    // The light backgrounds of status tags and alerts, as with the defaults
    // (derived from the darker seeds above they come out too dark).
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
    colorWarningBg: '#fff7e6',
    colorWarningBorder: '#ffd591',
    colorInfoBg: '#e6f4ff',
    colorInfoBorder: '#91caff',
  },
};

/** The WCAG relative luminance of an opaque #rrggbb colour. */
export function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** A colour (#rrggbb or rgba(0, 0, 0, a)) laid over an opaque background, as #rrggbb. */
export function over(color: string, background: string): string {
  const m = /^rgba\((\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)$/.exec(color);
  if (!m) return color;
  const a = Number(m[4]);
  const bg = parseInt(background.slice(1), 16);
  const mix = (fg: number, b: number) => Math.round(fg * a + b * (1 - a));
  const r = mix(Number(m[1]), (bg >> 16) & 255);
  const g = mix(Number(m[2]), (bg >> 8) & 255);
  const b = mix(Number(m[3]), bg & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}

/** The WCAG contrast ratio of text colour fg over the opaque background bg. */
export function contrast(fg: string, bg: string): number {
  const a = luminance(over(fg, bg));
  const b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

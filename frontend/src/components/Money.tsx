import { Tooltip } from 'antd';
import { useI18n } from '../i18n';
import { formatMoney, formatMoneyShort } from '../lib/money';

/**
 * An amount, the one way the app shows money: compact for large amounts
 * (¥82.1万, ¥2.5亿 in Chinese; ¥821K, ¥250M in English), exact (¥821,000.00)
 * on hover or focus and to screen readers. Exports and edit forms carry the
 * exact amount.
 */
export function Money({ value, strong }: { value: string | null | undefined; strong?: boolean }) {
  const { lang } = useI18n();
  const exact = formatMoney(value);
  const short = formatMoneyShort(value, lang);
  const style = strong ? { fontWeight: 600 } : undefined;
  if (short === exact) {
    return (
      <span className="kehu-money" style={style}>
        {exact}
      </span>
    );
  }
  return (
    <Tooltip title={exact}>
      <span className="kehu-money" data-exact={exact} aria-label={exact} tabIndex={0} style={style}>
        {short}
      </span>
    </Tooltip>
  );
}

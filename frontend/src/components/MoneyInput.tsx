import { InputNumber, type InputNumberProps } from 'antd';

/**
 * Money in yuan: two decimals, kept as a string (stringMode) so that no
 * amount passes through a float. Convert with toMoney() before sending.
 */
export function MoneyInput(props: Omit<InputNumberProps<string>, 'stringMode' | 'precision'>) {
  return (
    <InputNumber<string>
      {...props}
      stringMode
      precision={2}
      min="0"
      prefix="¥"
      style={{ width: '100%', ...props.style }}
      formatter={(v) => {
        const [i = '', f] = `${v ?? ''}`.split('.');
        const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        return f === undefined ? grouped : `${grouped}.${f}`;
      }}
      parser={(v) => (v ?? '').replace(/[,\s¥￥]/g, '')}
    />
  );
}

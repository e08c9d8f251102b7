import { Select, type SelectProps } from 'antd';
import type { LabelMap } from '../i18n/enums';
import { useI18n } from '../i18n';

type Props<E extends string> = Omit<SelectProps<E>, 'options'> & { map: LabelMap<E> };

/** A picker of an enum with labels in the current language. */
export function EnumSelect<E extends string>({ map, ...rest }: Props<E>) {
  const { options, t } = useI18n();
  return <Select<E> allowClear placeholder={t('form.select')} {...rest} options={options(map)} />;
}

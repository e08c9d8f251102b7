import { Tag } from 'antd';
import type { LabelMap } from '../i18n/enums';
import { useI18n } from '../i18n';

/** An enum value as a coloured tag; nothing for null. */
export function EnumTag<E extends string>({ map, value }: { map: LabelMap<E>; value: E | null | undefined }) {
  const { label } = useI18n();
  if (!value) return null;
  return (
    <Tag color={map[value].color} bordered={false} style={{ marginInlineEnd: 4 }}>
      {label(map, value)}
    </Tag>
  );
}

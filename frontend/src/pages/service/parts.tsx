import { Tag } from 'antd';
import { ExclamationCircleOutlined } from '@ant-design/icons';
import type { Priority, ServiceKind, ServiceStatus } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { PRIORITY_LABELS, SERVICE_KIND_LABELS, SERVICE_STATUS_LABELS } from '../../i18n/enums';
import { EnumTag } from '../../components/EnumTag';
import { formatTime } from '../../lib/money';
import { colors } from '../../theme';

/** A request's priority as a tag that says it is one (高优先级). */
export function PriorityTag({ value }: { value: Priority }) {
  const { t, label } = useI18n();
  return (
    <Tag color={PRIORITY_LABELS[value].color} bordered={false} style={{ marginInlineEnd: 4 }}>
      {t('service.priorityTag', { p: label(PRIORITY_LABELS, value) })}
    </Tag>
  );
}

/** Status, kind and priority. */
export function ServiceTags({ r, status = true }: { r: { status: ServiceStatus; kind: ServiceKind; priority: Priority }; status?: boolean }) {
  return (
    <>
      {status && <EnumTag map={SERVICE_STATUS_LABELS} value={r.status} />}
      <EnumTag map={SERVICE_KIND_LABELS} value={r.kind} />
      <PriorityTag value={r.priority} />
    </>
  );
}

/** When it is due; in red with 已超时 while worked on past it (under the time when stacked: a table's cell). */
export function DueText({ r, prefix = true, stacked = false }: { r: { due: string; overdue: boolean }; prefix?: boolean; stacked?: boolean }) {
  const { t } = useI18n();
  const at = formatTime(r.due);
  return (
    <span style={{ color: r.overdue ? colors.error : undefined, whiteSpace: 'nowrap' }} data-testid={r.overdue ? 'service-overdue' : undefined}>
      {prefix ? t('service.dueAt', { at }) : at}
      {r.overdue && (
        <span style={stacked ? { display: 'block' } : undefined}>
          {stacked ? '' : ' '}
          <ExclamationCircleOutlined aria-hidden /> {t('service.overdue')}
        </span>
      )}
    </span>
  );
}

import { useCallback, useRef, useState } from 'react';
import { Alert, Button, List, Modal, Space, Tag, Typography } from 'antd';
import { request } from '../api/client';
import { PossibleDuplicatesQuery } from '../api/operations';
import type { DuplicateCheckInput, PossibleDuplicatesQuery as Answer } from '../gql/graphql';
import { useI18n } from '../i18n';
import { DUPLICATE_REASON_LABELS } from '../i18n/enums';
import { duplicateKey } from '../lib/duplicates';

export type DuplicateMatch = Answer['possibleDuplicates'][number];

/**
 * Asks the server which customers a customer being entered may duplicate.
 * Only the answer to the latest question is kept (a slower earlier answer
 * never replaces it), with the key of the values it answers.
 */
export function useDuplicateCheck() {
  const [answer, setAnswer] = useState<{ key: string; matches: DuplicateMatch[] }>({ key: '', matches: [] });
  const latest = useRef(0);
  const check = useCallback(async (input: DuplicateCheckInput | null): Promise<DuplicateMatch[]> => {
    const n = ++latest.current;
    const key = duplicateKey(input);
    let matches: DuplicateMatch[] = [];
    if (input) matches = (await request(PossibleDuplicatesQuery, { input: { ...input, limit: 5 } })).possibleDuplicates;
    if (n === latest.current) setAnswer({ key, matches });
    return matches;
  }, []);
  return { ...answer, check };
}

/** The matches, each with what it shares and an "open" button. */
export function DuplicateList({ matches, onOpen }: { matches: DuplicateMatch[]; onOpen: (code: string) => void }) {
  const { t, label } = useI18n();
  return (
    <List
      size="small"
      dataSource={matches}
      data-testid="duplicate-list"
      renderItem={(m) => (
        <List.Item
          key={m.customer.id}
          actions={[
            <Button key="open" size="small" onClick={() => onOpen(m.customer.code)} aria-label={`${t('dupe.open')} ${m.customer.name}`}>
              {t('dupe.open')}
            </Button>,
          ]}
        >
          <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
            <Typography.Text strong style={{ wordBreak: 'break-all' }}>
              {m.customer.name}
            </Typography.Text>
            <Space size={4} wrap>
              <Typography.Text type="secondary" style={{ fontFamily: 'monospace' }}>
                {m.customer.code}
              </Typography.Text>
              {m.reasons.map((r) => (
                <Tag key={r} color={DUPLICATE_REASON_LABELS[r].color} bordered={false} style={{ marginInlineEnd: 0 }}>
                  {label(DUPLICATE_REASON_LABELS, r)}
                </Tag>
              ))}
              {m.customer.archivedAt && (
                <Tag bordered={false} style={{ marginInlineEnd: 0 }}>
                  {t('customer.archived')}
                </Tag>
              )}
              {m.customer.owner && <Typography.Text type="secondary">{t('dupe.owner', { name: m.customer.owner.name })}</Typography.Text>}
            </Space>
          </Space>
        </List.Item>
      )}
    />
  );
}

/** The matches found while the user types, under the fields they came from. */
export function DuplicateNotice({ matches, onOpen }: { matches: DuplicateMatch[]; onOpen: (code: string) => void }) {
  const { t } = useI18n();
  if (matches.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      role="status"
      data-testid="duplicate-notice"
      style={{ marginBottom: 16 }}
      message={t('dupe.inline', { n: matches.length })}
      description={<DuplicateList matches={matches} onOpen={onOpen} />}
    />
  );
}

/** Asked on save when the customer may already exist: open one, keep editing, or create anyway. */
export function DuplicateConfirm({
  matches,
  onOpen,
  onCreate,
  onCancel,
}: {
  matches: DuplicateMatch[] | null;
  onOpen: (code: string) => void;
  onCreate: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open={matches !== null}
      title={t('dupe.confirmTitle')}
      onCancel={onCancel}
      width={560}
      footer={[
        <Button key="back" onClick={onCancel}>
          {t('dupe.keepEditing')}
        </Button>,
        <Button key="create" type="primary" danger onClick={onCreate} data-testid="create-anyway">
          {t('dupe.createAnyway')}
        </Button>,
      ]}
    >
      <Typography.Paragraph>{t('dupe.confirmText')}</Typography.Paragraph>
      <DuplicateList matches={matches ?? []} onOpen={onOpen} />
    </Modal>
  );
}

// The merge of a duplicate pair: the two customers field by field, a radio
// per field for whose value the survivor takes, which one survives, what is
// combined; 确认合并 sends mergeCustomers with the versions read here. A stale
// version (CONFLICT) reloads both and says so.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Col, Grid, Modal, Radio, Row, Space, Switch, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { request } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { MergeCustomerFragment } from '../../gql/graphql';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import { CUSTOMER_TYPE_LABELS, INTENT_GRADE_LABELS, NEED_TYPE_LABELS, STAGE_LABELS, VALUE_TIER_LABELS } from '../../i18n/enums';
import { EMPLOYEE_BAND_CHOICES, REVENUE_BAND_CHOICES, SOURCE_CHOICES } from '../../i18n/choices';
import { ErrorAlert, PageLoading } from '../../components/States';
import { errorText } from '../../lib/errorText';
import { FIELD_LABELS } from '../../lib/customerForm';
import { defaultPicks, defaultSurvivor, differingFields, mergeArgs, otherSide, type MergeSide, type Side } from './merge';
import { MergeCustomersMutation, MergeCustomersQuery } from './operations';
import { useUndoMerge } from './useUndoMerge';

/**
 * The label of each field mergeFields lists: the customer form's, and the
 * two a merge chooses that the form does not edit.
 */
export const MERGE_FIELD_LABELS: Record<string, MessageKey> = {
  ...FIELD_LABELS,
  valueTier: 'customer.valueTier',
  cadenceDays: 'class.cadenceDays',
};

function rawValue(c: MergeCustomerFragment, field: string): unknown {
  if (field === 'ownerId') return c.owner?.id ?? null;
  return (c as unknown as Record<string, unknown>)[field] ?? null;
}

function side(c: MergeCustomerFragment, fields: readonly string[]): MergeSide {
  const values: Record<string, unknown> = {};
  for (const f of fields) values[f] = rawValue(c, f);
  return { id: c.id, code: c.code, version: c.version, values };
}

function shownValue(c: MergeCustomerFragment, field: string, { t, label, choice }: Pick<I18n, 't' | 'label' | 'choice'>): string {
  switch (field) {
    case 'ownerId':
      return c.owner?.name ?? '';
    case 'type':
      return label(CUSTOMER_TYPE_LABELS, c.type);
    case 'stage':
      return label(STAGE_LABELS, c.stage);
    case 'valueTier':
      return label(VALUE_TIER_LABELS, c.valueTier);
    case 'intentGrade':
      return label(INTENT_GRADE_LABELS, c.intentGrade);
    case 'needType':
      return label(NEED_TYPE_LABELS, c.needType);
    case 'source':
      return choice(SOURCE_CHOICES, c.source);
    case 'employeeBand':
      return choice(EMPLOYEE_BAND_CHOICES, c.employeeBand);
    case 'revenueBand':
      return choice(REVENUE_BAND_CHOICES, c.revenueBand);
    case 'cadenceDays':
      return c.cadenceDays != null ? t('class.everyDays', { n: c.cadenceDays }) : '';
    default: {
      const v = rawValue(c, field);
      return v == null ? '' : String(v);
    }
  }
}

interface Props {
  codes: { a: string; b: string } | null;
  onClose: () => void;
}

export function MergeDialog({ codes, onClose }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const phone = Grid.useBreakpoint().md === false;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const undo = useUndoMerge();
  const [survivor, setSurvivor] = useState<Side>('a');
  const [picks, setPicks] = useState<Record<string, Side>>({});
  const [showAll, setShowAll] = useState(false);
  const [conflict, setConflict] = useState(false);

  const data = useQuery({
    queryKey: ['mergeCustomers', codes?.a, codes?.b],
    queryFn: () => request(MergeCustomersQuery, { a: codes!.a, b: codes!.b }),
    enabled: codes != null,
    staleTime: 0,
    gcTime: 0,
  });
  const fields = useMemo(() => data.data?.mergeFields ?? [], [data.data]);
  const a = data.data?.a ?? undefined;
  const b = data.data?.b ?? undefined;
  const sides = useMemo(() => (a && b ? { a: side(a, fields), b: side(b, fields) } : null), [a, b, fields]);

  // A new pair: the older code survives, each field its default.
  useEffect(() => {
    setConflict(false);
    setShowAll(false);
  }, [codes?.a, codes?.b]);
  const [initFor, setInitFor] = useState<string>('');
  useEffect(() => {
    if (!sides || !a || !b) return;
    const key = `${a.code}|${b.code}`;
    if (key === initFor) return;
    const s = defaultSurvivor(a, b);
    setInitFor(key);
    setSurvivor(s);
    setPicks(defaultPicks(fields, sides, s));
  }, [sides, a, b, fields, initFor]);

  const chooseSurvivor = (s: Side) => {
    setSurvivor(s);
    if (sides) setPicks(defaultPicks(fields, sides, s));
  };

  const merge = useMutation({
    mutationFn: async () => {
      const args = mergeArgs(fields, sides!, survivor, picks);
      return (await request(MergeCustomersMutation, args)).mergeCustomers;
    },
    onSuccess: (r) => {
      const other = r.merge.others.map((o) => o.code).join('、');
      const key = `merge-${r.merge.id}`;
      void message.success({
        key,
        duration: 10,
        content: (
          <span data-testid="merge-done">
            {t('merge.done', { other, survivor: r.customer.code })}{' '}
            <Button
              size="small"
              type="link"
              data-testid="merge-done-undo"
              onClick={() => {
                message.destroy(key);
                undo.mutate(r.merge.id);
              }}
            >
              {t('merge.undo')}
            </Button>
          </span>
        ),
      });
      void qc.invalidateQueries({ queryKey: ['duplicates'] });
      void qc.invalidateQueries({ queryKey: ['customerMerges'] });
      void qc.invalidateQueries({ queryKey: ['customer'] });
      onClose();
    },
    onError: (err) => {
      if (isApiError(err) && err.code === 'CONFLICT' && !err.fields.some((f) => f.field.startsWith('choices'))) {
        setConflict(true);
        void data.refetch();
        return;
      }
      if (isApiError(err) && err.code === 'BAD_USER_INPUT' && err.fields.some((f) => f.reason === 'ARCHIVED')) {
        void message.error(t('merge.gone'));
        void qc.invalidateQueries({ queryKey: ['duplicates'] });
        onClose();
      }
    },
  });

  const open = codes != null;
  const ready = sides && a && b && Object.keys(picks).length > 0;
  const byside: Record<Side, MergeCustomerFragment | undefined> = { a, b };
  const s = ready ? byside[survivor]! : null;
  const o = ready ? byside[otherSide(survivor)]! : null;
  const listed = sides ? (showAll ? fields : differingFields(fields, sides)) : [];

  const head = (k: Side) => {
    const c = byside[k]!;
    return (
      <Space size={4} wrap>
        <Link to={`/customers/${encodeURIComponent(c.code)}`} target="_blank">
          {c.code}
        </Link>
        {k === survivor && <Tag color="green">{t('merge.keep', { code: '' }).trim()}</Tag>}
      </Space>
    );
  };

  return (
    <Modal
      open={open}
      title={t('merge.title')}
      width={phone ? '100%' : 860}
      style={phone ? { top: 8, maxWidth: 'calc(100vw - 16px)', margin: '0 auto', paddingBottom: 0 } : undefined}
      onCancel={onClose}
      destroyOnClose
      okText={t('merge.confirm')}
      okButtonProps={{ disabled: !ready, loading: merge.isPending, danger: true, 'data-testid': 'merge-confirm' } as never}
      cancelText={t('common.cancel')}
      onOk={() => merge.mutate()}
      data-testid="merge-dialog"
    >
      <div data-testid="merge-dialog-body">
        {data.error != null && <ErrorAlert error={data.error} />}
        {!ready && data.error == null && <PageLoading rows={4} />}
        {ready && s && o && (
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {conflict && <Alert type="warning" showIcon message={t('merge.conflict')} data-testid="merge-conflict" />}
            {merge.error != null && !conflict && <Alert type="error" showIcon message={errorText(merge.error, i18n)} data-testid="merge-error" />}
            <div>
              <Typography.Text strong>{t('merge.survivor')}</Typography.Text>
              <Radio.Group
                value={survivor}
                onChange={(e) => chooseSurvivor(e.target.value as Side)}
                style={{ display: 'flex', flexDirection: phone ? 'column' : 'row', gap: 8, marginTop: 6 }}
                data-testid="merge-survivor"
              >
                {(['a', 'b'] as const).map((k) => (
                  <Radio key={k} value={k} data-code={byside[k]!.code} style={{ flex: 1, minWidth: 0 }}>
                    <span className="kehu-break">
                      {t('merge.keep', { code: byside[k]!.code })} · {byside[k]!.name}
                    </span>
                  </Radio>
                ))}
              </Radio.Group>
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
                {t('merge.survivorHelp')}
              </Typography.Paragraph>
            </div>

            <Space size={8} align="center" wrap>
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {t('merge.onlyDiffering')}
              </Typography.Text>
              <Space size={4}>
                <Switch size="small" checked={showAll} onChange={setShowAll} id="merge-show-all" />
                <label htmlFor="merge-show-all" style={{ fontSize: 13 }}>
                  {t('merge.showAll')}
                </label>
              </Space>
            </Space>

            {!phone && (
              <div style={{ borderBottom: '1px solid #f0f0f0', paddingBottom: 4, marginBottom: -12 }}>
                <Row gutter={12}>
                  <Col md={6}>
                    <Typography.Text strong>{t('merge.field')}</Typography.Text>
                  </Col>
                  <Col md={9}>{head('a')}</Col>
                  <Col md={9}>{head('b')}</Col>
                </Row>
              </div>
            )}
            <div role="list">
              {listed.map((f) => (
                <div
                  role="listitem"
                  key={f}
                  data-testid="merge-field"
                  data-field={f}
                  data-pick={picks[f]}
                  style={{ borderBottom: '1px solid #f0f0f0', padding: '6px 0' }}
                >
                  <Radio.Group value={picks[f]} onChange={(e) => setPicks((p) => ({ ...p, [f]: e.target.value as Side }))} style={{ display: 'block', width: '100%' }}>
                    <Row gutter={[12, 4]} align="top">
                      <Col xs={24} md={6}>
                        <Typography.Text strong={phone} type={phone ? undefined : 'secondary'}>
                          {t(MERGE_FIELD_LABELS[f] ?? ('merge.field' as MessageKey))}
                        </Typography.Text>
                      </Col>
                      {(['a', 'b'] as const).map((k) => {
                        const v = shownValue(byside[k]!, f, i18n);
                        return (
                          <Col xs={24} md={9} key={k} style={{ minWidth: 0 }}>
                            <Radio value={k} data-side={k} aria-label={t('merge.takeFrom', { field: t(MERGE_FIELD_LABELS[f] ?? ('merge.field' as MessageKey)), code: byside[k]!.code })} style={{ maxWidth: '100%' }}>
                              {phone && <Typography.Text type="secondary">{byside[k]!.code} · </Typography.Text>}
                              <span className="kehu-break" style={{ whiteSpace: 'pre-wrap' }}>
                                {v === '' ? <Typography.Text type="secondary">{t('merge.empty')}</Typography.Text> : v}
                              </span>
                            </Radio>
                          </Col>
                        );
                      })}
                    </Row>
                  </Radio.Group>
                </div>
              ))}
            </div>

            <Alert
              type="info"
              data-testid="merge-summary"
              message={t('merge.summaryTitle', { code: s.code })}
              description={
                <>
                  <div>
                    {t('merge.summary', {
                      contacts: s.contacts.length + o.contacts.length,
                      interactions: s.interactionCount + o.interactionCount,
                      deals: s.dealCount + o.dealCount,
                      needs: s.openNeedCount + o.openNeedCount,
                    })}
                  </div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('merge.summaryHint')}
                  </Typography.Text>
                </>
              }
            />
          </Space>
        )}
      </div>
    </Modal>
  );
}

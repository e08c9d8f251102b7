// The rules editor of /rules (ADMIN, MANAGER): every rule of the set in a
// card (name, condition as a query line, what it sets, priority), rules
// added, removed and moved; a dry run of the edited set before saving; the
// save against the version it was read at. The server validates: its
// problems land on the rule and field they name (rules[2].when ...).
// 恢复默认规则 puts the seeds' defaults (defaultRules) into the form after
// confirming; nothing is saved until 保存规则.
import { useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, ExperimentOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { request } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { ClassificationRuleInput, Lifecycle, PreviewRulesQuery as PreviewData, RuleFieldsFragment, Tier } from '../../gql/graphql';
import { localeFromLang, useI18n } from '../../i18n';
import { LIFECYCLE_LABELS, VALUE_TIER_LABELS, enumValues } from '../../i18n/enums';
import { errorText } from '../../lib/errorText';
import { applyServerErrors } from '../../lib/formErrors';
import type { NamePath } from '../../lib/fieldPath';
import { DefaultRulesQuery, PreviewRulesQuery, SaveRulesMutation } from './operations';

type Preview = PreviewData['previewRules'];

interface RuleValues {
  name: string;
  when?: string;
  priority: number;
  valueTier?: Tier | null;
  lifecycle?: Lifecycle | null;
  cadenceDays?: number | null;
  addTags?: string[];
  removeTags?: string[];
}

interface Values {
  rules: RuleValues[];
}

const THEN_FIELDS = new Set(['valueTier', 'lifecycle', 'cadenceDays', 'addTags', 'removeTags']);

/** A rule as the form edits it. */
export function toValues(r: RuleFieldsFragment): RuleValues {
  return {
    name: r.name,
    when: r.when,
    priority: r.priority,
    valueTier: r.then.valueTier,
    lifecycle: r.then.lifecycle,
    cadenceDays: r.then.cadenceDays,
    addTags: r.then.addTags,
    removeTags: r.then.removeTags,
  };
}

/** The API's input of a rule of the form; empty values set nothing. */
export function toInput(v: RuleValues): ClassificationRuleInput {
  return {
    name: v.name ?? '',
    when: v.when?.trim() ? v.when : null,
    priority: v.priority ?? 0,
    then: {
      valueTier: v.valueTier ?? null,
      lifecycle: v.lifecycle ?? null,
      cadenceDays: v.cadenceDays ?? null,
      addTags: v.addTags ?? [],
      removeTags: v.removeTags ?? [],
    },
  };
}

/**
 * The form name of a problem's path as toFormPath gives it (the argument
 * "rules" dropped): [2, 'when'] is ['rules', 2, 'when'], [0, 'then',
 * 'cadenceDays'] ['rules', 0, 'cadenceDays'] (the form keeps what a rule
 * sets beside its name). Other paths stay as they are.
 */
export function ruleFieldName(n: NamePath): NamePath {
  const [i, a, b] = n;
  if (typeof i !== 'number') return n;
  if (n.length === 2) return ['rules', i, a as string];
  if (n.length >= 3 && a === 'then') return ['rules', i, b as string]; // then.addTags[0]: the tags field
  return n;
}

const knownField = (name: NamePath) =>
  name.length === 3 && name[0] === 'rules' && typeof name[1] === 'number' && (['name', 'when', 'priority'].includes(String(name[2])) || THEN_FIELDS.has(String(name[2])));

export function RulesEditor({
  rules,
  version,
  onDone,
  renderPreview,
}: {
  rules: readonly RuleFieldsFragment[];
  version: number;
  onDone: () => void;
  renderPreview: (p: Preview) => React.ReactNode;
}) {
  const i18n = useI18n();
  const { t, label, lang, problemText } = i18n;
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState<'preview' | 'save' | 'defaults' | null>(null);
  /** How many default rules were loaded into the form (not saved yet); null: none. */
  const [defaultsLoaded, setDefaultsLoaded] = useState<number | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [base, setBase] = useState(version);

  const inputs = () => (form.getFieldValue('rules') as RuleValues[] | undefined ?? []).map(toInput);

  /** Takes the server's problems off the rules' fields. */
  const clearFieldProblems = () => {
    const cleared = (form.getFieldValue('rules') as RuleValues[]).flatMap((_, i) =>
      (['name', 'when', 'priority', ...THEN_FIELDS] as (keyof RuleValues)[]).map((f) => ({ name: ['rules', i, f] as ['rules', number, keyof RuleValues], errors: [] })),
    );
    form.setFields(cleared);
  };

  /** Puts the server's problems on the rules' fields, the rest above the buttons. */
  const showProblems = (e: unknown) => {
    clearFieldProblems();
    const res = applyServerErrors(form, e, knownField, problemText, ruleFieldName);
    setProblems(res.onFields || res.other.length > 0 ? res.other : [errorText(e, i18n)]);
  };

  const runPreview = async () => {
    setBusy('preview');
    setProblems([]);
    try {
      const r = await request(PreviewRulesQuery, { rules: inputs(), first: 20, locale: localeFromLang(lang) });
      setPreview(r.previewRules);
    } catch (e) {
      setPreview(null);
      showProblems(e);
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setBusy('save');
    setProblems([]);
    try {
      const r = await request(SaveRulesMutation, { expectedVersion: base, rules: inputs() });
      message.success(t('rules.savedDone', { version: r.saveRules.version }));
      await qc.invalidateQueries({ queryKey: ['rules'] });
      await qc.invalidateQueries({ queryKey: ['rules-preview'] });
      onDone();
    } catch (e) {
      if (isApiError(e) && e.code === 'CONFLICT') {
        // Someone saved meanwhile: say so, show theirs, keep these edits.
        await qc.invalidateQueries({ queryKey: ['rules'] });
        const fresh = qc.getQueryData<{ version: number }>(['rules']);
        if (fresh) setBase(fresh.version);
        setProblems([t('rules.conflict')]);
      } else {
        showProblems(e);
      }
    } finally {
      setBusy(null);
    }
  };

  /** The seeds' defaults into the form, replacing the edited rules (saved only by 保存规则). */
  const loadDefaults = async () => {
    setBusy('defaults');
    try {
      const d = await qc.fetchQuery({ queryKey: ['rules-defaults'], queryFn: async () => (await request(DefaultRulesQuery)).defaultRules, staleTime: 5 * 60_000 });
      clearFieldProblems();
      form.setFieldsValue({ rules: d.rules.map(toValues) });
      setProblems([]);
      setPreview(null);
      setDefaultsLoaded(d.rules.length);
    } catch (e) {
      message.error(errorText(e, i18n));
    } finally {
      setBusy(null);
    }
  };

  const confirmDefaults = () => {
    modal.confirm({
      title: t('rules.restoreConfirm'),
      content: t('rules.restoreConfirmText'),
      okText: t('rules.restoreDefaults'),
      cancelText: t('common.cancel'),
      onOk: loadDefaults,
    });
  };

  const tierOptions = enumValues(VALUE_TIER_LABELS).map((v) => ({ value: v, label: label(VALUE_TIER_LABELS, v) }));
  const lifecycleOptions = enumValues(LIFECYCLE_LABELS).map((v) => ({ value: v, label: label(LIFECYCLE_LABELS, v) }));

  return (
    <Form form={form} layout="vertical" initialValues={{ rules: rules.map(toValues) }} data-testid="rules-editor" requiredMark={false}>
      <Form.List name="rules">
        {(fields, { add, remove, move }) => (
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {fields.map((f, i) => (
              <Card
                key={f.key}
                size="small"
                data-testid="rule-edit"
                title={t('rules.ruleN', { n: i + 1 })}
                extra={
                  <Space size={0}>
                    <Button type="text" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={t('rules.moveUp')} />
                    <Button type="text" icon={<ArrowDownOutlined />} disabled={i === fields.length - 1} onClick={() => move(i, i + 1)} aria-label={t('rules.moveDown')} />
                    <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(i)} aria-label={t('rules.remove')} />
                  </Space>
                }
              >
                <Row gutter={12}>
                  <Col xs={24} md={10}>
                    <Form.Item name={[f.name, 'name']} label={t('rules.name')}>
                      <Input maxLength={60} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={10}>
                    <Form.Item name={[f.name, 'when']} label={t('rules.when')}>
                      <Input placeholder={t('rules.everyCustomer')} style={{ fontFamily: 'monospace' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[f.name, 'priority']} label={t('rules.priority')}>
                      <InputNumber min={0} max={1000} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item name={[f.name, 'valueTier']} label={t('rules.valueTier')}>
                      <Select allowClear options={tierOptions} placeholder={t('rules.unset')} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item name={[f.name, 'lifecycle']} label={t('rules.lifecycle')}>
                      <Select allowClear options={lifecycleOptions} placeholder={t('rules.unset')} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[f.name, 'cadenceDays']} label={t('rules.cadenceDays')}>
                      <InputNumber min={1} max={365} style={{ width: '100%' }} placeholder={t('rules.unset')} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[f.name, 'addTags']} label={t('rules.addTags')}>
                      <Select mode="tags" open={false} suffixIcon={null} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[f.name, 'removeTags']} label={t('rules.removeTags')}>
                      <Select mode="tags" open={false} suffixIcon={null} />
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ name: '', when: '', priority: 10 })} data-testid="rules-add">
              {t('rules.add')}
            </Button>
          </Space>
        )}
      </Form.List>
      {defaultsLoaded !== null && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 16 }}
          message={t('rules.defaultsLoaded', { n: defaultsLoaded })}
          closable
          onClose={() => setDefaultsLoaded(null)}
          data-testid="rules-defaults-loaded"
        />
      )}
      {problems.length > 0 && (
        <Alert type="error" showIcon style={{ marginTop: 16 }} message={problems.join('; ')} data-testid="rules-problems" />
      )}
      <Space wrap style={{ marginTop: 16 }}>
        <Button type="primary" onClick={() => void save()} loading={busy === 'save'} data-testid="rules-save">
          {t('rules.save')}
        </Button>
        <Button icon={<ExperimentOutlined />} onClick={() => void runPreview()} loading={busy === 'preview'} data-testid="rules-try">
          {t('rules.tryEdited')}
        </Button>
        <Button icon={<RollbackOutlined />} onClick={confirmDefaults} loading={busy === 'defaults'} data-testid="rules-defaults">
          {t('rules.restoreDefaults')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </Space>
      {preview && (
        <div style={{ marginTop: 16 }}>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('rules.editedPreview')}
          </Typography.Title>
          {renderPreview(preview)}
        </div>
      )}
    </Form>
  );
}

import { useState } from 'react';
import { App, Checkbox, Col, Form, Input, InputNumber, Row, Select } from 'antd';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { LogInteractionMutation, UpdateInteractionMutation } from '../../api/operations';
import { useI18n, type MessageKey } from '../../i18n';
import { CHANNEL_LABELS, KEY_EVENT_LABELS } from '../../i18n/enums';
import { DateField } from '../../components/DateField';
import { EnumSelect } from '../../components/EnumSelect';
import { FormModal } from '../../components/FormModal';
import { StaffSelect } from '../../components/StaffSelect';
import { knownNames } from '../../lib/fieldPath';
import {
  formToInteractionInput,
  formToInteractionPatch,
  interactionChanges,
  interactionToForm,
  type InteractionField,
  type InteractionFormValues,
} from '../../lib/interactionForm';
import type { Detail, DetailInteraction } from './types';

type Values = InteractionFormValues;

const known = knownNames(['at', 'channel', 'summary', 'feedback', 'result', 'keyEvent', 'durationMin', 'contactIds', 'participants', 'nextAction', 'nextActionDone'], {
  contactIds: [],
  participants: [],
});
const NEXT_FIELDS = new Set(['what', 'due', 'ownerId', 'done']);
const knownWithNext = (n: (string | number)[]) => (n[0] === 'nextAction' && n.length === 2 && NEXT_FIELDS.has(String(n[1]))) || known(n);
// The API names the owner of the next action ownerId and ticks it off with nextActionDone.
const rename = (n: (string | number)[]) => (n[0] === 'nextActionDone' ? ['nextAction', 'done'] : n);

const LABELS: Record<InteractionField, MessageKey> = {
  at: 'interaction.at',
  channel: 'interaction.channel',
  summary: 'interaction.summary',
  feedback: 'interaction.feedback',
  result: 'interaction.result',
  keyEvent: 'interaction.keyEvent',
  durationMin: 'interaction.durationMin',
  contactIds: 'interaction.contactIds',
  participants: 'interaction.participants',
  nextAction: 'interaction.nextAction',
};

interface Props {
  customer: Detail;
  open: boolean;
  /** The interaction to correct; absent to log a new one. */
  editing?: DetailInteraction | null;
  onClose: () => void;
  /** Reloads the customer (and returns the fresh copy). */
  onSaved: () => Promise<Detail | null | unknown>;
}

/** The full interaction form (time, feedback, result, key event, duration, people, next action), to log or to correct. */
export function InteractionModal({ customer, open, editing, onClose, onSaved }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  // The interaction as it was when the dialog opened (the base of the user's
  // edits). The parent mounts a fresh dialog (key) for every opening.
  const [base, setBase] = useState<Values | null>(() => (editing ? interactionToForm(editing) : null));
  const nextWhat = Form.useWatch(['nextAction', 'what'], form);
  const hadNext = Boolean(editing?.nextAction);

  const submit = async (v: Values) => {
    if (editing && base) {
      const patch = formToInteractionPatch(v, base);
      if (Object.keys(patch).length > 0) {
        await request(UpdateInteractionMutation, { customerId: customer.id, interactionId: editing.id, expectedVersion: customer.version, input: patch });
      }
      onClose();
      message.success(t('common.saved'));
    } else {
      await request(LogInteractionMutation, { customerId: customer.id, input: formToInteractionInput(v) });
      onClose();
      message.success(t('interaction.logged'));
    }
    await onSaved();
  };

  const onConflict = async () => {
    const fresh = (await onSaved()) as Detail | null;
    if (!fresh || !editing || !base) return t('conflict.nested');
    const now = fresh.interactions.find((it) => it.id === editing.id);
    if (!now) return t('error.notFound');
    const list = interactionChanges(base, interactionToForm(now))
      .map((f) => t(LABELS[f]))
      .join('、');
    setBase(interactionToForm(now));
    return list ? `${t('conflict.nested')}（${list}）` : t('conflict.nested');
  };

  const people = [...(editing?.participants ?? []), ...(editing?.nextAction?.owner ? [editing.nextAction.owner] : [])];

  return (
    <FormModal<Values>
      name={editing ? 'interactionEdit' : 'interaction'}
      open={open}
      title={editing ? t('interaction.edit') : t('interaction.add')}
      form={form}
      width={680}
      initialValues={
        editing
          ? interactionToForm(editing)
          : { at: dayjs(), channel: 'PHONE', contactIds: [], participants: [], keyEvent: null, durationMin: null, nextAction: {} }
      }
      onCancel={onClose}
      onSubmit={submit}
      onConflict={editing ? onConflict : undefined}
      known={knownWithNext}
      rename={rename}
    >
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="channel" label={t('interaction.channel')} rules={[{ required: true }]}>
            <EnumSelect map={CHANNEL_LABELS} allowClear={false} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="at" label={t('interaction.at')}>
            <DateField withTime style={{ width: '100%' }} allowClear={!editing} max={dayjs()} />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="summary" label={t('interaction.summary')} rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} autoFocus />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="feedback" label={t('interaction.feedback')}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={5000} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="result" label={t('interaction.result')}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={5000} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item
            name="participants"
            label={t('interaction.participants')}
            rules={editing?.participants.length ? [{ required: true, message: t('interaction.participantsRequired') }] : undefined}
          >
            <StaffSelect mode="multiple" known={people} placeholder={editing ? t('form.select') : t('form.defaultYou')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="contactIds" label={t('interaction.contactIds')}>
            <Select mode="multiple" optionFilterProp="label" options={customer.contacts.map((c) => ({ value: c.id, label: c.name }))} placeholder={t('form.select')} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={12}>
          <Form.Item name="keyEvent" label={t('interaction.keyEvent')}>
            {/* Emptying a logged key event is sent as clearKeyEvent. */}
            <EnumSelect map={KEY_EVENT_LABELS} allowClear />
          </Form.Item>
        </Col>
        <Col xs={12} sm={12}>
          <Form.Item
            name="durationMin"
            label={t('interaction.durationMin')}
            rules={editing?.durationMin != null ? [{ required: true, message: t('interaction.cannotClear') }] : undefined}
          >
            <InputNumber min={0} max={1440} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          {/* Emptying a logged next action is sent as clearNextAction (the dialog says so first). */}
          <Form.Item
            name={['nextAction', 'what']}
            label={t('interaction.nextAction')}
            extra={hadNext && !nextWhat?.trim() ? <span data-testid="next-will-clear">{t('interaction.nextWillClear')}</span> : undefined}
          >
            <Input maxLength={500} allowClear={hadNext} placeholder={t('quick.nextPlaceholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={10}>
          <Form.Item name={['nextAction', 'due']} label={t('interaction.nextDue')}>
            <DateField withTime style={{ width: '100%' }} disabled={!nextWhat} min={dayjs()} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item name={['nextAction', 'ownerId']} label={t('interaction.nextOwner')}>
            <StaffSelect allowClear disabled={!nextWhat} known={people} placeholder={t('form.defaultYou')} />
          </Form.Item>
        </Col>
        {editing && (
          <Col xs={24} sm={10}>
            <Form.Item name={['nextAction', 'done']} label=" " valuePropName="checked">
              <Checkbox disabled={!nextWhat}>{t('interaction.nextDoneLabel')}</Checkbox>
            </Form.Item>
          </Col>
        )}
      </Row>
    </FormModal>
  );
}

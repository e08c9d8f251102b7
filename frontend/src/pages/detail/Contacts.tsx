import { useState } from 'react';
import { Alert, App, Button, Col, Empty, Form, Input, List, Popconfirm, Row, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, MailOutlined, PhoneOutlined, PlusOutlined, StarFilled, WechatOutlined } from '@ant-design/icons';
import { request } from '../../api/client';
import { AddContactMutation, RemoveContactMutation, UpdateContactMutation } from '../../api/operations';
import { isApiError } from '../../api/errors';
import type { ContactInput, ContactPatch } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { CONTACT_ROLE_LABELS } from '../../i18n/enums';
import { EnumTag } from '../../components/EnumTag';
import { EnumSelect } from '../../components/EnumSelect';
import { FormModal } from '../../components/FormModal';
import { CONTACT_FIELDS, type ContactFormValues } from '../../lib/customerForm';
import { diffRecords } from '../../lib/conflict';
import { knownNames } from '../../lib/fieldPath';
import { errorText } from '../../lib/errorText';
import type { DetailContact, SectionProps } from './types';

const known = knownNames([...CONTACT_FIELDS]);

const LABELS: Record<(typeof CONTACT_FIELDS)[number], MessageKey> = {
  name: 'contact.name',
  title: 'contact.title',
  phone: 'contact.phone',
  email: 'contact.email',
  wechat: 'contact.wechat',
  role: 'contact.role',
  primary: 'contact.primary',
  commPreference: 'contact.commPreference',
  bestTime: 'contact.bestTime',
};

function toForm(c: DetailContact): ContactFormValues {
  return {
    name: c.name,
    title: c.title,
    phone: c.phone,
    email: c.email,
    wechat: c.wechat,
    role: c.role,
    primary: c.primary,
    commPreference: c.commPreference,
    bestTime: c.bestTime,
  };
}

function toInput(v: ContactFormValues): ContactInput {
  const s = (x: string | undefined) => (x ?? '').trim();
  return {
    name: s(v.name),
    title: s(v.title),
    phone: s(v.phone),
    email: s(v.email),
    wechat: s(v.wechat),
    role: v.role ?? null,
    primary: Boolean(v.primary),
    commPreference: s(v.commPreference),
    bestTime: s(v.bestTime),
  };
}

/** Only what changed, so masked values the user did not touch are not sent back. */
function toPatch(v: ContactFormValues, base: ContactFormValues): ContactPatch {
  const full = toInput(v);
  const b = toInput(base);
  const patch: ContactPatch = {};
  for (const k of CONTACT_FIELDS) {
    if (full[k] !== b[k]) {
      (patch as Record<string, unknown>)[k] = full[k];
    }
  }
  return patch;
}

export function ContactsSection({ customer, canEdit, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<ContactFormValues>();
  const [editing, setEditing] = useState<DetailContact | 'new' | null>(null);
  // The contact as it was when the dialog opened (the base of the user's edits).
  const [base, setBase] = useState<ContactFormValues | null>(null);

  const open = (c: DetailContact | 'new') => {
    setEditing(c);
    setBase(c === 'new' ? null : toForm(c));
  };

  const submit = async (v: ContactFormValues) => {
    if (editing === 'new') {
      await request(AddContactMutation, { customerId: customer.id, input: toInput(v) });
    } else if (editing && base) {
      const patch = toPatch(v, base);
      if (Object.keys(patch).length > 0) {
        await request(UpdateContactMutation, {
          customerId: customer.id,
          contactId: editing.id,
          expectedVersion: customer.version,
          input: patch,
        });
      }
    }
    setEditing(null);
    message.success(t('common.saved'));
    await reload();
  };

  const onConflict = async () => {
    const fresh = await reload();
    if (!fresh || editing === 'new' || !editing || !base) return t('conflict.nested');
    const now = fresh.contacts.find((c) => c.id === editing.id);
    if (!now) return t('error.notFound');
    const changes = diffRecords(base, toForm(now), CONTACT_FIELDS);
    setBase(toForm(now));
    const list = changes.map((c) => t(LABELS[c.field])).join('、');
    return list ? `${t('conflict.nested')}（${list}）` : t('conflict.nested');
  };

  const remove = async (c: DetailContact) => {
    try {
      await request(RemoveContactMutation, { customerId: customer.id, contactId: c.id, expectedVersion: customer.version });
      message.success(t('contact.removed'));
    } catch (e) {
      message.error(isApiError(e) && e.isVersionConflict ? t('error.conflict') : errorText(e, i18n));
    }
    await reload();
  };

  return (
    <>
      {customer.contactDetailsMasked && customer.contacts.length > 0 && (
        <Alert type="info" showIcon message={t('contact.masked')} style={{ marginBottom: 12 }} data-testid="masked-hint" />
      )}
      {customer.contacts.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contact.empty')} />
      ) : (
        <List
          itemLayout="vertical"
          dataSource={customer.contacts}
          renderItem={(c) => (
            <List.Item
              key={c.id}
              style={{ paddingBlock: 10 }}
              actions={
                canEdit
                  ? [
                      <Button key="e" size="small" type="link" icon={<EditOutlined />} onClick={() => open(c)} aria-label={`${t('common.edit')} ${c.name}`}>
                        {t('common.edit')}
                      </Button>,
                      <Popconfirm key="r" title={t('common.confirmRemove')} onConfirm={() => remove(c)} okText={t('common.remove')} cancelText={t('common.cancel')}>
                        <Button size="small" type="link" danger icon={<DeleteOutlined />} aria-label={`${t('common.remove')} ${c.name}`}>
                          {t('common.remove')}
                        </Button>
                      </Popconfirm>,
                    ]
                  : undefined
              }
            >
              <div style={{ display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap' }}>
                <strong>{c.name}</strong>
                {c.primary && <StarFilled style={{ color: '#faad14' }} aria-label={t('contact.primary')} />}
                {c.title && <span className="kehu-muted">{c.title}</span>}
                <EnumTag map={CONTACT_ROLE_LABELS} value={c.role} />
              </div>
              <Space size={[12, 2]} wrap style={{ marginTop: 4 }}>
                {c.phone && (
                  <span>
                    <PhoneOutlined /> {customer.contactDetailsMasked ? c.phone : <a href={`tel:${c.phone}`}>{c.phone}</a>}
                  </span>
                )}
                {c.email && (
                  <span>
                    <MailOutlined /> {customer.contactDetailsMasked ? c.email : <a href={`mailto:${c.email}`}>{c.email}</a>}
                  </span>
                )}
                {c.wechat && (
                  <span>
                    <WechatOutlined /> {c.wechat}
                  </span>
                )}
              </Space>
              {(c.bestTime || c.commPreference) && (
                <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', fontSize: 13 }}>
                  {[c.bestTime, c.commPreference].filter(Boolean).join(' · ')}
                </Typography.Paragraph>
              )}
            </List.Item>
          )}
        />
      )}
      {canEdit && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => open('new')} style={{ marginTop: 8 }}>
          {t('contact.add')}
        </Button>
      )}
      <FormModal<ContactFormValues>
        name="contact"
        open={editing !== null}
        title={editing === 'new' ? t('contact.add') : t('contact.edit')}
        form={form}
        initialValues={editing && editing !== 'new' ? toForm(editing) : { primary: customer.contacts.length === 0 }}
        onCancel={() => setEditing(null)}
        onSubmit={submit}
        onConflict={onConflict}
        known={known}
      >
        {customer.contactDetailsMasked && editing !== 'new' && <Alert type="info" message={t('contact.masked')} style={{ marginBottom: 12 }} />}
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="name" label={t('contact.name')} rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}>
              <Input maxLength={100} autoFocus />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="title" label={t('contact.title')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="phone" label={t('contact.phone')} extra={t('form.phoneHint')}>
              <Input inputMode="tel" maxLength={30} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="email" label={t('contact.email')}>
              <Input inputMode="email" maxLength={254} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="wechat" label={t('contact.wechat')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="role" label={t('contact.role')}>
              <EnumSelect map={CONTACT_ROLE_LABELS} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="bestTime" label={t('contact.bestTime')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="primary" label={t('contact.primary')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="commPreference" label={t('contact.commPreference')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
      </FormModal>
    </>
  );
}

// API tokens for dashboards, on the users page: ADMIN and MANAGER create
// one (its secret is shown once, with a copy button), list and revoke them.
// Who may is the server's answer (me.canManageApiTokens), not a role check.
import { useState } from 'react';
import { Alert, App, Button, Card, Form, Grid, Input, List, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { ApiOutlined, CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import type { ApiTokenFieldsFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { API_TOKEN_STATUS_LABELS } from '../../i18n/enums';
import { FormModal } from '../../components/FormModal';
import { ErrorState, PageLoading } from '../../components/States';
import { errorText } from '../../lib/errorText';
import { knownNames, type NamePath } from '../../lib/fieldPath';
import { formatTime } from '../../lib/money';
import { copyText } from '../../lib/clipboard';
import { ApiTokensQuery, CreateApiTokenMutation, RevokeApiTokenMutation } from './operations';

type Token = ApiTokenFieldsFragment;

interface NewTokenValues {
  name: string;
  days: number;
}

/** Lifetimes offered, in days: all within the server's two years. */
const LIFETIMES = [30, 90, 180, 365, 730] as const;

const known = knownNames(['name', 'days']);
const rename = (n: NamePath): NamePath => (n[0] === 'expiresAt' ? ['days'] : n);

export function ApiTokensSection() {
  const i18n = useI18n();
  const { t, label, reasonText } = i18n;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<NewTokenValues>();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const phone = Grid.useBreakpoint().md === false;

  const tokens = useQuery({ queryKey: ['apiTokens'], queryFn: async () => (await request(ApiTokensQuery)).apiTokens });

  const revoke = async (tok: Token) => {
    setBusyId(tok.id);
    try {
      await request(RevokeApiTokenMutation, { id: tok.id });
      message.success(t('apiTokens.revokedDone', { name: tok.name }));
    } catch (e) {
      message.error(errorText(e, i18n));
    } finally {
      setBusyId(null);
      await qc.invalidateQueries({ queryKey: ['apiTokens'] });
    }
  };

  const copy = async () => {
    if (secret && (await copyText(secret.token))) message.success(t('users.copied'));
    else message.warning(t('users.copyFailed'));
  };

  const statusTag = (tok: Token) => (
    <Tag color={API_TOKEN_STATUS_LABELS[tok.status].color}>{label(API_TOKEN_STATUS_LABELS, tok.status)}</Tag>
  );
  const revokeButton = (tok: Token) =>
    tok.status === 'ACTIVE' ? (
      <Popconfirm
        title={t('apiTokens.revokeConfirm', { name: tok.name })}
        onConfirm={() => void revoke(tok)}
        okText={t('apiTokens.revoke')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
      >
        <Button size="small" type="link" danger loading={busyId === tok.id} aria-label={`${t('apiTokens.revoke')} ${tok.name}`}>
          {t('apiTokens.revoke')}
        </Button>
      </Popconfirm>
    ) : null;

  // Ant Design's empty text is too pale for AA contrast.
  const empty = <span className="kehu-muted">{t('apiTokens.empty')}</span>;
  let body;
  if (tokens.isPending) body = <PageLoading />;
  else if (tokens.error) body = <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />;
  else if (phone)
    body = (
      <List<Token>
        dataSource={tokens.data}
        locale={{ emptyText: empty }}
        data-testid="api-token-cards"
        renderItem={(tok) => (
          <List.Item style={{ padding: '0 0 10px', borderBlockEnd: 'none' }}>
            <Card size="small" style={{ width: '100%' }}>
              <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                <strong className="kehu-break">{tok.name}</strong>
                {statusTag(tok)}
                <div className="kehu-grow" />
                {revokeButton(tok)}
              </div>
              <div className="kehu-muted" style={{ fontSize: 12 }}>
                {t('apiTokens.expiresAt')} {formatTime(tok.expiresAt)} · {t('apiTokens.lastUsedAt')} {formatTime(tok.lastUsedAt)}
              </div>
              <div className="kehu-muted" style={{ fontSize: 12 }}>
                {t('apiTokens.createdBy')} {tok.createdBy?.name ?? '—'} · {formatTime(tok.createdAt)}
              </div>
            </Card>
          </List.Item>
        )}
      />
    );
  else
    body = (
      <Table<Token>
        rowKey="id"
        dataSource={tokens.data}
        pagination={false}
        size="middle"
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: empty }}
        data-testid="api-token-table"
        columns={[
          { title: t('apiTokens.name'), key: 'name', render: (_, tok) => tok.name },
          { title: t('users.status'), key: 'status', render: (_, tok) => statusTag(tok) },
          { title: t('apiTokens.createdBy'), key: 'createdBy', render: (_, tok) => tok.createdBy?.name ?? '—' },
          { title: t('apiTokens.createdAt'), key: 'createdAt', render: (_, tok) => formatTime(tok.createdAt) },
          { title: t('apiTokens.expiresAt'), key: 'expiresAt', render: (_, tok) => formatTime(tok.expiresAt) },
          { title: t('apiTokens.lastUsedAt'), key: 'lastUsedAt', render: (_, tok) => formatTime(tok.lastUsedAt) },
          { title: t('common.actions'), key: 'actions', render: (_, tok) => revokeButton(tok) },
        ]}
      />
    );

  return (
    <section style={{ marginTop: 32 }} data-testid="api-tokens">
      <div className="kehu-page-head">
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          <ApiOutlined /> {t('apiTokens.title')}
        </Typography.Title>
        <div className="kehu-grow" />
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('apiTokens.new')}
        </Button>
      </div>
      <Typography.Paragraph className="kehu-muted">{t('apiTokens.intro')}</Typography.Paragraph>
      {body}
      <FormModal<NewTokenValues>
        name="newApiToken"
        open={creating}
        title={t('apiTokens.new')}
        form={form}
        initialValues={{ days: 365 }}
        onCancel={() => setCreating(false)}
        known={known}
        rename={rename}
        okText={t('apiTokens.create')}
        onSubmit={async (v) => {
          const expiresAt = dayjs().add(v.days, 'day').toISOString();
          const out = await request(CreateApiTokenMutation, { name: v.name.trim(), expiresAt });
          setCreating(false);
          form.resetFields();
          setSecret({ name: out.createApiToken.apiToken.name, token: out.createApiToken.token });
          await qc.invalidateQueries({ queryKey: ['apiTokens'] });
        }}
      >
        <Form.Item name="name" label={t('apiTokens.name')} extra={t('apiTokens.nameHint')}
          rules={[{ required: true, whitespace: true, message: reasonText('REQUIRED') }]}>
          <Input maxLength={100} autoFocus autoComplete="off" />
        </Form.Item>
        <Form.Item name="days" label={t('apiTokens.lifetime')} rules={[{ required: true }]}>
          <Select<number> options={LIFETIMES.map((d) => ({ value: d, label: t('apiTokens.days', { n: d }) }))} />
        </Form.Item>
      </FormModal>
      <Modal
        open={secret !== null}
        title={t('apiTokens.secretTitle', { name: secret?.name ?? '' })}
        onCancel={() => setSecret(null)}
        footer={<Button type="primary" onClick={() => setSecret(null)}>{t('apiTokens.secretDone')}</Button>}
        maskClosable={false}
        destroyOnHidden
      >
        <Alert type="warning" showIcon message={t('apiTokens.secretOnce')} style={{ marginBottom: 12 }} />
        <Space.Compact style={{ width: '100%' }}>
          <Input readOnly value={secret?.token ?? ''} aria-label={t('apiTokens.secret')} data-testid="api-token-secret"
            style={{ fontFamily: 'monospace' }} onFocus={(e) => e.target.select()} />
          <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="copy-api-token">
            {t('users.copy')}
          </Button>
        </Space.Compact>
        <Typography.Paragraph className="kehu-muted" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('apiTokens.secretUse')}
        </Typography.Paragraph>
      </Modal>
    </section>
  );
}

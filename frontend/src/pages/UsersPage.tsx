import { useState } from 'react';
import { Alert, App, Button, Card, Form, Grid, Input, List, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { CopyOutlined, KeyOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../api/client';
import { CreateUserMutation, UpdateUserMutation, UsersQuery } from '../api/operations';
import { isApiError } from '../api/errors';
import type { Role, UpdateUserInput, UserFieldsFragment } from '../gql/graphql';
import { useI18n } from '../i18n';
import { LOCALE_LABELS, ROLE_LABELS } from '../i18n/enums';
import { isAdmin, useSession } from '../auth/session';
import { EnumSelect } from '../components/EnumSelect';
import { FormModal } from '../components/FormModal';
import { ErrorState, PageLoading } from '../components/States';
import { errorText } from '../lib/errorText';
import { knownNames } from '../lib/fieldPath';
import { formatTime } from '../lib/money';
import { PageHeading } from '../components/PageHeading';
import { copyText } from '../lib/clipboard';
import { temporaryPassword } from '../lib/password';
import { ApiTokensSection } from './apitokens/ApiTokensSection';

type User = UserFieldsFragment;

interface NewUserValues {
  email: string;
  name: string;
  role: Role;
  password: string;
}

const knownNew = knownNames(['email', 'name', 'role', 'password']);
const knownPw = knownNames(['password']);

export default function UsersPage() {
  const i18n = useI18n();
  const { t, label, problemText, reasonText } = i18n;
  const { me } = useSession();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const admin = isAdmin(me);
  const [createForm] = Form.useForm<NewUserValues>();
  const [pwForm] = Form.useForm<{ password: string }>();
  const [creating, setCreating] = useState(false);
  const [pwUser, setPwUser] = useState<User | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  // On a phone the table becomes a card list (no sideways scrolling).
  const phone = Grid.useBreakpoint().md === false;

  const users = useQuery({ queryKey: ['users'], queryFn: async () => (await request(UsersQuery)).users });

  const update = async (u: User, input: UpdateUserInput) => {
    setBusyId(u.id);
    try {
      await request(UpdateUserMutation, { id: u.id, expectedVersion: u.version, input });
      message.success(t('users.updated'));
    } catch (e) {
      if (isApiError(e) && e.isVersionConflict) message.warning(t('error.conflict'));
      else if (isApiError(e) && e.fields[0]) message.error(problemText(e.fields[0]));
      else message.error(errorText(e, i18n));
    } finally {
      setBusyId(null);
      await qc.invalidateQueries({ queryKey: ['users'] });
    }
  };

  // Making someone an administrator hands over every account: ask first.
  const changeRole = (u: User, role: Role) => {
    if (role !== 'ADMIN') {
      void update(u, { role });
      return;
    }
    modal.confirm({
      title: t('users.makeAdminTitle', { name: u.name }),
      content: t('users.makeAdminBody'),
      okText: t('users.makeAdmin'),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: true },
      onOk: () => update(u, { role }),
    });
  };

  const copyPassword = async () => {
    const pw = pwForm.getFieldValue('password') as string | undefined;
    if (!pw) return;
    if (await copyText(pw)) message.success(t('users.copied'));
    else message.warning(t('users.copyFailed'));
  };

  const nameCell = (u: User) => (
    <>
      {u.name}
      {u.id === me?.id && <span className="kehu-muted">{t('users.you')}</span>}
      {u.mustChangePassword && (
        <Tag color="warning" style={{ marginInlineStart: 6 }}>
          {t('users.mustChange')}
        </Tag>
      )}
    </>
  );

  const roleCell = (u: User) =>
    admin && u.id !== me?.id ? (
      <Select<Role>
        size="small"
        value={u.role}
        options={i18n.options(ROLE_LABELS)}
        onChange={(role) => changeRole(u, role)}
        loading={busyId === u.id}
        style={{ width: 130 }}
        aria-label={`${t('users.role')} ${u.name}`}
      />
    ) : (
      u.role && <Tag color={ROLE_LABELS[u.role].color}>{label(ROLE_LABELS, u.role)}</Tag>
    );

  const statusCell = (u: User) =>
    admin && u.id !== me?.id ? (
      u.disabled ? (
        <Switch
          checked={false}
          checkedChildren={t('users.active')}
          unCheckedChildren={t('users.disabled')}
          onChange={() => void update(u, { disabled: false })}
          loading={busyId === u.id}
          aria-label={`${t('users.enable')} ${u.name}`}
        />
      ) : (
        <Popconfirm
          title={t('users.disableConfirm', { name: u.name })}
          onConfirm={() => void update(u, { disabled: true })}
          okText={t('users.disable')}
          cancelText={t('common.cancel')}
        >
          <Switch
            checked
            checkedChildren={t('users.active')}
            unCheckedChildren={t('users.disabled')}
            loading={busyId === u.id}
            aria-label={`${t('users.disable')} ${u.name}`}
          />
        </Popconfirm>
      )
    ) : (
      <Tag color={u.disabled ? 'default' : 'success'}>{u.disabled ? t('users.disabled') : t('users.active')}</Tag>
    );

  const actionsCell = (u: User) => (
    <Button size="small" type="link" icon={<KeyOutlined />} onClick={() => setPwUser(u)}>
      {t('users.resetPassword')}
    </Button>
  );

  if (users.isPending) return <PageLoading />;
  if (users.error) return <ErrorState error={users.error} onRetry={() => void users.refetch()} />;

  const rows = [...users.data].sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.email.localeCompare(b.email));

  return (
    <>
      <div className="kehu-page-head">
        <PageHeading title={t('users.title')} />
        <div className="kehu-grow" />
        {admin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('users.new')}
          </Button>
        )}
      </div>
      {!admin && <Alert type="info" showIcon message={t('users.readOnly')} style={{ marginBottom: 16 }} />}
      {phone ? (
        <List<User>
          dataSource={rows}
          data-testid="users-cards"
          renderItem={(u) => (
            <List.Item style={{ padding: '0 0 10px', borderBlockEnd: 'none' }}>
              <Card size="small" style={{ width: '100%' }} data-testid="user-card">
                <div style={{ fontWeight: 600 }}>{nameCell(u)}</div>
                <div className="kehu-muted kehu-break" style={{ fontSize: 12, marginBottom: 8 }}>
                  {u.email}
                </div>
                <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
                  {roleCell(u)}
                  {statusCell(u)}
                  {admin && actionsCell(u)}
                </div>
              </Card>
            </List.Item>
          )}
        />
      ) : (
        <Table<User>
          rowKey="id"
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          size="middle"
          columns={[
            { title: t('users.name'), key: 'name', render: (_, u) => nameCell(u) },
            { title: t('users.email'), dataIndex: 'email', key: 'email' },
            { title: t('users.role'), key: 'role', render: (_, u) => roleCell(u) },
            { title: t('users.status'), key: 'status', render: (_, u) => statusCell(u) },
            { title: t('users.locale'), key: 'locale', render: (_, u) => label(LOCALE_LABELS, u.locale) },
            { title: t('users.updatedAt'), key: 'updatedAt', render: (_, u) => formatTime(u.updatedAt) },
            ...(admin ? [{ title: t('common.actions'), key: 'actions', render: (_: unknown, u: User) => actionsCell(u) }] : []),
          ]}
        />
      )}
      {me?.canManageApiTokens && <ApiTokensSection />}
      <FormModal<NewUserValues>
        name="newUser"
        open={creating}
        title={t('users.new')}
        form={createForm}
        initialValues={{ role: 'SALES' }}
        onCancel={() => setCreating(false)}
        known={knownNew}
        onSubmit={async (v) => {
          await request(CreateUserMutation, { input: { email: v.email.trim(), name: v.name.trim(), role: v.role, password: v.password } });
          setCreating(false);
          message.success(t('users.created'));
          await qc.invalidateQueries({ queryKey: ['users'] });
        }}
      >
        <Form.Item name="email" label={t('users.email')} rules={[{ required: true, whitespace: true, message: reasonText('REQUIRED') }]}>
          <Input type="email" autoComplete="off" autoFocus />
        </Form.Item>
        <Form.Item name="name" label={t('users.name')} rules={[{ required: true, whitespace: true, message: reasonText('REQUIRED') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
          <EnumSelect map={ROLE_LABELS} allowClear={false} />
        </Form.Item>
        <Form.Item name="password" label={t('users.password')} extra={t('users.passwordHint')} rules={[{ required: true, message: reasonText('REQUIRED') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </FormModal>
      <FormModal<{ password: string }>
        name="resetPassword"
        open={pwUser !== null}
        title={`${t('users.resetPassword')} · ${pwUser?.name ?? ''}`}
        form={pwForm}
        onCancel={() => setPwUser(null)}
        known={knownPw}
        initialValues={{ password: pwUser ? temporaryPassword() : '' }}
        okText={t('users.resetPassword')}
        onSubmit={async (v) => {
          if (!pwUser) return;
          await request(UpdateUserMutation, { id: pwUser.id, expectedVersion: pwUser.version, input: { password: v.password } });
          setPwUser(null);
          message.success(t('users.resetDone', { name: pwUser.name }), 6);
          await qc.invalidateQueries({ queryKey: ['users'] });
        }}
      >
        <Typography.Paragraph data-testid="reset-intro">{t('users.resetIntro', { name: pwUser?.name ?? '' })}</Typography.Paragraph>
        <Form.Item label={t('users.tempPassword')} extra={t('users.passwordHint')} required>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="password" noStyle rules={[{ required: true, message: reasonText('REQUIRED') }]}>
              <Input.Password autoComplete="new-password" aria-label={t('users.tempPassword')} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
            <Button icon={<ThunderboltOutlined />} onClick={() => pwForm.setFieldValue('password', temporaryPassword())}>
              {t('users.generate')}
            </Button>
            <Button icon={<CopyOutlined />} onClick={() => void copyPassword()} data-testid="copy-password">
              {t('users.copy')}
            </Button>
          </Space.Compact>
        </Form.Item>
      </FormModal>
    </>
  );
}

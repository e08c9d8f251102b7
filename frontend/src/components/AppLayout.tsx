import { useCallback, useEffect, useState } from 'react';
import { Avatar, Badge, Button, Dropdown, Grid, Layout, Menu, Tag, type MenuProps } from 'antd';
import { LogoutOutlined, SearchOutlined, SettingOutlined, TeamOutlined, UserOutlined, ContactsOutlined, DashboardOutlined, ImportOutlined, ApartmentOutlined, CheckSquareOutlined, CustomerServiceOutlined, DatabaseOutlined, MergeCellsOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate, useNavigationType } from 'react-router-dom';
import { useI18n } from '../i18n';
import { canImport, canManageUsersView, canMergeCustomers, canViewQuality, useSession } from '../auth/session';
import { ROLE_LABELS } from '../i18n/enums';
import { colors } from '../theme';
import { isMac, QuickSwitcher, useQuickSwitcherKey } from './QuickSwitcher';
import { lastListPath } from '../lib/listMemory';
import { MustChangePassword } from './MustChangePassword';
import { useCountLocations } from './ListMemory';
import { serviceMenuCount, tasksMenuCount, type MenuCount } from '../pages/tasks/digest';
import { DigestBell } from './DigestBell';
import { useDigest } from './useDigest';

export function AppLayout() {
  const { t, label } = useI18n();
  const { me, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const section = location.pathname.split('/')[1] ?? 'customers';
  const [switcher, setSwitcher] = useState(false);
  const openSwitcher = useCallback(() => setSwitcher(true), []);
  useQuickSwitcherKey(openSwitcher);
  const navType = useNavigationType();
  useCountLocations();
  // The counts on 待办 and 服务请求 come from the bell's digest (one request).
  const digest = useDigest().data;
  const tasksCount = tasksMenuCount(digest);
  const serviceCount = serviceMenuCount(digest);
  const count = (c: MenuCount | null, testId: string) =>
    c && (
      <Badge
        count={c.n}
        size="small"
        offset={[6, -2]}
        color={c.urgent ? colors.error : colors.neutral}
        title={t(c.key, c.params)}
        aria-label={t(c.key, c.params)}
        data-testid={testId}
        data-urgent={c.urgent ? 'true' : 'false'}
      />
    );
  // A page opened by a link or a button starts at its top (on a phone the
  // call button is there); Back and Forward keep what the browser and the
  // list (useListMemory) restore.
  useEffect(() => {
    if (navType !== 'POP') window.scrollTo(0, 0);
  }, [location.pathname, navType]);

  const items: MenuProps['items'] = [
    { key: 'customers', icon: <ContactsOutlined />, label: <Link to={lastListPath()}>{t('nav.customers')}</Link> },
    { key: 'dashboard', icon: <DashboardOutlined />, label: <Link to="/dashboard">{t('nav.dashboard')}</Link> },
    {
      key: 'tasks',
      icon: <CheckSquareOutlined />,
      label: (
        <Link to="/tasks" data-testid="nav-tasks">
          {t('nav.tasks')}
          {count(tasksCount, 'nav-tasks-count')}
        </Link>
      ),
    },
    {
      key: 'service',
      icon: <CustomerServiceOutlined />,
      label: (
        <Link to="/service" data-testid="nav-service">
          {t('nav.service')}
          {count(serviceCount, 'nav-service-count')}
        </Link>
      ),
    },
    { key: 'rules', icon: <ApartmentOutlined />, label: <Link to="/rules">{t('nav.rules')}</Link> },
  ];
  // The seeds' monthly 数据清洗 in one submenu, so that the bar keeps its
  // daily entries in view at 1280 px whatever their counts: importing and
  // the duplicates for managers and admins, the quality report for them
  // and analysts.
  const data: NonNullable<MenuProps['items']> = [];
  if (canImport(me)) {
    data.push({ key: 'import', icon: <ImportOutlined />, label: <Link to="/import" data-testid="nav-import">{t('nav.import')}</Link> });
  }
  if (canMergeCustomers(me)) {
    data.push({ key: 'duplicates', icon: <MergeCellsOutlined />, label: <Link to="/duplicates" data-testid="nav-duplicates">{t('nav.duplicates')}</Link> });
  }
  if (canViewQuality(me)) {
    data.push({ key: 'quality', icon: <SafetyCertificateOutlined />, label: <Link to="/quality" data-testid="nav-quality">{t('nav.quality')}</Link> });
  }
  if (data.length > 0) {
    items.push({ key: 'data', icon: <DatabaseOutlined />, label: <span data-testid="nav-data">{t('nav.data')}</span>, children: data });
  }
  if (canManageUsersView(me)) {
    items.push({ key: 'users', icon: <TeamOutlined />, label: <Link to="/users">{t('nav.users')}</Link> });
  }
  const userMenu: MenuProps['items'] = [
    { key: 'settings', icon: <SettingOutlined />, label: t('nav.settings'), onClick: () => navigate('/settings') },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), onClick: () => void signOut() },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="kehu-skip" href="#main">
        {t('common.skip')}
      </a>
      <header className="kehu-header">
        <Link to="/customers" className="kehu-brand">
          {mobile ? 'Kehu' : t('app.name')}
        </Link>
        <nav aria-label={t('nav.menu')} className="kehu-grow" style={{ minWidth: 0 }}>
          <Menu
            mode="horizontal"
            selectedKeys={[section]}
            items={items}
            style={{ borderBottom: 'none', lineHeight: '54px', minWidth: 0 }}
          />
        </nav>
        <Button
          type="text"
          icon={<SearchOutlined />}
          onClick={openSwitcher}
          aria-label={t('switcher.open')}
          aria-keyshortcuts={isMac ? 'Meta+K' : 'Control+K'}
          data-testid="quick-switcher-open"
        >
          {!mobile && <kbd className="kehu-kbd">{isMac ? '⌘K' : 'Ctrl K'}</kbd>}
        </Button>
        <QuickSwitcher open={switcher} onClose={() => setSwitcher(false)} />
        <DigestBell mobile={mobile} />
        <Dropdown menu={{ items: userMenu }} trigger={['click']} placement="bottomRight">
          <Button type="text" aria-label={`${me?.name ?? ''} ${t('nav.settings')}`} style={{ paddingInline: 6 }}>
            <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: colors.primary }} />
            {!mobile && <span style={{ marginInlineStart: 6 }}>{me?.name}</span>}
            {!mobile && me?.role && (
              <Tag bordered={false} color={ROLE_LABELS[me.role].color} style={{ marginInlineStart: 6, marginInlineEnd: 0 }}>
                {label(ROLE_LABELS, me.role)}
              </Tag>
            )}
          </Button>
        </Dropdown>
      </header>
      <main id="main" className="kehu-content" tabIndex={-1}>
        {me?.mustChangePassword ? <MustChangePassword /> : <Outlet />}
      </main>
    </Layout>
  );
}

import { useEffect, useMemo, useRef, useState } from 'react';
import { Input, Modal, Tag, Typography, type InputRef } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { request } from '../api/client';
import { QuickFindQuery } from '../api/operations';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import { loadRecent, type RecentCustomer } from '../lib/recent';

/** Ctrl+K (⌘K on a Mac) anywhere in the app, or the header's button: open any customer by name or code. */
export function useQuickSwitcherKey(open: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

interface Item extends RecentCustomer {
  archived?: boolean;
}

export function QuickSwitcher({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<InputRef>(null);

  useEffect(() => {
    if (!open) return;
    setText('');
    setSearch('');
    setActive(0);
  }, [open]);
  useEffect(() => {
    const id = window.setTimeout(() => setSearch(text.trim()), 200);
    return () => window.clearTimeout(id);
  }, [text]);

  const found = useQuery({
    queryKey: ['quickFind', search],
    queryFn: async () => (await request(QuickFindQuery, { search })).customers.edges.map((e) => e.node),
    enabled: open && search !== '',
    staleTime: 10_000,
    placeholderData: (prev) => prev,
  });
  // Read once each time the switcher opens (not on every keystroke).
  const recent = useMemo(() => (open ? loadRecent(me?.id) : []), [open, me?.id]);
  const showingRecent = text.trim() === '';
  const items: Item[] = showingRecent ? recent : (found.data ?? []).map((c) => ({ code: c.code, name: c.name, archived: !!c.archivedAt }));
  const go = (it: Item | undefined) => {
    if (!it) return;
    onClose();
    navigate(`/customers/${encodeURIComponent(it.code)}`);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, Math.max(items.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      go(items[active]);
    }
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      footer={null}
      title={t('switcher.open')}
      destroyOnHidden
      afterOpenChange={(o) => o && inputRef.current?.focus()}
      width={520}
      data-testid="quick-switcher"
    >
      <Input
        ref={inputRef}
        size="large"
        prefix={<SearchOutlined />}
        placeholder={t('switcher.placeholder')}
        aria-label={t('switcher.placeholder')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        role="combobox"
        aria-expanded
        aria-controls="quick-switcher-list"
        aria-activedescendant={items[active] ? `qs-${items[active].code}` : undefined}
        data-testid="quick-switcher-input"
      />
      <Typography.Text type="secondary" style={{ display: 'block', margin: '12px 0 4px', fontSize: 12 }}>
        {showingRecent ? t('switcher.recent') : t('switcher.matches')}
      </Typography.Text>
      <ul id="quick-switcher-list" role="listbox" className="kehu-switcher-list" aria-label={showingRecent ? t('switcher.recent') : t('switcher.matches')}>
        {items.map((it, i) => (
          <li
            key={it.code}
            id={`qs-${it.code}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'kehu-switcher-active' : undefined}
            onMouseEnter={() => setActive(i)}
            onClick={() => go(it)}
            data-testid="quick-switcher-item"
          >
            <span className="kehu-switcher-name">{it.name}</span>
            {it.archived && <Tag bordered={false}>{t('customer.archived')}</Tag>}
            <span className="kehu-switcher-code">{it.code}</span>
          </li>
        ))}
        {items.length === 0 && (
          <li className="kehu-muted" aria-disabled>
            {showingRecent ? t('list.recentNone') : found.isFetching ? '…' : t('switcher.none')}
          </li>
        )}
      </ul>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('switcher.hint')}
      </Typography.Text>
    </Modal>
  );
}

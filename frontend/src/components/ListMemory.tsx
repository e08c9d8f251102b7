import { useEffect, useRef } from 'react';
import { Button, Tooltip } from 'antd';
import { ClearOutlined } from '@ant-design/icons';
import { useLocation, useNavigate, useNavigationType } from 'react-router-dom';
import { useI18n } from '../i18n';
import { canonicalSearch, forgetList, rememberList, rememberScroll, scrollOf } from '../lib/listMemory';

// Locations the app has shown since the document loaded (useCountLocations,
// in the layout). A list rendered before the first one is counted is the
// page the browser loaded (a link, a bookmark, a reload): React Router calls
// that a POP too, but it is not Back, and the page starts at its top.
let shownLocations = 0;

/** Counts the locations the app shows (call once, in the layout). */
export function useCountLocations(): void {
  const { key } = useLocation();
  useEffect(() => {
    shownLocations++;
  }, [key]);
}

/**
 * Keeps the list's state for the 客户 menu (lib/listMemory.ts) and, on Back,
 * scrolls to where the user was once the rows are there (ready).
 */
export function useListMemory(ready: boolean): void {
  const { search } = useLocation();
  const navType = useNavigationType();
  const y = useRef(0);
  const restored = useRef(false);
  const loadedHere = useRef(shownLocations === 0);

  useEffect(() => {
    rememberList(search);
  }, [search]);

  useEffect(() => {
    const onScroll = () => {
      y.current = window.scrollY;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    // Saved when the list goes (the next page may already have reset the scroll).
    return () => {
      window.removeEventListener('scroll', onScroll);
      rememberScroll(search, y.current);
    };
  }, [search]);

  useEffect(() => {
    if (!ready || restored.current) return;
    restored.current = true;
    if (navType !== 'POP' || loadedHere.current) return;
    const to = scrollOf(search);
    if (to > 0) window.requestAnimationFrame(() => window.scrollTo(0, to));
  }, [ready, navType, search]);
}

/** Back to the default list (no filter, sort or page), shown when the list is not the default. */
export function ListResetButton() {
  const { t } = useI18n();
  const { search } = useLocation();
  const navigate = useNavigate();
  if (!canonicalSearch(search)) return null;
  return (
    <Tooltip title={t('list.resetHint')}>
      <Button
        icon={<ClearOutlined />}
        onClick={() => {
          forgetList();
          navigate('/customers');
        }}
        data-testid="list-reset"
      >
        {t('list.reset')}
      </Button>
    </Tooltip>
  );
}

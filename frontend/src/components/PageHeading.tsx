import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { useI18n } from '../i18n';

/**
 * The one main heading of a page (WCAG 2.4.6, 1.3.1): it names the page in
 * the browser's title bar too ("<title> · 客户"), and when the page opens it
 * takes the keyboard focus, so a screen reader announces the new page and
 * Tab starts from it, unless the page put the caret into a field itself
 * (an autofocused input keeps it).
 */
export function PageHeading({ title, children, style }: { title: string; children?: ReactNode; style?: CSSProperties }) {
  const { t } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  const appName = t('app.name');
  useEffect(() => {
    document.title = `${title} · ${appName}`;
  }, [title, appName]);
  useEffect(() => {
    if (!typing(document.activeElement)) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="kehu-page-heading" style={style}>
      {children ?? title}
    </h1>
  );
}

function typing(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider, App as AntApp } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { Locale } from '../gql/graphql';
import { dictionaries, format, type Lang, type MessageKey } from './messages';
import type { Label, LabelMap } from './enums';
import type { Choices } from './choices';
import { problemText, reasonText, type Problem } from './reasons';
import { theme } from '../theme';

export type { Lang, MessageKey } from './messages';

const LANG_KEY = 'kehu.locale';

/**
 * Before sign-in: the last choice on this browser, else 简体中文 — Kehu is
 * zh-CN first, whatever the browser's language; after sign-in the user's
 * saved setting (me.locale) wins.
 */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage blocked: the default below
  }
  return 'zh';
}

export function langFromLocale(l: Locale): Lang {
  return l === 'EN' ? 'en' : 'zh';
}

export function localeFromLang(l: Lang): Locale {
  return l === 'en' ? 'EN' : 'ZH_CN';
}

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** The label of an enum value in the current language ('' for null). */
  label: <E extends string>(map: LabelMap<E>, value: E | null | undefined) => string;
  /** The label of a suggested value of a free-text field (choices.ts); other values as they are. */
  choice: (choices: Choices, value: string | null | undefined) => string;
  /** Options for a Select of suggested values (the stored value is the key). */
  choiceOptions: (choices: Choices) => { value: string; label: string }[];
  /** Options for a Select of an enum. */
  options: <E extends string>(map: LabelMap<E>) => { value: E; label: string }[];
  /** A field problem from the server in the current language (by its reason). */
  problemText: (p: Problem) => string;
  /** The wording of a reason for a client-side check, e.g. reasonText('REQUIRED'). */
  reasonText: (reason: string, params?: Record<string, unknown>) => string;
}

const I18nContext = createContext<I18n | null>(null);

function applyLang(l: Lang): void {
  dayjs.locale(l === 'zh' ? 'zh-cn' : 'en');
  if (typeof document !== 'undefined') document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = initialLang();
    applyLang(l);
    return l;
  });
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      // not persisted; the choice still applies to this tab
    }
    applyLang(l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const pick = (l: Label) => l[lang];
    return {
      lang,
      setLang,
      t: (key, params) => format(dict[key], params),
      label: (map, v) => (v ? pick(map[v]) : ''),
      choice: (cs, v) => (v ? (cs[v] ? pick(cs[v]) : v) : ''),
      choiceOptions: (cs) => Object.entries(cs).map(([v, l]) => ({ value: v, label: pick(l) })),
      options: (map) => (Object.keys(map) as (keyof typeof map)[]).map((v) => ({ value: v, label: pick(map[v]) })),
      problemText: (p) => problemText(p, lang),
      reasonText: (r, params) => reasonText(r, lang, params),
    };
  }, [lang, setLang]);
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'zh' ? zhCN : enUS}
        theme={theme}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

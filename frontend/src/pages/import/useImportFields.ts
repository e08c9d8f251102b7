import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import { useI18n } from '../../i18n';
import type { ImportFieldInfo } from './mapping';
import { ImportFieldsQuery } from './operations';

export interface ImportFields {
  list: readonly ImportFieldInfo[];
  byKey: ReadonlyMap<string, ImportFieldInfo>;
  /** A field's label in the user's language; the key itself when unknown. */
  label: (key: string) => string;
  /** A field's label; undefined when unknown. */
  find: (key: string) => string | undefined;
}

/** The fields a column may be mapped to (importFields, fixed for a server's life). */
export function useImportFields(): ImportFields {
  const { lang } = useI18n();
  const q = useQuery({ queryKey: ['importFields'], queryFn: async () => (await request(ImportFieldsQuery)).importFields, staleTime: Infinity });
  return useMemo(() => {
    const list = q.data ?? [];
    const byKey = new Map(list.map((f) => [f.key, f]));
    const find = (key: string) => byKey.get(key)?.[lang];
    return { list, byKey, find, label: (key: string) => find(key) ?? key };
  }, [q.data, lang]);
}

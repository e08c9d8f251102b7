// Taking back a merge (undoMerge): what it did said in a message, the lists reloaded.
import { App } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api/client';
import { isApiError } from '../../api/errors';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errorText';
import { UndoMergeMutation } from './operations';

const REFUSED: Record<string, MessageKey> = {
  ALREADY: 'merge.undoRefused.ALREADY',
  OUT_OF_RANGE: 'merge.undoRefused.OUT_OF_RANGE',
};

const KEPT: Record<string, MessageKey> = {
  CHANGED_SINCE: 'merge.kept.CHANGED_SINCE',
  GONE: 'merge.kept.GONE',
  TAKEN: 'merge.kept.TAKEN',
};

export function useUndoMerge() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await request(UndoMergeMutation, { id })).undoMerge,
    onSuccess: (m) => {
      if (m.kept.length > 0) {
        const codes = m.kept.map((k) => `${k.code}（${KEPT[k.reason] ? t(KEPT[k.reason]!) : k.reason}）`).join('、');
        void message.warning(t('merge.undoneKept', { codes }), 8);
      } else {
        void message.success(t('merge.undone'));
      }
    },
    onError: (err) => {
      const reason = isApiError(err) ? err.fields[0]?.reason : undefined;
      void message.error(reason && REFUSED[reason] ? t(REFUSED[reason]!) : errorText(err, i18n));
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['duplicates'] });
      void qc.invalidateQueries({ queryKey: ['customerMerges'] });
      void qc.invalidateQueries({ queryKey: ['customer'] });
    },
  });
}

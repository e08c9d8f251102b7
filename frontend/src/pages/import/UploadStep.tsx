// Step 1: choose a worksheet; its columns are read at once
// (detectImportColumns). A file the server does not read is refused with
// its reason (an .xls to save as .xlsx, a file without a header row ...).
import { Alert, Spin, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { upload } from '../../api/client';
import type { DetectImportColumnsMutation as Detected } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errorText';
import { DetectImportColumnsMutation } from './operations';
import { importErrorText } from './problems';
import { useImportFields } from './useImportFields';

export type DetectedColumns = Detected['detectImportColumns'];

// The picker offers these; a file of another type (picked with "all files",
// or dropped: one file at a time is never filtered) goes to the server,
// which says why it does not read it.
const ACCEPT = '.xlsx,.csv';

export function UploadStep({ onRead }: { onRead: (file: File, detected: DetectedColumns) => void }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const fields = useImportFields();
  const read = useMutation({
    mutationFn: async (file: File) => (await upload(DetectImportColumnsMutation, { file })).detectImportColumns,
    onSuccess: (detected, file) => onRead(file, detected),
  });
  return (
    <div data-testid="import-upload-step">
      <Spin spinning={read.isPending} tip={read.variables ? t('import.reading', { name: read.variables.name }) : undefined}>
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={read.isPending}
          beforeUpload={(file) => {
            read.mutate(file);
            return Upload.LIST_IGNORE;
          }}
          data-testid="import-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('import.drop')}</p>
          <p className="ant-upload-hint">{t('import.dropHint')}</p>
        </Upload.Dragger>
      </Spin>
      {read.error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginTop: 16 }}
          message={t('import.readFailed', { name: read.variables?.name ?? '' })}
          description={importErrorText(read.error, lang, fields.label) ?? errorText(read.error, i18n)}
          data-testid="import-upload-error"
        />
      )}
    </div>
  );
}

import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useI18n } from '../i18n';

function Fallback({ onReset }: { onReset: () => void }) {
  const { t } = useI18n();
  return (
    <Result
      status="warning"
      title={t('error.title')}
      subTitle={t('error.page')}
      extra={
        <Button type="primary" onClick={onReset}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}

interface Props {
  children: ReactNode;
  resetKey: string;
}
interface State {
  failed: boolean;
  key: string;
}

/** A page that throws shows a friendly message, never a stack. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false, key: this.props.resetKey };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.key ? { failed: false, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept in the console for developers; the user sees the fallback.
    console.error('page error', error, info.componentStack);
  }

  override render() {
    if (this.state.failed) return <Fallback onReset={() => this.setState({ failed: false })} />;
    return this.props.children;
  }
}

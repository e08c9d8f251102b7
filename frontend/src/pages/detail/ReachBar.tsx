import { Alert, App, Button, Card } from 'antd';
import { PhoneOutlined, WechatOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { copyText } from '../../lib/clipboard';
import { contactToReach, telHref } from '../../lib/reach';
import type { Detail } from './types';

/**
 * The first thing on a customer's page on a phone: call or WeChat the
 * primary contact with one tap (targets of 48 px). Masked details are not
 * dialled (a masked number is not a number); the card says why instead.
 */
export function ReachBar({ customer }: { customer: Detail }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const c = contactToReach(customer.contacts);
  if (!c) return null;
  const title = `${t('reach.title', { name: c.name })}${c.title ? ` · ${c.title}` : ''}`;

  if (customer.contactDetailsMasked) {
    return (
      <Card size="small" title={title} style={{ marginBottom: 12 }} data-testid="reach-bar">
        <Alert type="info" showIcon message={t('reach.masked')} data-testid="reach-masked" />
      </Card>
    );
  }
  const tel = telHref(c.phone);
  const wechat = c.wechat.trim();
  if (!tel && !wechat) {
    return (
      <Card size="small" title={title} style={{ marginBottom: 12 }} data-testid="reach-bar">
        <span className="kehu-muted">{t('reach.noDetails', { name: c.name })}</span>
      </Card>
    );
  }

  const copyWechat = async () => {
    if (await copyText(wechat)) message.success(t('reach.wechatCopied', { id: wechat }), 6);
    else message.warning(t('reach.wechatCopyFailed', { id: wechat }), 10);
  };

  return (
    <Card size="small" title={title} style={{ marginBottom: 12 }} data-testid="reach-bar">
      <div className="kehu-reach">
        {tel && (
          <Button
            type="primary"
            size="large"
            icon={<PhoneOutlined />}
            href={tel}
            aria-label={t('reach.callLabel', { name: c.name, phone: c.phone })}
            data-testid="reach-call"
          >
            <span className="kehu-reach-text">
              <span>{t('reach.call')}</span>
              <span className="kehu-reach-detail">{c.phone}</span>
            </span>
          </Button>
        )}
        {wechat && (
          <Button
            size="large"
            icon={<WechatOutlined style={{ color: '#07c160' }} />}
            onClick={() => void copyWechat()}
            aria-label={t('reach.wechatLabel', { name: c.name, id: wechat })}
            data-testid="reach-wechat"
          >
            <span className="kehu-reach-text">
              <span>{t('reach.wechat')}</span>
              <span className="kehu-reach-detail">{wechat}</span>
            </span>
          </Button>
        )}
      </div>
    </Card>
  );
}

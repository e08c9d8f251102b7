import {
  CommentOutlined,
  DesktopOutlined,
  EllipsisOutlined,
  MailOutlined,
  PhoneOutlined,
  TeamOutlined,
  VideoCameraOutlined,
  WechatOutlined,
  CarOutlined,
} from '@ant-design/icons';
import type { InteractionChannel } from '../gql/graphql';
import type { ReactNode } from 'react';

const ICONS: Record<InteractionChannel, ReactNode> = {
  PHONE: <PhoneOutlined />,
  VISIT: <CarOutlined />,
  EMAIL: <MailOutlined />,
  MEETING: <TeamOutlined />,
  ONLINE: <DesktopOutlined />,
  WECHAT: <WechatOutlined />,
  LIVESTREAM: <VideoCameraOutlined />,
  OTHER: <EllipsisOutlined />,
};

export function ChannelIcon({ channel }: { channel: InteractionChannel | null | undefined }) {
  return <span aria-hidden>{channel ? ICONS[channel] : <CommentOutlined />}</span>;
}

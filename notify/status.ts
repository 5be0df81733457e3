import type { NotifyConfig } from './config';

// What the admin page shows about each channel: configured or not, and what
// that means, in Chinese. Built field by field from the configuration, never
// by copying it, so no secret (password, keys, webhook URL: the URL itself is
// a credential) can reach the API. Pure.

export interface ChannelStatus {
  channel: 'email' | 'sms' | 'robot';
  configured: boolean;
  /** smtp | mail-capture | aliyun | tencent | wecom/dingtalk/feishu list */
  provider?: string;
  /** One sentence for the admin page. */
  notice: string;
  /** Robots: which communities have one, and of which kind. */
  robots?: Array<{ communityId: string; kind: 'wecom' | 'dingtalk' | 'feishu' }>;
}

export function channelStatus(config: NotifyConfig): ChannelStatus[] {
  const smtp = config.smtp;
  const email: ChannelStatus = !smtp
    ? { channel: 'email', configured: false, notice: '邮件未配置，暂不发送（在 NOTIFY_CONFIG 中设置 smtp）' }
    : smtp.captureDir
      ? {
          channel: 'email',
          configured: true,
          provider: 'mail-capture',
          notice: '邮件由本机邮件捕获接收，仅供查看，未真正发出（配置 smtp 后才会发送）',
        }
      : { channel: 'email', configured: true, provider: 'smtp', notice: `邮件经 SMTP 服务器 ${smtp.host}:${smtp.port} 发送` };
  const sms: ChannelStatus = config.sms
    ? {
        channel: 'sms',
        configured: true,
        provider: config.sms.provider,
        notice: config.sms.provider === 'aliyun' ? '短信经阿里云短信服务发送' : '短信经腾讯云短信服务发送',
      }
    : { channel: 'sms', configured: false, notice: '短信未配置，暂不发送（短信模板须先在服务商处报备，再在 NOTIFY_CONFIG 中设置 sms）' };
  const robots = config.robots.map((r) => ({ communityId: r.communityId, kind: r.kind }));
  const robot: ChannelStatus = robots.length
    ? {
        channel: 'robot',
        configured: true,
        provider: [...new Set(robots.map((r) => r.kind))].join('/'),
        notice: `已为 ${robots.length} 个社区配置群机器人；其余社区的机器人消息暂不发送`,
        robots,
      }
    : {
        channel: 'robot',
        configured: false,
        notice: '群机器人未配置，暂不发送（在 NOTIFY_CONFIG 的 robots 中为社区添加企业微信/钉钉/飞书机器人）',
        robots: [],
      };
  return [email, sms, robot];
}

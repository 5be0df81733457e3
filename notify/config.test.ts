import { describe, expect, it } from 'vitest';
import { notifyConfigSchema } from './config';
import { redact, redactUrl } from './redact';

describe('notifyConfigSchema', () => {
  it('defaults: quiet hours 22:00-07:00, no SMS, no robots', () => {
    const cfg = notifyConfigSchema.parse({});
    expect(cfg.quietHours).toEqual({ start: '22:00', end: '07:00', enabled: true });
    expect(cfg.sms).toBeUndefined();
    expect(cfg.robots).toEqual([]);
  });

  it('rejects a malformed robot or quiet-hours value', () => {
    expect(() => notifyConfigSchema.parse({ robots: [{ communityId: 'c', kind: 'qq', webhookUrl: 'https://x' }] })).toThrow();
    expect(() => notifyConfigSchema.parse({ quietHours: { start: '25:00', end: '07:00' } })).toThrow();
  });
});

describe('redact', () => {
  it('masks secrets and webhook credentials everywhere in a config', () => {
    const cfg = notifyConfigSchema.parse({
      smtp: { host: 'smtp.example.cn', user: 'u', pass: 'smtp-password-1', from: 'a@b.cn' },
      sms: {
        provider: 'tencent',
        tencent: {
          secretId: 'AKIDxxxx',
          secretKey: 'tencent-key-1',
          sdkAppId: '1400',
          signName: '龙泉街道',
          templates: { reminder: '1', 'due-today': '2', overdue: '3', escalation: '4', 'evidence-rejected': '5', digest: '6' },
        },
      },
      robots: [
        {
          communityId: 'c1',
          kind: 'dingtalk',
          webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789',
          secret: 'SECdingsecret',
        },
        { communityId: 'c2', kind: 'feishu', webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/f1e2d3c4-b5a6-4789' },
        { communityId: 'c3', kind: 'wecom', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx' },
      ],
    });
    const text = JSON.stringify(redact(cfg));
    for (const secret of ['smtp-password-1', 'tencent-key-1', 'abcdef0123456789', 'SECdingsecret', 'f1e2d3c4-b5a6-4789', '693a91f6-7xxx']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('smtp.example.cn');
    expect(text).toContain('龙泉街道');
    expect(redactUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a***',
    );
  });
});

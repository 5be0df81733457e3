import { z } from 'zod';

// Notification settings, exported for the lead to merge into config/. SMS and
// robots are optional: a channel without settings is simply off and routing
// skips it (SMS needs approved templates and signatures before it can be used).

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const eventTemplateCodes = z.object({
  reminder: z.string().min(1),
  'due-today': z.string().min(1),
  overdue: z.string().min(1),
  escalation: z.string().min(1),
  'evidence-rejected': z.string().min(1),
  /** Optional: officials get review requests in their daily digest; without a code SMS falls back to another channel. */
  'review-requested': z.string().min(1).optional(),
  digest: z.string().min(1),
});

export const smtpConfigSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535).default(465),
  /** true = implicit TLS (465); false = STARTTLS when offered (587/25). */
  secure: z.boolean().default(true),
  user: z.string().optional(),
  pass: z.string().optional(),
  from: z.string().min(3),
  timeoutMs: z.number().int().positive().default(15_000),
  /**
   * Set by `npm start` only, when it runs the local mail capture
   * (stack/mail-capture.ts): mail to this server is stored there as .eml
   * files, not delivered. The admin page and `npm run mail` read it.
   */
  captureDir: z.string().min(1).optional(),
});

export const aliyunSmsConfigSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  signName: z.string().min(1),
  endpoint: z.url().default('https://dysmsapi.aliyuncs.com/'),
  regionId: z.string().default('cn-hangzhou'),
  /** Past this the answer counts as lost: the message is in doubt and the provider is asked before any resend. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Approved template code (SMS_xxxxxxxx) per event. */
  templates: eventTemplateCodes,
});

export const tencentSmsConfigSchema = z.object({
  secretId: z.string().min(1),
  secretKey: z.string().min(1),
  sdkAppId: z.string().min(1),
  signName: z.string().min(1),
  region: z.string().default('ap-guangzhou'),
  endpoint: z.url().default('https://sms.tencentcloudapi.com/'),
  timeoutMs: z.number().int().positive().default(10_000),
  /** Approved template id per event. */
  templates: eventTemplateCodes,
});

export const robotConfigSchema = z.object({
  communityId: z.string().min(1),
  kind: z.enum(['wecom', 'dingtalk', 'feishu']),
  /** Full webhook URL as issued: it is itself a credential. */
  webhookUrl: z.url(),
  /** Signing secret (DingTalk "SEC...", Feishu); WeCom robots have none. */
  secret: z.string().optional(),
  /** Past this (10 s when not set) the answer counts as lost: the message is in doubt and never sent again (a robot cannot be asked). */
  timeoutMs: z.number().int().positive().optional(),
});

export const notifyConfigSchema = z.object({
  quietHours: z
    .object({ start: hhmm, end: hhmm, enabled: z.boolean().default(true) })
    .default({ start: '22:00', end: '07:00', enabled: true }),
  /** Local hour (Asia/Shanghai) at which officials' daily digests go out. */
  digestHour: z.number().int().min(0).max(23).default(8),
  /** Escalations to one person within a window of this many minutes go out as one message. */
  escalationBatchMinutes: z.number().int().min(1).max(60).default(5),
  /** An escalation whose channel keeps failing (outage, rate limit) moves to the next channel after this many minutes. */
  escalationFallbackMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(10),
  /** An SMS in doubt that the provider's status query still does not show after this many minutes is sent again. */
  inDoubtGraceMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(10),
  /** Rows in doubt (or stuck sending) at least this old are settled by the reconciliation schedule, which runs this often. */
  reconcileEveryMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  smtp: smtpConfigSchema.optional(),
  sms: z
    .discriminatedUnion('provider', [
      z.object({ provider: z.literal('aliyun'), aliyun: aliyunSmsConfigSchema }),
      z.object({ provider: z.literal('tencent'), tencent: tencentSmsConfigSchema }),
    ])
    .optional(),
  robots: z.array(robotConfigSchema).default([]),
});

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export type SmtpConfig = z.infer<typeof smtpConfigSchema>;
export type AliyunSmsConfig = z.infer<typeof aliyunSmsConfigSchema>;
export type TencentSmsConfig = z.infer<typeof tencentSmsConfigSchema>;
export type RobotConfig = z.infer<typeof robotConfigSchema>;

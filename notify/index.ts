// Public API of notify/. Workflows: import from './workflow-safe' instead.
export * from './workflow-safe';
export { PermanentSendError, TransientSendError, SendError, isSendError } from './errors';
export { redact, redactText, redactUrl } from './redact';
export { notifyConfigSchema, smtpConfigSchema, aliyunSmsConfigSchema, tencentSmsConfigSchema, robotConfigSchema } from './config';
export type { NotifyConfig, SmtpConfig, AliyunSmsConfig, TencentSmsConfig, RobotConfig } from './config';
export { createChannels, createRobotChannel, routingPolicyFrom } from './channels';
export { createEmailChannel } from './channels/email';
export { createAliyunSmsChannel } from './channels/aliyun-sms';
export { createTencentSmsChannel } from './channels/tencent-sms';
export { createWecomRobotChannel } from './channels/wecom-robot';
export { createDingtalkRobotChannel } from './channels/dingtalk-robot';
export { createFeishuRobotChannel } from './channels/feishu-robot';
export { renderEmail, renderSms, renderRobot, renderFor } from './templates/render';
export { TEMPLATE_TEXTS, DIGEST_TEXT, ESCALATION_LEVEL_NAMES } from './templates/texts';
export type { NotificationOutbox, ClaimResult, ClaimMeta, OutboxFailure } from './outbox';
export { deliver } from './deliver';
export type { DeliveryOutcome, DeliverOptions } from './deliver';

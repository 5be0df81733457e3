// Builds the notification channels and routing policy from configuration.
import { readFileSync } from 'node:fs';
import { createChannels, notifyConfigSchema, routingPolicyFrom, type NotifyConfig } from '../notify';
import { ConfigError, type Config } from '../config';

export function loadNotifyConfig(config: Config): NotifyConfig {
  const [name, text] = config.NOTIFY_CONFIG_FILE
    ? ['NOTIFY_CONFIG_FILE', readOrThrow(config.NOTIFY_CONFIG_FILE)]
    : ['NOTIFY_CONFIG', config.NOTIFY_CONFIG ?? '{}'];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`invalid configuration: ${name} must be JSON (see docs/notifications.md)`);
  }
  const parsed = notifyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`);
    throw new ConfigError(`invalid configuration: ${name}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

function readOrThrow(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`invalid configuration: NOTIFY_CONFIG_FILE cannot be read (${file})`);
  }
}

/** The notification settings with email pointed at the local mail capture (npm start without SMTP). */
export function withMailCapture(notifyConfig: NotifyConfig, capture: { host: string; port: number; dir: string }): NotifyConfig {
  return {
    ...notifyConfig,
    smtp: {
      host: capture.host,
      port: capture.port,
      secure: false,
      from: '督办系统 <duban@localhost>',
      timeoutMs: 15_000,
      captureDir: capture.dir,
    },
  };
}

export function notifySetup(notifyConfig: NotifyConfig, publicUrl: string) {
  return {
    channels: createChannels(notifyConfig),
    policy: routingPolicyFrom(notifyConfig),
    publicUrl,
    digestHour: notifyConfig.digestHour,
    escalationBatchMinutes: notifyConfig.escalationBatchMinutes,
    escalationFallbackMinutes: notifyConfig.escalationFallbackMinutes,
    inDoubtGraceMinutes: notifyConfig.inDoubtGraceMinutes,
    reconcileEveryMinutes: notifyConfig.reconcileEveryMinutes,
  };
}

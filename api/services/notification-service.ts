// Notification settings as the admin page sees them: which channels are on
// (never a secret: built by notify/status.ts field by field), and the mail the
// local capture of `npm start` received when no SMTP server is configured.
import { channelStatus, notifyConfigSchema, type NotifyConfig } from '../../notify';
import { NotFoundError } from '../errors';

export interface CapturedMailSummary {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  /** the outbox row the message belongs to */
  key?: string;
}

/** The local mail capture of npm start (stack/mail-capture.ts, wired in api/compose.ts). */
export interface MailCapture {
  list(limit: number): Promise<CapturedMailSummary[]>;
  read(id: string): Promise<(CapturedMailSummary & { text: string }) | undefined>;
}

/** Captured messages one request lists, newest first. */
const MAIL_LIST_LIMIT = 200;

export function notificationService(deps: {
  /** the notification settings the worker runs with (NOTIFY_CONFIG); absent = nothing configured */
  notify?: NotifyConfig;
  /** absent = mail goes to a real SMTP server */
  mailCapture?: MailCapture;
}) {
  const capture = deps.mailCapture;
  return {
    channels: () => ({ channels: channelStatus(deps.notify ?? notifyConfigSchema.parse({})), mailCapture: Boolean(capture) }),

    async capturedMail() {
      return { enabled: Boolean(capture), mail: capture ? await capture.list(MAIL_LIST_LIMIT) : [] };
    },

    async capturedMessage(id: string) {
      const mail = await capture?.read(id);
      if (!mail) throw new NotFoundError('没有这封邮件（本地邮件捕获未开启或编号有误） (no such captured message)');
      return mail;
    },
  };
}

export type NotificationService = ReturnType<typeof notificationService>;

// Notification settings as the admin page sees them: which channels are on
// (never a secret: built by notify/status.ts field by field), and the mail the
// local capture of `npm start` received when no SMTP server is configured.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { channelStatus, notifyConfigSchema, type NotifyConfig } from '../../notify';
import { requireAuth, allow } from '../plugins/auth';
import { NotFoundError } from '../errors';
import { capturedMail, mailMessage, notificationChannels, type mailSummary } from '../contract';
import { authErrors, errorBody } from './schemas';

export interface NotificationRouteDeps {
  /** The notification settings the worker runs with (NOTIFY_CONFIG); absent = nothing configured. */
  notify?: NotifyConfig;
  /** The local mail capture of npm start (stack/mail-capture.ts, wired in api/compose.ts); absent = mail goes to a real SMTP server. */
  mailCapture?: MailCapture;
}

export interface MailCapture {
  list(limit: number): Promise<Array<z.infer<typeof mailSummary>>>;
  read(id: string): Promise<(z.infer<typeof mailSummary> & { text: string }) | undefined>;
}

export const notificationRoutes =
  (deps: NotificationRouteDeps): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    const capture = deps.mailCapture;

    typed.get(
      '/channels',
      {
        onRequest: allow('notifications.read'),
        schema: {
          summary: 'Which notification channels are configured (SMS and robots are off until set up); never any credential',
          tags: ['notifications'],
          response: { 200: notificationChannels, ...authErrors },
        },
      },
      async () => ({ channels: channelStatus(deps.notify ?? notifyConfigSchema.parse({})), mailCapture: Boolean(capture) }),
    );

    typed.get(
      '/mail',
      {
        onRequest: allow('notifications.manage'),
        schema: {
          summary: 'Mail received by the local mail capture of npm start (newest first); empty when mail goes to a real SMTP server',
          tags: ['notifications'],
          response: { 200: capturedMail, ...authErrors },
        },
      },
      async () => ({ enabled: Boolean(capture), mail: capture ? await capture.list(200) : [] }),
    );

    typed.get(
      '/mail/:id',
      {
        onRequest: allow('notifications.manage'),
        schema: {
          summary: 'One captured message: headers and plain text',
          tags: ['notifications'],
          params: z.object({ id: z.string().max(100) }),
          response: { 200: mailMessage, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const mail = await capture?.read(request.params.id);
        if (!mail) throw new NotFoundError('没有这封邮件（本地邮件捕获未开启或编号有误） (no such captured message)');
        return mail;
      },
    );
  };

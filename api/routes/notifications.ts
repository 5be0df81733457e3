// Notification settings as the admin page sees them: which channels are on,
// and the mail the local capture of `npm start` received (services/notification-service.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, allow } from '../plugins/auth';
import type { NotificationService } from '../services/notification-service';
import { authErrors, errorBody } from './schemas';

const channel = z.object({
  channel: z.enum(['email', 'sms', 'robot']),
  configured: z.boolean(),
  provider: z.string().optional(),
  notice: z.string(),
  robots: z.array(z.object({ communityId: z.string(), kind: z.enum(['wecom', 'dingtalk', 'feishu']) })).optional(),
});
const mailSummary = z.object({
  id: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  key: z.string().optional(),
});

export const notificationRoutes =
  (service: NotificationService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);

    typed.get(
      '/channels',
      {
        onRequest: allow('notifications.read'),
        schema: {
          summary: 'Which notification channels are configured (SMS and robots are off until set up); never any credential',
          tags: ['notifications'],
          response: { 200: z.object({ channels: z.array(channel), mailCapture: z.boolean() }), ...authErrors },
        },
      },
      async () => service.channels(),
    );

    typed.get(
      '/mail',
      {
        onRequest: allow('notifications.manage'),
        schema: {
          summary: 'Mail received by the local mail capture of npm start (newest first); empty when mail goes to a real SMTP server',
          tags: ['notifications'],
          response: { 200: z.object({ enabled: z.boolean(), mail: z.array(mailSummary) }), ...authErrors },
        },
      },
      async () => service.capturedMail(),
    );

    typed.get(
      '/mail/:id',
      {
        onRequest: allow('notifications.manage'),
        schema: {
          summary: 'One captured message: headers and plain text',
          tags: ['notifications'],
          params: z.object({ id: z.string().max(100) }),
          response: { 200: mailSummary.extend({ text: z.string() }), 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.capturedMessage(request.params.id),
    );
  };

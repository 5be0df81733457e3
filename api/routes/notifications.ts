// Notification settings as the admin page sees them: which channels are on,
// and the mail the local capture of `npm start` received (services/notification-service.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, allow } from '../plugins/auth';
import type { NotificationService } from '../services/notification-service';
import { capturedMail, mailMessage, notificationChannels } from '../contract';
import { authErrors, errorBody } from './schemas';

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
          response: { 200: notificationChannels, ...authErrors },
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
          response: { 200: capturedMail, ...authErrors },
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
          response: { 200: mailMessage, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.capturedMessage(request.params.id),
    );
  };

// The logged-in user's own settings: contact details and how duban reaches
// them (channel order, opt-outs, daily digest); the rules are in
// services/settings-service.ts. Nobody else's settings are reachable here.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import { notifyPreferences as preferences, settings } from '../contract';
import type { SettingsService } from '../services/settings-service';
import { authErrors, errorBody } from './schemas';

const update = z.object({
  mobile: z
    .string()
    .trim()
    .regex(/^\+?\d{6,20}$/, '手机号应为 6-20 位数字 (a mobile number is 6-20 digits)')
    .nullable()
    .optional(),
  email: z.email('邮箱格式不正确 (not an email address)').nullable().optional(),
  preferences: preferences.optional(),
});

export const meRoutes =
  (service: SettingsService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);

    typed.get(
      '/settings',
      {
        schema: { summary: 'My contact details and notification preferences', tags: ['me'], response: { 200: settings, ...authErrors } },
      },
      async (request) => service.get(currentUser(request)),
    );

    typed.put(
      '/settings',
      {
        schema: {
          summary: 'Change my contact details and notification preferences (fields left out stay as they are)',
          tags: ['me'],
          body: update,
          response: { 200: settings, 400: errorBody, ...authErrors },
        },
      },
      async (request) => service.update(currentUser(request), request.body, actorOf(request)),
    );
  };

// The logged-in user's own settings: contact details and how duban reaches
// them (channel order, opt-outs, daily digest). Every role may change its
// own; nobody else's is reachable here (admins manage accounts in /api/users).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SettingsRepository } from '../../db/settings-repository';
import { DEFAULT_ROLE_ROUTES, reachableMedia, type RoutingPolicy } from '../../notify/routing';
import { routingPolicyFrom, type NotifyConfig } from '../../notify';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import { BadRequestError } from '../errors';
import { notifyPreferences as preferences, settings } from '../contract';
import { authErrors, errorBody } from './schemas';
import { parseStoredPreferences, validatePreferences } from '../../notify/preferences';
import { notifyRoleOf } from '../../notify/account-role';

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
  (deps: { settings: SettingsRepository; notify?: NotifyConfig }): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    // What is configured on this server (no notify config: nothing is).
    const policy: RoutingPolicy = deps.notify
      ? routingPolicyFrom(deps.notify)
      : { quietHours: { start: '22:00', end: '07:00', enabled: false }, available: { email: false, sms: false, robotCommunities: [] } };

    const load = async (userId: string, scope: readonly string[]) => {
      const user = await deps.settings.get(userId);
      const preferences = parseStoredPreferences(user.notifyPrefs);
      const role = notifyRoleOf(user.role);
      const recipient = {
        userId,
        name: '',
        role,
        preferences,
        ...(user.mobile ? { mobile: user.mobile } : {}),
        ...(user.email ? { email: user.email } : {}),
      };
      // A robot group reaches me when one of my communities has one.
      const communityId = scope.find((c) => policy.available.robotCommunities.includes(c)) ?? scope[0] ?? '';
      return {
        mobile: user.mobile,
        email: user.email,
        preferences,
        roleDefaults: DEFAULT_ROLE_ROUTES[role],
        reachToday: {
          routine: reachableMedia(recipient, communityId, policy, 'routine'),
          escalation: reachableMedia(recipient, communityId, policy, 'escalation'),
        },
      };
    };

    typed.get(
      '/settings',
      {
        schema: { summary: 'My contact details and notification preferences', tags: ['me'], response: { 200: settings, ...authErrors } },
      },
      async (request) => load(currentUser(request).id, currentUser(request).scope),
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
      async (request) => {
        const user = currentUser(request);
        const current = await load(user.id, user.scope);
        const next = {
          mobile: request.body.mobile === undefined ? current.mobile : request.body.mobile,
          email: request.body.email === undefined ? current.email : request.body.email,
          preferences: request.body.preferences ?? current.preferences,
        };
        const problem = validatePreferences(
          { prefs: next.preferences, contact: { mobile: next.mobile, email: next.email } },
          current.roleDefaults,
          { prefs: current.preferences, contact: { mobile: current.mobile, email: current.email } },
        );
        if (problem) throw new BadRequestError(problem, 'invalid_preferences');
        // Contact details are personal data: the audit says which fields changed, not their values.
        const changed = (['mobile', 'email', 'preferences'] as const).filter((k) => request.body[k] !== undefined);
        await deps.settings.update(user.id, { ...next, preferences: { ...next.preferences }, changed }, actorOf(request));
        return load(user.id, user.scope);
      },
    );
  };

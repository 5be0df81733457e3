// The sensitive-date calendar: the year's windows (rulebook + admin-added),
// and adding/deleting admin windows. Rules and reasons: services/sensitive-window-service.ts.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { SensitiveWindowService } from '../services/sensitive-window-service';
import { calendarYear, sensitiveWindow } from '../contract';
import { authErrors, errorBody, existingCivilDate, idParams, ok } from './schemas';

const refusals = { 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors };

export const sensitiveWindowRoutes =
  (service: SensitiveWindowService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    const editors = allow('sensitiveWindows.edit');

    typed.get(
      '/',
      {
        schema: {
          summary:
            "The sensitive windows of a year (default: this year): the rulebook's, computed for the year, and the township's added ones",
          tags: ['calendar'],
          querystring: z.object({
            year: z.coerce.number().int().min(2000, '年份应在 2000-2100 之间').max(2100, '年份应在 2000-2100 之间').optional(),
          }),
          response: {
            200: calendarYear,
            400: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => service.listYear(currentUser(request), request.query.year),
    );

    typed.post(
      '/',
      {
        onRequest: editors,
        schema: {
          summary: 'Add a window for one year (end inclusive, at most 31 days, not across New Year)',
          tags: ['calendar'],
          body: z.object({
            name: z.string().trim().min(2, '名称至少2个字 (name of at least 2 characters)').max(40, '名称最多40个字'),
            startsOn: existingCivilDate,
            endsOn: existingCivilDate,
          }),
          response: { 201: sensitiveWindow, ...refusals },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(currentUser(request), request.body, actorOf(request))),
    );

    typed.delete(
      '/:id',
      {
        onRequest: editors,
        schema: {
          summary: 'Delete an added window that has not begun and has no tasks',
          tags: ['calendar'],
          params: idParams,
          response: { 200: ok, ...refusals },
        },
      },
      async (request) => {
        await service.remove(currentUser(request), request.params.id, actorOf(request));
        return { ok: true as const };
      },
    );
  };

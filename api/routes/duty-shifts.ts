// Duty rosters: GET /api/duty-shifts, members for the form, create/replace,
// delete, and a month's import. Rules and reasons: services/duty-roster-service.ts.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { DutyRosterService } from '../services/duty-roster-service';
import { dutyShiftSaved, dutyShifts, member, rosterImported } from '../contract';
import { authErrors, errorBody, id, idParams, ok, workDate, workMonth } from './schemas';

const month = workMonth;
const refusals = { 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors };

export const dutyShiftRoutes =
  (service: DutyRosterService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    const editors = allow('dutyShifts.edit');

    typed.get(
      '/',
      {
        schema: {
          summary: "Shifts of a month (default: this month, Asia/Shanghai), in scope, with the state of each day's duty task",
          tags: ['rosters'],
          querystring: z.object({ communityId: id.optional(), month: month.optional() }),
          response: { 200: dutyShifts, 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.list(currentUser(request), request.query),
    );

    typed.get(
      '/members',
      {
        schema: {
          summary: 'Active members of a community: who can be put on its roster',
          tags: ['rosters'],
          querystring: z.object({ communityId: id }),
          response: {
            200: z.array(member),
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => service.members(currentUser(request), request.query.communityId),
    );

    typed.post(
      '/',
      {
        onRequest: editors,
        schema: {
          summary: "Put a person on duty for a day (creates, or replaces the day's shift)",
          tags: ['rosters'],
          body: z.object({ communityId: id, dutyDate: workDate, userId: id }),
          response: {
            200: dutyShiftSaved,
            201: dutyShiftSaved,
            ...refusals,
          },
        },
      },
      async (request, reply) => {
        const { created, ...body } = await service.set(currentUser(request), request.body, actorOf(request));
        return reply.status(created ? 201 : 200).send(body);
      },
    );

    typed.delete(
      '/:id',
      {
        onRequest: editors,
        schema: { summary: 'Remove a shift (not of a past day)', tags: ['rosters'], params: idParams, response: { 200: ok, ...refusals } },
      },
      async (request) => {
        await service.remove(currentUser(request), request.params.id, actorOf(request));
        return { ok: true as const };
      },
    );

    typed.post(
      '/import',
      {
        onRequest: editors,
        schema: {
          summary: "Replace a month's roster from today on (all rows or none); rows name the person by userId or username",
          tags: ['rosters'],
          body: z.object({
            communityId: id,
            month,
            shifts: z
              .array(z.object({ dutyDate: workDate, userId: id.optional(), username: z.string().min(1).max(100).optional() }))
              .max(31, '一个月最多31天 (at most 31 rows)'),
          }),
          response: {
            200: rosterImported,
            ...refusals,
          },
        },
      },
      async (request) => service.importMonth(currentUser(request), request.body, actorOf(request)),
    );
  };

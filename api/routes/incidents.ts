import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import rateLimit from '@fastify/rate-limit';
import { MULTIPART_OPTIONS, uploadRateLimitOptions, type UploadRateLimitOptions } from '../plugins/upload-limits';
import { singleFilePart } from '../plugins/single-file';
import type { IncidentService } from '../services/incident-service';
import { incidentList, incidentRules } from '../contract';
import { authErrors, deduction, errorBody, evidenceSchema, existingCivilDate, id, idParams, workDate } from './schemas';

const keyPart = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^|]+$/, '不能包含 | (must not contain |)');

export interface IncidentRouteDeps {
  service: IncidentService;
  /** the same options object as /api/evidence: one allowance of uploads per user across both routes */
  uploadRateLimit?: UploadRateLimitOptions;
}

/** Incident deductions recorded by officials (rubric sections 5-7: petitions, accidents, notices), and the evidence that explains them. */
export const incidentRoutes =
  ({ service: incidents, uploadRateLimit }: IncidentRouteDeps): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    // Only this plugin's routes accept multipart; JSON bodies keep the app's 1 MiB limit.
    await app.register(multipart, MULTIPART_OPTIONS);
    await app.register(rateLimit, uploadRateLimit ?? uploadRateLimitOptions());

    typed.get(
      '/rules',
      {
        onRequest: allow('incidents.manage'),
        schema: {
          summary: 'The incident rules an official may record on a day (default today): title, item, points from the rulebook',
          tags: ['deductions'],
          querystring: z.object({ occurredOn: existingCivilDate.optional() }),
          response: { 200: incidentRules, 400: errorBody, ...authErrors },
        },
      },
      async (request) => ({ rules: incidents.choices(request.query.occurredOn) }),
    );

    typed.get(
      '/',
      {
        onRequest: allow('incidents.manage'),
        schema: {
          summary: 'Incidents recorded in scope, newest first, with their deduction and whether it was reversed',
          tags: ['deductions'],
          querystring: z.object({
            communityId: id.optional(),
            year: z.coerce.number().int().min(2000).max(2100).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(200),
          }),
          response: {
            200: incidentList,
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => ({ incidents: await incidents.list(currentUser(request), request.query) }),
    );

    typed.post(
      '/',
      {
        onRequest: allow('incidents.manage'),
        schema: {
          summary:
            'Record an incident under an incident rule of the rulebook (points, section and item come from it); idempotent on ruleId|communityId|incident|key (201 new, 200 same again, 409 key reused)',
          tags: ['deductions'],
          // passthrough: points/section/item sent anyway are refused with the valid rules named, not silently dropped.
          body: z
            .object({
              communityId: id,
              ruleId: z.string().trim().min(1, '请选择事件规则 (ruleId is required)').max(100),
              // A future date is refused by the service (future_date), which knows the injected clock.
              occurredOn: workDate,
              description: z
                .string()
                .trim()
                .min(2, '请填写事件经过（至少2个字） (a description of at least 2 characters is required)')
                .max(1000),
              subjectId: id.optional(),
              idempotencyKey: keyPart.optional(),
              sequence: z.number().int().min(1).max(1000).optional(),
            })
            .passthrough(),
          response: { 200: deduction, 201: deduction, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const { deduction: row, created } = await incidents.record(currentUser(request), request.body, actorOf(request));
        return reply.status(created ? 201 : 200).send(row);
      },
    );

    typed.post(
      '/:id/evidence',
      {
        onRequest: allow('incidents.manage'),
        config: { rateLimit: {} },
        schema: {
          summary:
            'Attach one evidence file to an incident deduction (officials; multipart field "file", at most 15 MB; same checks as /api/evidence)',
          tags: ['deductions', 'evidence'],
          consumes: ['multipart/form-data'],
          params: idParams,
          response: {
            201: evidenceSchema,
            400: errorBody,
            404: errorBody,
            409: errorBody,
            413: errorBody,
            415: errorBody,
            503: errorBody,
            507: errorBody,
            ...authErrors,
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await incidents.attachEvidence(currentUser(request), request.params.id, () => singleFilePart(request), actorOf(request))),
    );
  };

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeductionRepository } from '../../db/deduction-repository';
import { formatShanghai } from '../../domain';
import { actorOf, currentUser, requireAuth, requireRole } from '../plugins/auth';
import { deductionService, OFFICIALS } from '../services/deduction-service';
import { authErrors, civilDate, deduction, errorBody, id, reason } from './schemas';

const keyPart = z.string().min(1).max(100).regex(/^[^|]+$/, '不能包含 | (must not contain |)');

/** Incident deductions recorded by officials (rubric sections 5-7: petitions, accidents, notices). */
export const incidentRoutes = (deps: { deductions: DeductionRepository }): FastifyPluginAsync => async (app) => {
  const service = deductionService(deps.deductions);
  app.addHook('onRequest', requireAuth);
  app.withTypeProvider<ZodTypeProvider>().post('/', {
    onRequest: requireRole(...OFFICIALS),
    schema: {
      summary: 'Record an incident deduction; idempotent on ruleId|communityId|incident|key (201 new, 200 same again, 409 key reused)',
      tags: ['deductions'],
      body: z.object({
        communityId: id,
        ruleId: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, '规则编号只含字母、数字和 ._- (ruleId: letters, digits, ._-)'),
        section: z.number().int().min(1).max(20),
        item: z.string().trim().min(1).max(100),
        points: z.number().positive('扣分必须为正数 (points must be positive)').max(10, '单次扣分最多10分 (at most 10 points)')
          .refine((p) => Number.isInteger(p * 10), '扣分最多一位小数 (at most one decimal place)'),
        reason,
        occurredOn: civilDate.optional(),
        idempotencyKey: keyPart.optional(),
        sequence: z.number().int().min(1).max(1000).optional(),
      }),
      response: { 200: deduction, 201: deduction, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
    },
  }, async (request, reply) => {
    const occurredOn = request.body.occurredOn ?? formatShanghai(new Date()).slice(0, 10);
    const { deduction: row, created } = await service.recordIncident(currentUser(request), { ...request.body, occurredOn }, actorOf(request));
    return reply.status(created ? 201 : 200).send(row);
  });
};

import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import type { DeductionRepository } from '../../db/deduction-repository';
import { evidenceRepository, findUsedBefore } from '../../db/evidence-repository';
import type { EvidenceStorage } from '../../storage/evidence-storage';
import { formatShanghai } from '../../domain';
import { BadRequestError } from '../errors';
import { actorOf, currentUser, requireAuth, requireRole } from '../plugins/auth';
import { deductionService, isIncident, OFFICIALS } from '../services/deduction-service';
import { evidenceUploads, MULTIPART_OPTIONS } from '../services/evidence/evidence-upload';
import { evidenceView } from '../services/evidence/evidence-view';
import { evidenceSchema, singleFilePart } from './evidence';
import { authErrors, deduction, errorBody, id, idParams, reason, workDate } from './schemas';

const keyPart = z.string().min(1).max(100).regex(/^[^|]+$/, '不能包含 | (must not contain |)');

export interface IncidentRouteDeps {
  deductions: DeductionRepository;
  /** for the incident evidence upload: the same pipeline and storage as /api/evidence */
  db: Database;
  storage: EvidenceStorage;
}

/** Incident deductions recorded by officials (rubric sections 5-7: petitions, accidents, notices), and the evidence that explains them. */
export const incidentRoutes = (deps: IncidentRouteDeps): FastifyPluginAsync => async (app) => {
  const service = deductionService(deps.deductions);
  const uploads = evidenceUploads({ evidence: evidenceRepository(deps.db), storage: deps.storage });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', requireAuth);
  // Only this plugin's routes accept multipart; JSON bodies keep the app's 1 MiB limit.
  await app.register(multipart, MULTIPART_OPTIONS);

  typed.post('/', {
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
        occurredOn: workDate.refine((d) => d <= formatShanghai(new Date()).slice(0, 10), '发生日期不能晚于今天 (occurredOn cannot be in the future)').optional(),
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

  typed.post('/:id/evidence', {
    onRequest: requireRole(...OFFICIALS),
    schema: {
      summary: 'Attach one evidence file to an incident deduction (officials; multipart field "file", at most 15 MB; same checks as /api/evidence)',
      tags: ['deductions', 'evidence'], consumes: ['multipart/form-data'], params: idParams,
      response: { 201: evidenceSchema, 400: errorBody, 404: errorBody, 409: errorBody, 413: errorBody, 415: errorBody, ...authErrors },
    },
  }, async (request, reply) => {
    // Scope first, before a byte of the body is read: another community's incident does not exist for this user.
    const d = await service.get(currentUser(request), request.params.id);
    if (!isIncident(d)) {
      throw new BadRequestError('只能为事件扣分（信访、事故、通报等）补充证据材料；到期自动扣分的证据请在对应任务中提交 (evidence can be attached to incident deductions only)', 'not_incident');
    }
    // The file is stored under the incident's own community: it cannot land in another one.
    const part = await singleFilePart(request);
    const row = await uploads.accept({ communityId: d.communityId, deductionId: d.id, part, actor: actorOf(request), beforeStoring: part.assertLast });
    return reply.status(201).send(evidenceView(row, await findUsedBefore(deps.db, row.id)));
  });
};

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LedgerRepository } from '../../db/ledger-repository';
import type { UserRepository } from '../../db/user-repository';
import { BadRequestError } from '../errors';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import { idNumberProblem } from '../services/id-number';
import { buildLedgerWorkbook, IMPORT_BODY_LIMIT, IMPORT_ZIP_LIMITS, parseLedgerWorkbook } from '../services/ledger-excel';
import { checkOfficeZip } from '../services/evidence/zip-guard';
import type { LedgerEvents } from '../services/ledger-events';
import { ledgerService } from '../services/ledger-service';
import { authErrors, civilDate, errorBody, id, idParams } from './schemas';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const category = z.string().regex(/^[a-z0-9-]{2,40}$/, '台账类别代码，如 drug-user (category code like drug-user)');
const riskLevel = z.enum(['low', 'medium', 'high']);
const idNumber = z.string().transform((s) => s.toUpperCase()).superRefine((s, ctx) => {
  const problem = idNumberProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const details = z.object({ diagnosis: z.string().max(2000).optional(), drugHistory: z.string().max(2000).optional(), notes: z.string().max(5000).optional() });
const editable = {
  category, displayName: z.string().min(1).max(100), riskLevel: riskLevel.nullable(), responsibleUserId: id.nullable(),
  guardianLetter: z.boolean(), responsibilityLetter: z.boolean(), startDate: civilDate, idNumber: idNumber.nullable(), details: details.nullable(),
};
const subject = z.object({
  id: z.string(), communityId: z.string(), category: z.string(), kind: z.enum(['PERSON', 'SITE']), displayName: z.string(),
  riskLevel: z.string().nullable(), responsibleUserId: z.string().nullable(), guardianLetter: z.boolean(), responsibilityLetter: z.boolean(),
  startDate: z.string(), endDate: z.string().nullable(), idNumberMasked: z.string().nullable(), hasDetails: z.boolean(),
  createdAt: z.date(), updatedAt: z.date(),
});
const fullSubject = subject.extend({ idNumber: z.string().nullable(), details: details.nullable() });
const listQuery = z.object({ communityId: id.optional(), category: category.optional(), includeClosed: z.stringbool().default(false) });

export const ledgerRoutes = (deps: { ledgers: LedgerRepository; users: UserRepository; events: LedgerEvents }): FastifyPluginAsync => async (app) => {
  const service = ledgerService(deps.ledgers, deps.events, app.log);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', requireAuth);
  app.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => done(null, body));

  typed.get('/', {
    schema: { summary: 'Ledger entries in scope (sensitive fields masked)', tags: ['ledgers'], querystring: listQuery, response: { 200: z.array(subject), 404: errorBody, ...authErrors } },
  }, async (request) => service.list(currentUser(request), request.query));

  typed.post('/', {
    schema: {
      summary: 'Add a person or site to a ledger',
      tags: ['ledgers'],
      body: z.object({
        communityId: id, kind: z.enum(['PERSON', 'SITE']), ...editable,
        riskLevel: riskLevel.nullable().default(null), responsibleUserId: id.nullable().default(null),
        guardianLetter: z.boolean().default(false), responsibilityLetter: z.boolean().default(false),
        idNumber: idNumber.nullable().default(null), details: details.nullable().default(null),
      }),
      response: { 201: subject, 400: errorBody, 404: errorBody, ...authErrors },
    },
  }, async (request, reply) => reply.status(201).send(await service.create(currentUser(request), request.body, actorOf(request))));

  typed.get('/export', {
    schema: { summary: 'Ledger entries as .xlsx (ID numbers masked, no details)', tags: ['ledgers'], querystring: listQuery, response: { 200: z.any(), 404: errorBody, ...authErrors } },
  }, async (request, reply) => {
    const user = currentUser(request);
    const subjects = await service.list(user, request.query);
    const names = new Map((await deps.users.communities(user.scope)).map((c) => [c.id, c.name]));
    return reply.type(XLSX).header('content-disposition', 'attachment; filename="ledgers.xlsx"').send(await buildLedgerWorkbook(subjects, names));
  });

  typed.post('/import', {
    schema: {
      summary: `Import entries from .xlsx (request body is the file, Content-Type ${XLSX}); all rows or none`,
      tags: ['ledgers'],
      consumes: [XLSX],
      querystring: z.object({ communityId: id }),
      response: { 201: z.object({ created: z.number(), ids: z.array(z.string()) }), 400: errorBody, 404: errorBody, ...authErrors },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const { communityId } = request.query;
    service.checkCommunity(user, communityId); // before reading the file
    if (!Buffer.isBuffer(request.body)) throw new BadRequestError(`请以 ${XLSX} 上传文件 (send the .xlsx file as the request body)`);
    // The evidence zip guard first: exceljs inflates everything in memory, a bomb would take the process down.
    await checkOfficeZip(request.body, request.body.length, IMPORT_ZIP_LIMITS);
    const rows = await parseLedgerWorkbook(request.body, communityId, (names) => deps.ledgers.membersByUsername(communityId, names));
    const created = await service.importRows(user, communityId, rows, actorOf(request));
    return reply.status(201).send({ created: created.length, ids: created.map((c) => c.id) });
  });

  typed.get('/:id', {
    schema: { summary: 'One entry (masked)', tags: ['ledgers'], params: idParams, response: { 200: subject, 404: errorBody, ...authErrors } },
  }, async (request) => service.get(currentUser(request), request.params.id));

  typed.get('/:id/sensitive', {
    schema: {
      summary: 'One entry with full ID number and details (POLITICAL_LEGAL, community SECRETARY); audited',
      tags: ['ledgers'], params: idParams, response: { 200: fullSubject, 404: errorBody, ...authErrors },
    },
  }, async (request) => service.readSensitive(currentUser(request), request.params.id, actorOf(request)));

  typed.patch('/:id', {
    schema: {
      summary: 'Change an open entry; null clears a field', tags: ['ledgers'], params: idParams,
      body: z.object(editable).partial().refine((b) => Object.keys(b).length > 0, '至少修改一个字段 (change at least one field)'),
      response: { 200: subject, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
    },
  }, async (request) => service.update(currentUser(request), request.params.id, request.body, actorOf(request)));

  typed.post('/:id/close', {
    schema: {
      summary: 'Close an entry (sets endDate; entries are never deleted)', tags: ['ledgers'], params: idParams,
      body: z.object({ endDate: civilDate, reason: z.string().min(2).max(500) }),
      response: { 200: subject, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
    },
  }, async (request) => service.close(currentUser(request), request.params.id, request.body, actorOf(request)));
};

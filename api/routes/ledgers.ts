import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DISPUTE_STATUSES, LEDGER_FIELD_LABELS, LEDGER_FLAGS } from '../../domain';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import { idNumberProblem } from '../services/id-number';
import { IMPORT_BODY_LIMIT, XLSX_TYPE as XLSX } from '../services/ledger-excel';
import type { LedgerService } from '../services/ledger-service';
import {
  ledgerCategory,
  ledgerDeclaration as declaration,
  ledgerImportCheck,
  ledgerImported,
  ledgerSubject as subject,
  ledgerSubjectFull,
  member,
} from '../contract';
import { authErrors, civilDate, errorBody, id, idParams } from './schemas';

const category = z.string().regex(/^[a-z0-9-]{2,40}$/, '台账类别代码，如 drug-user（类别名称见 GET /api/ledgers/categories）');
const riskLevel = z.enum(['low', 'medium', 'high']);
const idNumber = z
  .string()
  .transform((s) => s.toUpperCase())
  .superRefine((s, ctx) => {
    const problem = idNumberProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const details = z.object({
  diagnosis: z.string().max(2000).optional(),
  drugHistory: z.string().max(2000).optional(),
  notes: z.string().max(5000).optional(),
});
const text = (field: string, max: number) => z.string().max(max, `“${LEDGER_FIELD_LABELS[field]}”不超过${max}字`);
// An empty text clears a field, so '' passes every check below.
const dateField = (field: string) =>
  z.string().refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), `“${LEDGER_FIELD_LABELS[field]}”格式应为 YYYY-MM-DD`);
/** The rulebook's ledger fields (住址, 信访诉求, 当事人, ...); an empty text clears one. */
const fields = z
  .strictObject(
    {
      address: text('address', 200),
      guardian: text('guardian', 100),
      releaseDate: dateField('releaseDate'),
      situation: text('situation', 500),
      grievance: text('grievance', 2000),
      parties: text('parties', 500),
      summary: text('summary', 2000),
      reportedOn: dateField('reportedOn'),
      location: text('location', 200),
      description: text('description', 2000),
      foundOn: dateField('foundOn'),
      measures: text('measures', 2000),
      operator: text('operator', 100),
      lastCheckedOn: dateField('lastCheckedOn'),
      status: z.string().refine(
        (v) => v === '' || Object.hasOwn(DISPUTE_STATUSES, v),
        `“化解状态”应为 ${Object.entries(DISPUTE_STATUSES)
          .map(([k, v]) => `${k}（${v}）`)
          .join('、')}`,
      ),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `不认识的台账字段 ${issue.keys.join('、')}；可填写的字段见 GET /api/ledgers/categories`
          : undefined,
    },
  )
  .partial();
const flags = z.array(z.enum(Object.keys(LEDGER_FLAGS) as [keyof typeof LEDGER_FLAGS], '标记只能是 incident-prone（易肇事肇祸）')).max(5);
const editable = {
  category,
  displayName: z.string().min(1).max(100),
  riskLevel: riskLevel.nullable(),
  responsibleUserId: id.nullable(),
  guardianLetter: z.boolean(),
  responsibilityLetter: z.boolean(),
  startDate: civilDate,
  idNumber: idNumber.nullable(),
  details: details.nullable(),
  fields,
  flags,
};
const listQuery = z.object({ communityId: id.optional(), category: category.optional(), includeClosed: z.stringbool().default(false) });

export const ledgerRoutes =
  (service: LedgerService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    app.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    typed.get(
      '/',
      {
        schema: {
          summary: 'Ledger entries in scope (sensitive fields masked)',
          tags: ['ledgers'],
          querystring: listQuery,
          response: { 200: z.array(subject), 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.list(currentUser(request), request.query),
    );

    typed.post(
      '/',
      {
        schema: {
          summary: 'Add a person or site to a ledger',
          tags: ['ledgers'],
          body: z.object({
            communityId: id,
            kind: z.enum(['PERSON', 'SITE']).optional(),
            ...editable,
            fields: fields.default({}),
            flags: flags.default([]),
            riskLevel: riskLevel.nullable().default(null),
            responsibleUserId: id.nullable().default(null),
            guardianLetter: z.boolean().default(false),
            responsibilityLetter: z.boolean().default(false),
            idNumber: idNumber.nullable().default(null),
            details: details.nullable().default(null),
          }),
          response: { 201: subject, 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(currentUser(request), request.body, actorOf(request))),
    );

    typed.get(
      '/categories',
      {
        schema: {
          summary: 'Ledger categories of the rulebook in force, with the fields their checks require (Chinese labels)',
          tags: ['ledgers'],
          response: { 200: z.array(ledgerCategory), ...authErrors },
        },
      },
      async () => service.categories(),
    );

    typed.get(
      '/workers',
      {
        schema: {
          summary: "Who can be the responsible worker (网格员) of an entry: the community's active members",
          tags: ['ledgers'],
          querystring: z.object({ communityId: id }),
          response: {
            200: z.array(member),
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => service.workers(currentUser(request), request.query.communityId),
    );

    typed.get(
      '/declarations',
      {
        schema: {
          summary: 'Declarations 本社区无此类人员/场所 of a year in scope',
          tags: ['ledgers'],
          querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100), communityId: id.optional() }),
          response: { 200: z.array(declaration), 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.declarations(currentUser(request), request.query),
    );

    typed.post(
      '/declarations',
      {
        schema: {
          summary:
            'Declare a ledger category empty for a year (本社区无此类人员/场所), with an uploaded statement (evidenceId from POST /api/evidence); audited',
          tags: ['ledgers'],
          body: z.object({
            communityId: id,
            category,
            year: z.number().int().min(2000, '年份有误').max(2100, '年份有误'),
            evidenceId: id,
            note: z.string().max(500, '说明不超过500字').nullable().default(null),
          }),
          response: { 201: declaration, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await service.declareEmpty(currentUser(request), request.body, actorOf(request))),
    );

    typed.get(
      '/export',
      {
        schema: {
          summary: 'Ledger entries as .xlsx (ID numbers masked, no details)',
          tags: ['ledgers'],
          querystring: listQuery,
          produces: [XLSX],
          // A Buffer goes out as it is (Fastify does not serialize it); the schema documents the file.
          response: { 200: z.instanceof(Buffer).describe('the .xlsx file'), 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) =>
        reply
          .type(XLSX)
          .header('content-disposition', 'attachment; filename="ledgers.xlsx"')
          .send(await service.exportWorkbook(currentUser(request), request.query)),
    );

    typed.post(
      '/import',
      {
        schema: {
          summary: `Import entries from .xlsx in the template of the export (request body is the file, Content-Type ${XLSX}); all rows or none. dryRun=true saves nothing and answers 200 with every row's problems`,
          tags: ['ledgers'],
          consumes: [XLSX],
          querystring: z.object({ communityId: id, dryRun: z.stringbool().default(false) }),
          response: {
            200: ledgerImportCheck,
            201: ledgerImported,
            400: errorBody,
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request, reply) => {
        const user = currentUser(request);
        const { communityId, dryRun } = request.query;
        if (dryRun) return reply.status(200).send(await service.checkImport(user, communityId, request.body));
        return reply.status(201).send(await service.importWorkbook(user, communityId, request.body, actorOf(request)));
      },
    );

    typed.get(
      '/:id',
      {
        schema: {
          summary: 'One entry (masked)',
          tags: ['ledgers'],
          params: idParams,
          response: { 200: subject, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.get(currentUser(request), request.params.id),
    );

    typed.get(
      '/:id/sensitive',
      {
        schema: {
          summary: 'One entry with full ID number and details (POLITICAL_LEGAL, community SECRETARY); audited',
          tags: ['ledgers'],
          params: idParams,
          response: { 200: ledgerSubjectFull, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.readSensitive(currentUser(request), request.params.id, actorOf(request)),
    );

    typed.patch(
      '/:id',
      {
        schema: {
          summary: 'Change an open entry; null clears a field',
          tags: ['ledgers'],
          params: idParams,
          body: z
            .object(editable)
            .partial()
            .refine((b) => Object.keys(b).length > 0, '至少修改一个字段 (change at least one field)'),
          response: { 200: subject, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request) => service.update(currentUser(request), request.params.id, request.body, actorOf(request)),
    );

    typed.post(
      '/:id/close',
      {
        schema: {
          summary: 'Close an entry (sets endDate; entries are never deleted)',
          tags: ['ledgers'],
          params: idParams,
          body: z.object({ endDate: civilDate, reason: z.string().min(2).max(500) }),
          response: { 200: subject, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request) => service.close(currentUser(request), request.params.id, request.body, actorOf(request)),
    );
  };

// The officials' queues: evidence awaiting review, open escalations, the
// heatmap of communities x rubric items, and the notification delivery log.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionUser } from '../../db/auth-repository';
import type { TaskRepository } from '../../db/task-repository';
import { currentUser, requireAuth, requireRole } from '../plugins/auth';
import type { TaskService } from '../services/task-service';
import { heatmapCells } from '../services/heatmap';
import { monthPeriod } from '../../domain/time/period';
import { REVIEWERS, submission, task } from './tasks';
import { authErrors, errorBody, id } from './schemas';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM (month must be YYYY-MM)');

/** The heatmap of one month (YYYY-MM): every rubric item of the year's rulebook a row, every community in scope a column. */
export async function heatmapFor(deps: { tasks: TaskRepository; service: TaskService }, user: SessionUser, month: string) {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const { start: from, end: to } = monthPeriod(y, m);
  const [rows, deducted, communities] = await Promise.all([
    deps.tasks.forWindow(user.scope, from, to), deps.tasks.deductedInWindow(user.scope, from, to), deps.tasks.communityNames(user.scope),
  ]);
  const map = heatmapCells([
    ...rows.map(({ community, ...r }) => ({ ...r, communityName: community.name })),
    // Incident deductions have no task: they colour their item's cell too.
    ...deducted.map((d) => ({ communityId: d.communityId, ruleId: d.ruleId, status: 'OVERDUE', dueAt: d.occurredAt, title: d.ruleId })),
  ], new Date());
  // The rubric's layout: every item of the year's rulebook is a row, every community in scope a column.
  const rules = deps.service.rulebookFor(y)?.rules ?? [];
  return { month, cells: map.cells, communities, items: rules.map((r) => ({ ruleId: r.id, title: r.title })) };
}

export const oversightRoutes = (deps: { tasks: TaskRepository; service: TaskService }): FastifyPluginAsync => async (app) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', requireAuth);

  typed.get('/reviews/pending', {
    onRequest: requireRole(...REVIEWERS),
    schema: { summary: 'Submissions awaiting review, oldest first, with their task and file facts', tags: ['reviews'], response: { 200: z.object({ reviews: z.array(z.object({ task, submission })) }), ...authErrors } },
  }, async (request) => ({ reviews: await deps.service.pendingReviews(currentUser(request)) }));

  typed.get('/escalations', {
    onRequest: requireRole(...REVIEWERS),
    schema: { summary: 'Escalations not yet acknowledged', tags: ['escalations'], response: { 200: z.object({ escalations: z.array(z.any()) }), ...authErrors } },
  }, async (request) => {
    const rows = await deps.tasks.openEscalations(currentUser(request).scope, 200);
    return {
      escalations: rows.map(({ obligation, ...e }) => ({
        id: e.id, level: e.level, targetRole: e.targetRole, notifiedAt: e.notifiedAt, acknowledgedAt: null, taskId: obligation.id,
        title: obligation.title, communityId: obligation.communityId, communityName: obligation.community.name,
        dueAt: obligation.dueAt, points: Number(obligation.points), periodLabel: obligation.periodLabel,
      })),
    };
  });

  typed.post('/escalations/:taskId/acknowledge', {
    onRequest: requireRole(...REVIEWERS),
    schema: { summary: 'Acknowledge the escalation of a task (it does not complete the task)', tags: ['escalations'], params: z.object({ taskId: id }), response: { 200: z.object({ acknowledged: z.boolean() }), 404: errorBody, 409: errorBody, 503: errorBody, ...authErrors } },
  }, async (request) => {
    const state = await deps.service.acknowledge(currentUser(request), request.params.taskId);
    return { acknowledged: state.acknowledged };
  });

  typed.get('/heatmap', {
    schema: {
      summary: 'Communities x rubric items for a month: on-track / due-soon / overdue / deducted', tags: ['scoreboard'],
      querystring: z.object({ month }),
      response: { 200: z.object({ month, communities: z.array(z.object({ id: z.string(), name: z.string() })), items: z.array(z.object({ ruleId: z.string(), title: z.string() })), cells: z.array(z.object({ communityId: z.string(), ruleId: z.string(), status: z.enum(['on-track', 'due-soon', 'overdue', 'deducted']) })) }), 400: errorBody, ...authErrors },
    },
  }, async (request) => heatmapFor(deps, currentUser(request), request.query.month));

  typed.get('/notifications', {
    onRequest: requireRole('POLITICAL_LEGAL', 'ADMIN'),
    schema: { summary: 'Notification delivery log (newest first); secrets are never stored here', tags: ['notifications'], response: { 200: z.object({ notifications: z.array(z.any()) }), ...authErrors } },
  }, async (request) => ({ notifications: await deps.tasks.deliveryLog(currentUser(request).townshipId, 300) }));
};

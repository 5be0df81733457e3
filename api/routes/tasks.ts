import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { TaskService } from '../services/task-service';
import { assignedTask, assignees, taskDetail, taskList, workflowState } from '../contract';
import { authErrors, errorBody, id, idParams, instant, reason } from './schemas';

const refusals = { 400: errorBody, 404: errorBody, 409: errorBody, 503: errorBody, ...authErrors };

export const taskRoutes =
  (service: TaskService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);

    typed.get(
      '/',
      {
        schema: {
          summary:
            'Tasks in scope; scope=mine keeps what still needs work (overdue first, then by deadline) and what was closed in the last 3 days',
          tags: ['tasks'],
          querystring: z.object({ scope: z.enum(['mine', 'all']).default('mine'), communityId: id.optional() }),
          response: { 200: taskList, ...authErrors },
        },
      },
      async (request) => ({ tasks: await service.list(currentUser(request), request.query) }),
    );

    typed.get(
      '/:id',
      {
        schema: {
          summary: 'A task with its rubric clause, required evidence and submissions',
          tags: ['tasks'],
          params: idParams,
          response: {
            200: taskDetail,
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => service.detail(currentUser(request), request.params.id),
    );

    typed.post(
      '/:id/submissions',
      {
        schema: {
          summary: 'Submit uploaded evidence; the task workflow accepts or refuses it',
          tags: ['tasks'],
          params: idParams,
          body: z.object({
            evidenceIds: z.array(id).min(1, '请至少选择一份已上传的证据 (at least one evidence id)').max(50),
            note: z.string().max(500).optional(),
            units: z.number().int().min(1).max(31).optional(),
          }),
          response: { 200: workflowState, ...refusals },
        },
      },
      async (request) => service.submit(currentUser(request), request.params.id, request.body),
    );

    typed.post(
      '/:id/submissions/:submissionId/review',
      {
        onRequest: allow('tasks.review'),
        schema: {
          summary: 'Approve, or reject with a reason (reopens the task)',
          tags: ['tasks'],
          params: z.object({ id, submissionId: id }),
          body: z.object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().max(500).optional() }),
          response: { 200: workflowState, ...refusals },
        },
      },
      async (request) => service.review(currentUser(request), request.params.id, request.params.submissionId, request.body),
    );

    typed.post(
      '/:id/extend',
      {
        onRequest: allow('tasks.extend'),
        schema: {
          summary: 'Extend the deadline, with a reason (audited)',
          tags: ['tasks'],
          params: idParams,
          body: z.object({ newDueAt: instant.transform((s) => new Date(s)), reason }),
          response: { 200: workflowState, ...refusals },
        },
      },
      async (request) => service.extend(currentUser(request), request.params.id, request.body),
    );

    typed.get(
      '/:id/assignees',
      {
        onRequest: allow('tasks.assign'),
        schema: {
          summary: 'Who the task may be assigned to: active staff and secretaries of its community',
          tags: ['tasks'],
          params: idParams,
          response: {
            200: assignees,
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => ({ users: await service.assignable(currentUser(request), request.params.id) }),
    );

    typed.post(
      '/:id/assign',
      {
        onRequest: allow('tasks.assign'),
        schema: {
          summary: 'Assign the task to one person of its community (null: back to all its staff); reminders go to the assignee (audited)',
          tags: ['tasks'],
          params: idParams,
          body: z.object({ assigneeId: id.nullable() }),
          response: { 200: assignedTask, ...refusals },
        },
      },
      async (request) => {
        await service.assign(currentUser(request), actorOf(request), request.params.id, request.body.assigneeId);
        return service.detail(currentUser(request), request.params.id);
      },
    );

    typed.post(
      '/:id/waive',
      {
        onRequest: allow('tasks.waive'),
        schema: {
          summary: 'Waive this period, with a reason (audited)',
          tags: ['tasks'],
          params: idParams,
          body: z.object({ reason }),
          response: { 200: workflowState, ...refusals },
        },
      },
      async (request) => service.waive(currentUser(request), request.params.id, request.body.reason),
    );
  };

// Turning a task event into deliveries: who gets it on which channel (pure
// routing from notify/), then each send through the PostgreSQL outbox so a
// retried activity never sends twice.
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { notificationWorkflowId } from '../workflows/ids';
import { deliver, planDelivery, renderFor, type Channel, type DeliveryPlan, type RoutingPolicy, type TaskEvent } from '../notify';
import type { Database } from '../db/client';
import { obligationRepository } from '../db/obligation-repository';
import { recipientDirectory } from '../db/recipient-directory';
import { postgresOutbox, queueForDigest, recordUndeliverable } from '../db/notification-outbox';
import type { RulebookStore } from '../platform/rulebook-store';
import { ESCALATION_ROLE } from './escalation-roles';
import type { NotificationRequest } from '../workflows/notification/notification-workflow';

export interface NotificationActivityDeps {
  db: Database;
  temporal: { client: Client; taskQueue: string };
  rulebooks: RulebookStore;
  channels: Readonly<Record<string, Channel>>;
  policy: RoutingPolicy;
  publicUrl: string;
}

export function createNotificationActivities(deps: NotificationActivityDeps) {
  const obligations = obligationRepository(deps.db);
  const directory = recipientDirectory(deps.db);

  const describe = (plan: DeliveryPlan) => {
    const medium = plan.attempts[0]?.medium ?? 'email';
    const message = renderFor(medium, plan.event, plan.recipient);
    const body = message.medium === 'email' ? message.text : message.medium === 'sms' ? JSON.stringify(message.params) : message.lines.join('\n');
    return { subject: message.medium === 'email' ? message.subject : undefined, body };
  };

  return {
    /** Starts the notification workflow of one event; a retry finds it started and does nothing. */
    async startNotification(request: NotificationRequest): Promise<void> {
      try {
        await deps.temporal.client.workflow.start('notificationWorkflow', {
          taskQueue: deps.temporal.taskQueue,
          workflowId: notificationWorkflowId(request.obligationKey, request.event, request.sequence),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [request],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    /** Plans the deliveries of one event; rows for the digest and for the undeliverable are written here. */
    async planNotification(request: NotificationRequest): Promise<DeliveryPlan[]> {
      const task = await obligations.findDisplay(request.obligationKey);
      if (!task) throw ApplicationFailure.nonRetryable(`obligation ${request.obligationKey} has no row`);
      const rule = deps.rulebooks.all().flatMap((r) => r.rules).find((r) => r.id === task.ruleId);
      const recipients = request.event === 'escalation'
        ? await directory.byRoles(task.communityId, [ESCALATION_ROLE[request.role ?? 'secretary']])
        : task.assigneeId
          ? [await directory.byId(task.assigneeId, task.communityId)].filter((r) => r !== undefined)
          : await directory.byRoles(task.communityId, ['STAFF']);
      const event: TaskEvent = {
        id: `${request.obligationKey}#${request.event}#${request.sequence}`,
        type: request.event,
        urgency: request.event === 'escalation' ? 'escalation' : 'routine',
        at: request.at,
        communityId: task.communityId,
        task: {
          communityName: task.community.name,
          ruleTitle: task.title,
          clause: rule?.clause ?? task.ruleId,
          period: task.periodLabel,
          deadline: task.dueAt.toISOString(),
          points: Number(task.points),
          link: `${deps.publicUrl}/#/tasks/${encodeURIComponent(task.id)}`,
          ...(request.reason ? { rejectionReason: request.reason } : {}),
          ...(request.level ? { escalationLevel: Math.min(3, request.level) as 1 | 2 | 3 } : {}),
        },
      };
      const plans = planDelivery(event, recipients, deps.policy);
      for (const plan of plans) {
        const row = { businessKey: `${event.id}|${plan.recipient.userId}`, event: event.type, userId: plan.recipient.userId, recipient: plan.recipient.name, body: describe(plan).body };
        if (plan.mode === 'unreachable') await recordUndeliverable(deps.db, { ...row, reason: '未配置可用的通知渠道 (no channel configured for this person)' });
        if (plan.mode === 'digest') await queueForDigest(deps.db, row);
      }
      return plans.filter((p) => p.mode === 'send');
    },

    /** One delivery: `deferred` tells the workflow how long to sleep (quiet hours, robot rate limits). */
    async deliverPlan(plan: DeliveryPlan): Promise<{ status: string; until?: string }> {
      const outbox = postgresOutbox(deps.db, (_key, meta) => {
        const medium = plan.attempts.find((a) => a.channelId === meta.channelId)?.medium ?? 'email';
        const message = renderFor(medium, plan.event, plan.recipient);
        const recipient = message.medium === 'email' ? message.to.join(',') : message.medium === 'sms' ? message.phoneNumbers.join(',') : meta.channelId;
        const { subject, body } = describe({ ...plan, attempts: [{ channelId: meta.channelId, medium }] });
        return { recipient, userId: plan.recipient.userId, body, ...(subject ? { subject } : {}) };
      });
      const outcome = await deliver(plan, deps.channels, outbox);
      return outcome.status === 'deferred' ? { status: 'deferred', until: outcome.until } : { status: outcome.status };
    },
  };
}

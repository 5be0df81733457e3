// Turning a task event into deliveries: who gets it on which channel (pure
// routing from notify/), then each send through the PostgreSQL outbox so a
// retried activity never sends twice.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { notificationWorkflowId } from '../workflows/ids';
import {
  InDoubtSendError,
  ROBOT_RATE_LIMITS,
  TEMPLATE_TEXTS,
  isSendError,
  buildDigests,
  deliver,
  earliestAllowedSend,
  endOfQuietHours,
  digestEventId,
  digestWindow,
  escalationBatch,
  escalationWindowEnd,
  notificationKey,
  planDelivery,
  planFor,
  renderFor,
  type DigestItem,
  type Channel,
  type DeliveryPlan,
  type EventType,
  type SmsMessage,
  type NotificationOutbox,
  type OutboundMessage,
  type RoutingPolicy,
  type SendResult,
  type TaskEvent,
} from '../notify';
import type { Database } from '../db/client';
import { obligationRepository } from '../db/obligation-repository';
import { recipientDirectory } from '../db/recipient-directory';
import {
  closeDigestRows,
  confirmDelivery,
  heldRow,
  inDoubtRows,
  markStaleSendsInDoubt,
  recentSendTimes,
  sentWithoutReceipt,
  type UnsettledRow,
  holdForEscalationBatch,
  pendingDigestRows,
  postgresOutbox,
  queueForDigest,
  recordUndeliverable,
  rowsOfEscalationBatch,
  takeIntoEscalationBatch,
} from '../db/notification-outbox';
import type { RulebookStore } from '../platform/rulebook-store';
import { ESCALATION_ROLE } from './escalation-roles';
import type { NotificationRequest } from '../workflows/notification/notification-workflow';
import type { DigestRunResult } from '../workflows/digest/digest-workflow';
import type { ReconcileResult } from '../workflows/reconcile/reconcile-workflow';
import { rolesFor } from '../domain/policy';

export interface NotificationActivityDeps {
  db: Database;
  temporal: { client: Client; taskQueue: string };
  rulebooks: RulebookStore;
  channels: Readonly<Record<string, Channel>>;
  policy: RoutingPolicy;
  publicUrl: string;
  /** Local hour (Asia/Shanghai) of officials' daily digest; 8 when not given. */
  digestHour?: number;
  /** Escalations to one person within this many minutes go out as one message (5 when not given). */
  escalationBatchMinutes?: number;
  /** An escalation moves to its next channel after this many minutes of failures there (10 when not given). */
  escalationFallbackMinutes?: number;
  /** An in-doubt SMS the provider still does not list after this many minutes is sent again (10 when not given). */
  inDoubtGraceMinutes?: number;
  /**
   * TEST FAULT INJECTION ONLY (never set by the worker): called right after a
   * provider accepted a message, before the outbox row is marked sent. Tests
   * throw here to simulate an activity that dies after the send.
   */
  testFaults?: { afterProviderAccepted?: (info: { key: string; activityAttempt: number }) => void | Promise<void> };
}

/** What an activity heartbeats once a provider has accepted (see acceptanceLedger). */
interface AcceptedDetails {
  accepted: Array<{ key: string; result: Omit<SendResult, 'acceptedAt'> & { acceptedAt: string } }>;
}

type TaskEventType = NotificationRequest['event'];

/** Row key of a notification held for the digest or undeliverable: `<eventId>|<userId>`. */
const heldRowKey = (eventId: string, userId: string) => `${eventId}|${userId}`;
const taskEventId = (obligationKey: string, type: string, sequence: string) => `${obligationKey}#${type}#${sequence}`;
/** Raised up the chain: sent at once (batched per person), never held for the digest, linked to the page where it is acknowledged. */
const isEscalation = (type: TaskEventType) => type === 'escalation' || type === 'review-overdue';

/** Every task event type (the templates are the list), so a new event needs no second edit here. */
const HELD_ROW_KEY = new RegExp(`^(.*)#(${Object.keys(TEMPLATE_TEXTS).join('|')})#([^#|]*)\\|([^|]+)$`);

/** Inverse of heldRowKey + taskEventId; user ids and sequences never contain `|` or `#`. */
export function parseHeldRowKey(key: string): { obligationKey: string; type: TaskEventType; sequence: string; userId: string } | undefined {
  const match = HELD_ROW_KEY.exec(key);
  if (!match) return undefined;
  return { obligationKey: match[1]!, type: match[2] as TaskEventType, sequence: match[3]!, userId: match[4]! };
}

/** The text kept in the row for the delivery log. */
function describeMessage(message: OutboundMessage): { subject?: string; body: string } {
  if (message.medium === 'email') return { subject: message.subject, body: message.text };
  return { body: message.medium === 'sms' ? JSON.stringify(message.params) : message.lines.join('\n') };
}

/**
 * Provider acceptances of this activity, heartbeated before the outbox row is
 * marked: Temporal hands the last heartbeat to the next attempt (failures
 * carry it), so if the activity fails after a send (database blip, worker
 * killed), the retry marks the row sent instead of leaving it "in doubt", and
 * sends nothing. Only a crash before the heartbeat reaches the server leaves a
 * row in doubt (never resent: see notify/outbox.ts).
 */
interface AcceptanceLedger {
  attempt: number;
  record(key: string, result: SendResult): void;
  repair(outbox: NotificationOutbox): Promise<void>;
}

function acceptanceLedger(): AcceptanceLedger {
  const ctx = Context.current();
  const accepted = [...((ctx.info.heartbeatDetails as AcceptedDetails | undefined)?.accepted ?? [])];
  let repaired = false;
  return {
    attempt: ctx.info.attempt,
    record(key, result) {
      accepted.push({ key, result: { ...result, acceptedAt: result.acceptedAt.toISOString() } });
      ctx.heartbeat({ accepted } satisfies AcceptedDetails);
    },
    async repair(outbox) {
      if (repaired) return;
      repaired = true;
      for (const { key, result } of accepted) await outbox.markSent(key, { ...result, acceptedAt: new Date(result.acceptedAt) });
    },
  };
}

export function createNotificationActivities(deps: NotificationActivityDeps) {
  const obligations = obligationRepository(deps.db);
  const directory = recipientDirectory(deps.db);

  async function taskEvent(request: Pick<NotificationRequest, 'obligationKey' | 'event' | 'sequence' | 'at' | 'reason' | 'level'>) {
    const task = await obligations.findDisplay(request.obligationKey);
    if (!task) return undefined;
    const rule = deps.rulebooks
      .all()
      .flatMap((r) => r.rules)
      .find((r) => r.id === task.ruleId);
    const event: TaskEvent = {
      id: taskEventId(request.obligationKey, request.event, request.sequence),
      type: request.event,
      urgency: isEscalation(request.event) ? 'escalation' : 'routine',
      ...(isEscalation(request.event) && rule?.escalation.urgent ? { urgent: true } : {}),
      at: request.at,
      communityId: task.communityId,
      task: {
        communityName: task.community.name,
        ruleTitle: task.title,
        clause: rule?.clause ?? task.ruleId,
        period: task.periodLabel,
        deadline: task.dueAt.toISOString(),
        points: Number(task.points),
        link: isEscalation(request.event) ? `${deps.publicUrl}/#/escalations` : `${deps.publicUrl}/#/tasks/${encodeURIComponent(task.id)}`,
        ...(request.reason ? { rejectionReason: request.reason } : {}),
        ...(request.level ? { escalationLevel: Math.min(3, request.level) as 1 | 2 | 3 } : {}),
      },
    };
    return { task, event };
  }

  /**
   * Sends one plan through the outbox, rendering each message once (the same
   * render is stored in the row and sent).
   */
  async function deliverOnce(plan: DeliveryPlan, ledger: AcceptanceLedger) {
    const robot = plan.attempts.find((a) => a.medium === 'robot')?.channelId;
    return robot ? oneAtATime(robot, () => deliverNow(plan, ledger)) : deliverNow(plan, ledger);
  }

  /**
   * Deliveries to one robot run one after another in this worker, so the rate
   * gate's count of recent sends and the claim of the next one cannot
   * interleave (parallel deliveries would all see 19 and all send).
   */
  const robotQueues = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(channelId: string, task: () => Promise<T>): Promise<T> {
    const previous = robotQueues.get(channelId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    robotQueues.set(channelId, settled);
    void settled.then(() => {
      if (robotQueues.get(channelId) === settled) robotQueues.delete(channelId);
    });
    return run;
  }

  async function deliverNow(plan: DeliveryPlan, ledger: AcceptanceLedger) {
    const cache = new Map<string, OutboundMessage>();
    const rendered = (channelId: string) => {
      let message = cache.get(channelId);
      if (!message) {
        const medium = plan.attempts.find((a) => a.channelId === channelId)?.medium ?? 'email';
        message = renderFor(medium, plan.event, plan.recipient);
        cache.set(channelId, message);
      }
      return message;
    };
    const outbox = postgresOutbox(deps.db, (_key, meta) => {
      const message = rendered(meta.channelId);
      const recipient =
        message.medium === 'email' ? message.to.join(',') : message.medium === 'sms' ? message.phoneNumbers.join(',') : meta.channelId;
      const { subject, body } = describeMessage(message);
      return { recipient, userId: plan.recipient.userId, body, ...(subject ? { subject } : {}) };
    });
    await ledger.repair(outbox);
    // Robot rate gates: the sends already claimed on each robot of the plan in the last minute
    // (every send claims its row first, so parallel deliveries see each other's claims).
    const robots = plan.attempts.filter((a) => a.medium === 'robot').map((a) => a.channelId);
    const recent = robots.length > 0 ? await recentSendTimes(deps.db, robots, new Date(Date.now() - 60_000)) : new Map<string, number[]>();
    return deliver(plan, deps.channels, outbox, {
      rateGate: (channel, at) => {
        const limits = channel.medium === 'robot' ? ROBOT_RATE_LIMITS[channel.provider] : undefined;
        if (!limits) return null;
        // One below each documented limit: two deliveries counting at the same instant may both go.
        const margin = limits.map((l) => ({ ...l, max: Math.max(1, l.max - 1) }));
        return new Date(earliestAllowedSend(recent.get(channel.id) ?? [], at.getTime(), margin));
      },
      render: (_plan, attempt) => rendered(attempt.channelId),
      escalationFallbackMs: (deps.escalationFallbackMinutes ?? 10) * 60_000,
      inDoubtGraceMs: (deps.inDoubtGraceMinutes ?? 10) * 60_000,
      onAccepted: async (key, result) => {
        ledger.record(key, result);
        await deps.testFaults?.afterProviderAccepted?.({ key, activityAttempt: ledger.attempt });
      },
    });
  }

  const batchWindowMs = (deps.escalationBatchMinutes ?? 5) * 60_000;
  const batchShape = (recipient: DeliveryPlan['recipient'], id: string, items: DigestItem[], at: string) =>
    escalationBatch(recipient, id, items, { at, link: `${deps.publicUrl}/#/escalations` });
  /** How a batch of this person's escalations would be routed (email or SMS: a batch spans tasks, so no robot group). */
  const batchPlanFor = (plan: DeliveryPlan) => {
    const { event, recipient } = batchShape(plan.recipient, 'probe', [], plan.event.at);
    return planFor(event, recipient, deps.policy);
  };

  /**
   * The escalations held for one person go out as one message. The delivery
   * whose own row is still untaken takes every held row of the person into a
   * batch keyed by its own event and sends it (under that key in the outbox,
   * so its retry never sends twice); a delivery whose row another batch took
   * has nothing to send.
   */
  async function deliverEscalationBatch(plan: DeliveryPlan, ledger: AcceptanceLedger): Promise<{ status: string; until?: string }> {
    const ownKey = heldRowKey(plan.event.id, plan.recipient.userId);
    const batchKey = `${plan.recipient.userId}:${plan.event.id}`;
    const owner = await takeIntoEscalationBatch(deps.db, { userId: plan.recipient.userId, ownKey, batchKey, upTo: new Date() });
    if (!owner) return { status: 'already-sent' };
    const rows = await rowsOfEscalationBatch(deps.db, batchKey);
    if (rows.length === 0) return { status: 'already-sent' }; // this batch was sent and closed by an earlier attempt
    const items: DigestItem[] = [];
    for (const row of rows) {
      const parsed = parseHeldRowKey(row.businessKey);
      const level = parsed?.type === 'escalation' ? Number(parsed.sequence) : undefined;
      const found =
        parsed && (await taskEvent({ ...parsed, event: parsed.type, at: row.createdAt.toISOString(), ...(level ? { level } : {}) }));
      if (found && !items.some((i) => i.eventId === found.event.id))
        items.push({ eventId: found.event.id, eventType: found.event.type, task: found.event.task });
    }
    const { event, recipient } = batchShape(plan.recipient, batchKey, items, new Date().toISOString());
    const batchPlan = planFor(event, recipient, deps.policy);
    const keys = rows.map((r) => r.businessKey);
    const outcome = await deliverOnce({ ...batchPlan, notBefore: event.at }, ledger);
    if (outcome.status === 'sent' || outcome.status === 'already-sent') {
      await closeDigestRows(deps.db, keys, { sent: true, digestKey: outcome.key, at: new Date() }, 'escalation-batch');
      return { status: outcome.status };
    }
    if (outcome.status === 'deferred') return { status: 'deferred', until: outcome.until };
    const reason =
      outcome.status === 'in-doubt'
        ? `升级通知发送结果不明，未重发，请核对 ${outcome.key} (batch in doubt)`
        : outcome.status === 'failed'
          ? outcome.errors.map((e) => `${e.channelId}: ${e.message}`).join('; ')
          : outcome.reason;
    await closeDigestRows(deps.db, keys, { sent: false, reason }, 'escalation-batch');
    return { status: outcome.status };
  }

  /** The SMS a row stands for: its number(s) and the template variables it stored (see describeMessage). */
  const smsOfRow = (row: UnsettledRow): SmsMessage => ({
    medium: 'sms',
    event: row.event as EventType,
    phoneNumbers: row.recipient.split(','),
    params: JSON.parse(row.body) as SmsMessage['params'],
  });
  const inDoubtGraceMs = (deps.inDoubtGraceMinutes ?? 10) * 60_000;

  /** One in-doubt row: ask the provider; confirmed, failed, resent under the same id, or left for a person. */
  async function settle(row: UnsettledRow, result: ReconcileResult, now: Date): Promise<void> {
    const channel = deps.channels[row.channel];
    if (!channel?.query) {
      result.unverifiable += 1;
      return;
    }
    const message = smsOfRow(row);
    const status = await channel.query(message, { ref: row.id, sentAt: row.createdAt });
    if (status.state !== 'not-found') {
      await confirmDelivery(deps.db, { id: row.id }, status);
      result[status.state === 'failed' ? 'failed' : 'confirmed'] += 1;
      return;
    }
    if (now.getTime() - row.inDoubtSince.getTime() < inDoubtGraceMs) return; // the provider may not list it yet
    const outbox = postgresOutbox(deps.db, () => ({ recipient: row.recipient, body: row.body }));
    const claim = await outbox.reclaim(row.businessKey);
    if (claim.state !== 'claimed') return; // a delivery settled it meanwhile
    try {
      const sent = await channel.send(message, { key: row.businessKey, ref: row.id });
      await outbox.markSent(row.businessKey, sent);
      result.resent += 1;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const failure = { message: err.message, ...(isSendError(err) && err.code ? { code: err.code } : {}) };
      if (isSendError(err) && err instanceof InDoubtSendError) await outbox.markInDoubt(row.businessKey, failure);
      else await outbox.markFailed(row.businessKey, failure, isSendError(err) ? err.permanent : false);
    }
  }

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
      const found = await taskEvent(request);
      if (!found) throw ApplicationFailure.nonRetryable(`obligation ${request.obligationKey} has no row`);
      const { task, event } = found;
      const recipients = isEscalation(request.event)
        ? await directory.byRoles(task.communityId, [
            ESCALATION_ROLE[request.role ?? (request.event === 'escalation' ? 'secretary' : 'political-legal')],
          ])
        : // Evidence waits for the community's area leaders, who review it (routed to their daily digest by default).
          request.event === 'review-requested'
          ? await directory.byRoles(task.communityId, rolesFor('notify.reviewRequested'))
          : task.assigneeId
            ? [await directory.byId(task.assigneeId, task.communityId)].filter((r) => r !== undefined)
            : await directory.byRoles(task.communityId, rolesFor('notify.unassignedReminder'));
      // A robot posts into the community's group: one post per group per event, not one per recipient.
      const posted = new Set<string>();
      const plans = planDelivery(event, recipients, deps.policy).filter((plan) => {
        const first = plan.mode === 'send' ? plan.attempts[0] : undefined;
        if (first?.medium !== 'robot') return true;
        if (posted.has(first.channelId)) return false;
        posted.add(first.channelId);
        return true;
      });
      const batchEnd = escalationWindowEnd(event.at, batchWindowMs);
      const sends: DeliveryPlan[] = [];
      for (const plan of plans) {
        const { body } = describeMessage(renderFor(plan.attempts[0]?.medium ?? 'email', plan.event, plan.recipient));
        const row = {
          businessKey: heldRowKey(event.id, plan.recipient.userId),
          event: event.type,
          userId: plan.recipient.userId,
          recipient: plan.recipient.name,
          body,
        };
        if (plan.mode === 'unreachable')
          await recordUndeliverable(deps.db, { ...row, reason: '未配置可用的通知渠道 (no channel configured for this person)' });
        if (plan.mode === 'digest') await queueForDigest(deps.db, row);
        if (plan.mode !== 'send') continue;
        if (isEscalation(event.type) && batchPlanFor(plan).mode === 'send') {
          // Held for the batch of this person's window; delivered (with the others) at the window's end.
          await holdForEscalationBatch(deps.db, row);
          sends.push({ ...plan, notBefore: batchEnd });
        } else {
          sends.push(plan);
        }
      }
      return sends;
    },

    /** One delivery: `deferred` tells the workflow how long to sleep (quiet hours, robot rate limits). */
    async deliverPlan(plan: DeliveryPlan): Promise<{ status: string; until?: string }> {
      const ledger = acceptanceLedger();
      // Quiet hours are judged when the message goes out, not when its event happened: a reminder
      // whose turn comes at 23:30 (a backlog, a retry, a rate gate) waits for the morning. Only
      // escalations the rulebook marks urgent go out at night.
      const quietEnd = plan.event.urgent ? null : endOfQuietHours(new Date(), deps.policy.quietHours);
      if (quietEnd && quietEnd.getTime() > Date.now()) return { status: 'deferred', until: quietEnd.toISOString() };
      const held =
        plan.event.type !== 'digest' && isEscalation(plan.event.type)
          ? await heldRow(deps.db, heldRowKey(plan.event.id, plan.recipient.userId))
          : null;
      if (held?.channel === 'escalation-batch') return deliverEscalationBatch(plan, ledger);
      const outcome = await deliverOnce(plan, ledger);
      return outcome.status === 'deferred' ? { status: 'deferred', until: outcome.until } : { status: outcome.status };
    },

    /**
     * Officials' daily digest: every digest row queued before today's cut-off
     * (digestHour:00 Asia/Shanghai) becomes one line of one message per
     * official, sent under the key ntf:v1:digest:digest:<user>:<day>:… so a
     * retried or re-triggered run for the same day sends nothing twice. The
     * rows are then closed as folded into that message.
     */
    async sendDailyDigests(input: { at: string }): Promise<DigestRunResult> {
      const ledger = acceptanceLedger();
      const { day, cutoff } = digestWindow(input.at, deps.digestHour ?? 8);
      const rows = await pendingDigestRows(deps.db, new Date(cutoff));
      const result: DigestRunResult = { day, officials: 0, items: 0, sent: 0, alreadySent: 0, failed: 0 };
      const keysByUser = new Map<string, string[]>();
      const plans: DeliveryPlan[] = [];
      const orphans: string[] = [];
      for (const row of rows) {
        const parsed = parseHeldRowKey(row.businessKey);
        const found = parsed && (await taskEvent({ ...parsed, event: parsed.type, at: row.createdAt.toISOString() }));
        const recipient = found && (await directory.byId(row.userId, found.task.communityId));
        if (!found || !recipient) {
          orphans.push(row.businessKey);
          continue;
        }
        // Routed as it was when queued, so buildDigests sees it in digest mode.
        plans.push({ event: found.event, recipient, mode: 'digest', notBefore: found.event.at, attempts: [] });
        keysByUser.set(row.userId, [...(keysByUser.get(row.userId) ?? []), row.businessKey]);
      }
      await closeDigestRows(deps.db, orphans, {
        sent: false,
        reason: '任务或接收人已不存在，未纳入汇总 (task or recipient no longer exists)',
      });

      // One official's transient failure (a full mailbox, a refused connection) must not hold up the others:
      // it is remembered, the loop goes on, and the activity fails at the end so that its retry revisits
      // only the rows still queued.
      let transient: unknown;
      for (const bundle of buildDigests(plans, day, { sendAt: cutoff, link: `${deps.publicUrl}/#/`, upTo: cutoff })) {
        result.officials += 1;
        result.items += bundle.event.items.length;
        const keys = keysByUser.get(bundle.recipient.userId) ?? [];
        const plan = planFor(bundle.event, bundle.recipient, deps.policy);
        let outcome: Awaited<ReturnType<typeof deliverOnce>> | { status: 'failed'; errors: Array<{ channelId: string; message: string }> };
        try {
          // The digest goes out now: it is already the scheduled hour, so quiet hours do not hold it back.
          outcome =
            plan.mode === 'send'
              ? await deliverOnce({ ...plan, notBefore: cutoff }, ledger)
              : {
                  status: 'failed' as const,
                  errors: [{ channelId: 'none', message: '未配置可用的通知渠道 (no channel configured for this person)' }],
                };
        } catch (error) {
          transient ??= error;
          continue;
        }
        if (outcome.status === 'sent' || outcome.status === 'already-sent') {
          result[outcome.status === 'sent' ? 'sent' : 'alreadySent'] += 1;
          await closeDigestRows(deps.db, keys, { sent: true, digestKey: outcome.key, at: new Date() });
        } else if (outcome.status === 'deferred') {
          // Robot rate gates do not apply (digests never go to robots); kept for completeness.
          result.deferredUntil = outcome.until;
        } else {
          result.failed += 1;
          const reason =
            outcome.status === 'in-doubt'
              ? `汇总邮件发送结果不明，未重发，请核对 ${outcome.key} (digest in doubt)`
              : outcome.status === 'failed'
                ? outcome.errors.map((e) => `${e.channelId}: ${e.message}`).join('; ')
                : outcome.reason;
          await closeDigestRows(deps.db, keys, { sent: false, reason });
        }
      }
      if (transient) throw transient;
      return result;
    },

    /**
     * The reconciliation schedule's run: sends stuck "sending" for longer than
     * any activity attempt become IN_DOUBT; every in-doubt SMS is settled by
     * asking the provider; mail and robot rows stay in doubt for a person (no
     * provider can be asked, and a second copy is worse than a visible doubt);
     * SMS sent in the last two days get their delivery receipts.
     */
    async reconcileDeliveries(input: { at: string }): Promise<ReconcileResult> {
      const now = new Date(input.at);
      const result: ReconcileResult = { markedInDoubt: 0, confirmed: 0, failed: 0, resent: 0, unverifiable: 0, receipts: 0 };
      // Longer than an activity's start-to-close (1 minute) plus its retry: a live send is never taken for a dead one.
      result.markedInDoubt = await markStaleSendsInDoubt(deps.db, new Date(now.getTime() - 5 * 60_000));
      let problem: unknown;
      for (const row of await inDoubtRows(deps.db, 200)) {
        try {
          await settle(row, result, now);
        } catch (error) {
          problem ??= error; // one provider hiccup does not stop the others; the run fails at the end and the next one retries
        }
      }
      const sms = deps.channels.sms;
      if (sms?.query) {
        for (const row of await sentWithoutReceipt(deps.db, 'sms', new Date(now.getTime() - 2 * 86_400_000), 100)) {
          try {
            const status = await sms.query(smsOfRow(row), { ref: row.id, sentAt: row.createdAt });
            if (status.state === 'delivered' || status.state === 'failed') {
              await confirmDelivery(deps.db, { id: row.id }, status);
              result.receipts += 1;
            }
          } catch (error) {
            problem ??= error;
          }
        }
      }
      if (problem) throw problem;
      return result;
    },
  };
}

/** The business key of one official's digest of one day on one channel (tests and the delivery log). */
export function digestKey(userId: string, day: string, channelId: string): string {
  return notificationKey({ id: digestEventId(userId, day), type: 'digest' }, { userId }, channelId);
}

// One rubric duty for one community and period (and subject): open, remind,
// take evidence, review, and when the deadline passes unmet record the
// deduction exactly once and escalate until someone acknowledges.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
// Only the pure duration helper: domain/index also carries the calendar library.
import { durationMs } from '../../domain/time/duration';
import { closesByAutomaticCheck, type ObligationSpec } from './spec';
import type { NotificationRequest } from '../notification/notification-workflow';
import { acknowledgeEscalationUpdate, extendDeadlineUpdate, reviewUpdate, stateQuery, submitEvidenceUpdate, waiveUpdate } from './messages';
import {
  applyReview,
  applySubmission,
  closeByCheck,
  couldBeMetOnTime,
  firstEscalationSlot,
  initialState,
  isFinished,
  isMet,
  nextEscalationSlot,
  validateAcknowledgement,
  validateExtension,
  validateReview,
  validateSubmission,
  validateWaiver,
  type ObligationState,
} from './state';

// Every obligation activity is one short, idempotent database write or read
// (milliseconds; seconds under the month-boundary burst): 20 s is ample, and a
// worker that dies mid-activity is replaced after 20 s instead of a minute.
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Writing the Obligation row is a short idempotent upsert. As a local activity
 * it completes inside the workflow's first task: no activity task and no second
 * workflow task go through the server, which halves the server's work per
 * start at the month-boundary burst (BENCHMARKS.md).
 */
const localActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Histories recorded before registration became a local activity replay the old branch. */
const REGISTER_LOCALLY = 'register-obligation-as-local-activity';
/** Histories recorded before reviewers were told of new evidence replay without the announcement. */
const ANNOUNCE_REVIEW_REQUESTS = 'announce-review-requests';
/** Histories recorded before a passed ledger check was written to the database replay without that write. */
const PERSIST_LEDGER_CHECK_CLOSE = 'persist-ledger-check-close';
/**
 * Histories recorded before the escalation cursor recomputed the schedule from
 * the deadline whenever the escalation phase started (after a continue-as-new
 * or a late review every past slot fired at once); they replay the old loop.
 */
const ESCALATION_CURSOR = 'escalation-cursor-in-state';
/** Histories recorded before the wait for a reviewer was bounded replay the unbounded wait. */
const BOUNDED_REVIEW_WAIT = 'bounded-review-wait';

/**
 * On-time evidence still unreviewed this long after the deadline: first the
 * reviewers are reminded, then the unreviewed evidence is escalated to the
 * 政法委员 as its own overdue item (the task still waits for the review).
 */
const REVIEW_WAIT_STEPS_MS = [1 * 86_400_000, 3 * 86_400_000];

const now = () => new Date();
const DAY_MS = 86_400_000;

export async function obligationWorkflow(spec: ObligationSpec, carried?: ObligationState): Promise<ObligationState> {
  let state = carried ?? initialState(spec);
  let changes = 0;
  const set = (next: ObligationState) => {
    state = next;
    changes++;
  };

  setHandler(stateQuery, () => state);
  setHandler(
    submitEvidenceUpdate,
    async (input) => {
      const at = now();
      const next = applySubmission(spec, state, input, at);
      if (next === state) return state;
      set(next); // before any await: the deadline logic sees this submission
      const pending = next.pending.find((p) => p.submissionId === input.submissionId);
      await acts.recordSubmission({
        obligationKey: spec.key,
        ...input,
        units: input.units ?? 1,
        late: pending?.late ?? at.getTime() >= Date.parse(next.dueAt),
        submittedAt: at.toISOString(),
        accepted: !spec.requiresReview,
      });
      await persistStatus();
      if (pending && patched(ANNOUNCE_REVIEW_REQUESTS)) await announce({ event: 'review-requested', sequence: input.submissionId });
      return state;
    },
    { validator: (input) => validateSubmission(spec, state, input, now()) },
  );

  setHandler(
    reviewUpdate,
    async (input) => {
      const at = now();
      set(applyReview(spec, state, input, at));
      await acts.recordReview({ obligationKey: spec.key, ...input, reviewedAt: at.toISOString() });
      if (input.decision === 'reject')
        await announce({ event: 'evidence-rejected', sequence: input.submissionId, ...(input.reason ? { reason: input.reason } : {}) });
      await persistStatus();
      return state;
    },
    { validator: (input) => validateReview(state, input) },
  );

  setHandler(
    extendDeadlineUpdate,
    async (input) => {
      set({ ...state, dueAt: new Date(Date.parse(input.newDueAt)).toISOString() });
      await acts.recordDeadlineChange({ obligationKey: spec.key, ...input, at: now().toISOString() });
      return state;
    },
    { validator: (input) => validateExtension(state, input, now()) },
  );

  setHandler(
    waiveUpdate,
    async (input) => {
      set({ ...state, status: 'WAIVED', waiverReason: input.reason, closedAt: now().toISOString() });
      await acts.recordWaiver({ obligationKey: spec.key, ...input, at: now().toISOString() });
      return state;
    },
    { validator: (input) => validateWaiver(state, input) },
  );

  setHandler(
    acknowledgeEscalationUpdate,
    async (input) => {
      set({ ...state, acknowledged: true });
      await acts.acknowledgeEscalation({ obligationKey: spec.key, level: state.escalationLevel, by: input.by, at: now().toISOString() });
      return state;
    },
    { validator: (input) => validateAcknowledgement(state, input) },
  );

  /**
   * Hands an event to its own notification workflow (started by an activity,
   * idempotently by ID): quiet hours and provider outages are waited out
   * there, never here, and this history gains one activity per event.
   */
  async function announce(request: Omit<NotificationRequest, 'obligationKey' | 'at'>) {
    await acts.startNotification({ ...request, obligationKey: spec.key, at: now().toISOString() });
  }

  async function persistStatus() {
    await acts.updateObligationStatus({
      obligationKey: spec.key,
      status: state.status,
      acceptedUnits: state.acceptedUnits,
      closedAt: state.closedAt,
    });
  }

  /** Sleeps until `at` or until any message changes the state; true when woken by a change. */
  async function waitUntil(at: number, until: () => boolean = () => false): Promise<boolean> {
    const seen = changes;
    const ms = at - Date.now();
    if (ms <= 0) return changes !== seen || until();
    return condition(() => changes !== seen || until(), ms);
  }

  /**
   * After the deadline, on-time evidence waits for a reviewer, but not silently:
   * the reviewers are reminded, then the unreviewed evidence is escalated as
   * its own overdue item. The task itself still waits for the decision.
   */
  async function waitForReviewers(decided: () => boolean) {
    while (!decided()) {
      const step = state.reviewWaitSteps ?? 0;
      const offset = REVIEW_WAIT_STEPS_MS[step];
      if (offset === undefined) {
        await condition(decided);
        return;
      }
      if (await waitUntil(Date.parse(state.dueAt) + offset, decided)) continue;
      if (step === 0) {
        await announce({ event: 'review-requested', sequence: `unreviewed-${state.dueAt}` });
      } else {
        await acts.escalateUnreviewed({ obligationKey: spec.key, role: 'political-legal', at: now().toISOString() });
        await announce({ event: 'review-overdue', sequence: state.dueAt, role: 'political-legal' });
      }
      set({ ...state, reviewWaitSteps: step + 1 });
    }
  }

  // 1. Open the period (the planner starts the workflow ahead of time).
  if (state.status === 'SCHEDULED') {
    const registration = { spec, workflowId: workflowInfo().workflowId };
    await (patched(REGISTER_LOCALLY) ? localActs : acts).registerObligation(registration);
    const noticeAt = spec.preShiftNoticeMs ? Date.parse(spec.opensAt) - spec.preShiftNoticeMs : undefined;
    if (noticeAt !== undefined && Date.now() < noticeAt) {
      await sleep(noticeAt - Date.now());
      await announce({ event: 'reminder', sequence: `shift-${spec.opensAt}` });
    }
    await sleep(Math.max(0, Date.parse(spec.opensAt) - Date.now()));
    set({ ...state, status: 'OPEN' });
    await persistStatus();
  }

  // 2. Before the deadline: remind at the rule's offsets until the work is done.
  while (!isFinished(state) && !state.deducted && Date.now() < Date.parse(state.dueAt)) {
    const reminders = spec.reminderOffsetsMs.map((offset) => Date.parse(state.dueAt) + offset).filter((t) => t > Date.now());
    const next = Math.min(reminders[0] ?? Infinity, Date.parse(state.dueAt));
    const woken = await waitUntil(next);
    if (!woken && next < Date.parse(state.dueAt) && !isFinished(state)) {
      const event = Date.parse(state.dueAt) - next <= DAY_MS ? 'due-today' : 'reminder';
      await announce({ event, sequence: new Date(next).toISOString() });
      set({ ...state, remindersSent: state.remindersSent + 1 });
    }
  }

  // 3. Deadline passed: submissions made in time but not yet reviewed still count.
  if (!isFinished(state) && !state.deducted) {
    await condition(allHandlersFinished);
    const decided = () => isFinished(state) || isMet(state) || !couldBeMetOnTime(state);
    if (patched(BOUNDED_REVIEW_WAIT)) await waitForReviewers(decided);
    else await condition(decided);
    let gaps: string[] | undefined;
    if (closesByAutomaticCheck(spec) && !isFinished(state)) {
      // An approved statement ("无此类人员") stands in for an empty ledger; every other gap counts.
      gaps = (await acts.checkLedger({ spec, at: state.dueAt, statementAccepted: state.acceptedOnTimeUnits > 0 })).gaps;
      if (gaps.length === 0) {
        set(closeByCheck(state, now()));
        // Without this the task stayed OPEN in the database, in 我的任务 and in the heatmap.
        if (patched(PERSIST_LEDGER_CHECK_CLOSE)) await persistStatus();
      }
    }
    // Met work closed above (by review or by the ledger check): whatever is still open is missed.
    if (!isFinished(state)) {
      const recorded = await acts.recordMissedDeadline({
        spec,
        dueAt: state.dueAt,
        acceptedUnits: state.acceptedUnits,
        requiredUnits: state.requiredUnits,
        recordedAt: now().toISOString(),
        ...(gaps ? { gaps } : {}),
      });
      set({ ...state, deducted: true, status: 'OVERDUE' });
      await persistStatus();
      if (recorded.created) await announce({ event: 'overdue', sequence: state.dueAt });
    }
  }

  // 4. Escalate step by step until acknowledged; meanwhile late evidence may still close the task.
  const closesAt = Date.parse(spec.acceptLateUntil);
  if (state.deducted) {
    const steps = spec.escalation.steps;
    const cursor = patched(ESCALATION_CURSOR);
    let nextAt = cursor ? firstEscalationSlot(spec, state, Date.now()) : Date.parse(state.dueAt) + durationMs(steps[0]?.wait ?? 'PT0S');
    while (!state.acknowledged && !isFinished(state) && Date.now() < closesAt && steps.length > 0) {
      // Resumes at the later of the slot and now: a slot missed while waiting fires once, now.
      if (await waitUntil(Math.min(nextAt, closesAt), () => state.acknowledged || isFinished(state))) continue;
      if (Date.now() < nextAt) continue;
      const level = state.escalationLevel + 1;
      const step = steps[Math.min(level, steps.length) - 1]!;
      await acts.escalate({ obligationKey: spec.key, level, role: step.role, at: now().toISOString() });
      if (cursor) {
        // The next slot of the schedule anchored at the deadline after now; slots already past are skipped.
        nextAt = nextEscalationSlot(spec, state.dueAt, Math.max(nextAt, Date.now()));
        set({ ...state, escalationLevel: level, nextEscalationAt: new Date(nextAt).toISOString() });
      } else {
        set({ ...state, escalationLevel: level });
      }
      await announce({ event: 'escalation', sequence: String(level), level, role: step.role });
      if (!cursor) {
        const following = steps[level];
        nextAt += durationMs(following ? following.wait : spec.escalation.repeatEvery);
      }
      if (workflowInfo().continueAsNewSuggested) return continueAfterHandlers(spec, state);
    }
  }

  // 5. Keep accepting late evidence until the assessment closes.
  await condition(() => isFinished(state) || workflowInfo().continueAsNewSuggested, Math.max(0, closesAt - Date.now()));
  if (!isFinished(state) && workflowInfo().continueAsNewSuggested) return continueAfterHandlers(spec, state);
  await condition(allHandlersFinished);
  return state;
}

/** Continue-as-new keeps long-lived histories small; in-flight updates finish first. */
async function continueAfterHandlers(spec: ObligationSpec, state: ObligationState): Promise<never> {
  await condition(allHandlersFinished);
  return continueAsNew<typeof obligationWorkflow>(spec, state);
}

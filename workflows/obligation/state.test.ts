// Property tests of the obligation state machine (state.ts): random sequences
// of submissions, reviews, extensions, waivers, the passing of time and the
// deadline, applied the way obligation-workflow.ts applies them (validate, then
// apply; a refused request changes nothing). After every step the invariants
// below must hold, whatever the order.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyReview,
  applySubmission,
  couldBeMetOnTime,
  initialState,
  isFinished,
  isMet,
  RefusedError,
  validateExtension,
  validateReview,
  validateSubmission,
  validateWaiver,
  type ObligationState,
} from './state';
import type { ObligationSpec } from './spec';

const H = 3_600_000;
const OPENS = Date.parse('2026-03-01T00:00:00.000Z');
const DUE = OPENS + 10 * 24 * H;

const specOf = (requiresReview: boolean, activitiesRequired: number): ObligationSpec => ({
  key: 'r|c|2026-03',
  ruleId: 'r',
  communityId: 'c',
  kind: 'periodic',
  section: 1,
  item: '1',
  title: 't',
  clause: 'c',
  periodKey: '2026-03',
  periodLabel: '2026年3月',
  opensAt: new Date(OPENS).toISOString(),
  dueAt: new Date(DUE).toISOString(),
  reminderOffsetsMs: [],
  activitiesRequired,
  evidence: { minCount: activitiesRequired, types: ['photo'] },
  deduction: { amount: 1, basis: 'per-period', key: 'd' },
  requiresReview,
  rulebook: { year: 2026, version: 1 },
  escalation: { name: 'standard', steps: [], repeatEvery: 'P1D' } as unknown as ObligationSpec['escalation'],
  acceptLateUntil: new Date(OPENS + 365 * 24 * H).toISOString(),
});

type Step =
  | { kind: 'submit'; id: number; units: number; files: number; community: 'c' | 'other' }
  | { kind: 'review'; pick: number; approve: boolean; reason: string }
  | { kind: 'extend'; byHours: number; reason: string }
  | { kind: 'waive'; reason: string }
  | { kind: 'wait'; hours: number }
  | { kind: 'deadline' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const),
    id: fc.integer({ min: 0, max: 6 }),
    units: fc.integer({ min: 0, max: 4 }),
    files: fc.integer({ min: 0, max: 4 }),
    community: fc.constantFrom('c' as const, 'c' as const, 'other' as const),
  }),
  fc.record({ kind: fc.constant('review' as const), pick: fc.nat(), approve: fc.boolean(), reason: fc.constantFrom('', '  ', '照片模糊') }),
  fc.record({ kind: fc.constant('extend' as const), byHours: fc.integer({ min: -48, max: 240 }), reason: fc.constantFrom('', '汛期') }),
  fc.record({ kind: fc.constant('waive' as const), reason: fc.constantFrom('', '无此类人员') }),
  fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 120 }) }),
  fc.constant({ kind: 'deadline' as const }),
);

/** One step as the workflow runs it; returns the next state and the clock. */
function run(spec: ObligationSpec, s: ObligationState, now: number, x: Step): { s: ObligationState; now: number } {
  const at = new Date(now);
  try {
    switch (x.kind) {
      case 'submit': {
        const input = {
          submissionId: `s${x.id}`,
          submittedBy: 'u',
          communityId: x.community,
          evidenceIds: Array.from({ length: x.files }, (_, i) => `e${i}`),
          units: x.units,
        };
        validateSubmission(spec, s, input, at);
        const next = applySubmission(spec, s, input, at);
        // A retried request (same submission id) is accepted again and changes nothing.
        expect(applySubmission(spec, next, input, at)).toBe(next);
        return { s: next, now };
      }
      case 'review': {
        const pending = s.pending[x.pick % Math.max(1, s.pending.length)];
        const input = {
          submissionId: pending?.submissionId ?? 'none',
          reviewerId: 'r',
          decision: x.approve ? ('approve' as const) : ('reject' as const),
          reason: x.reason,
        };
        validateReview(s, input);
        return { s: applyReview(spec, s, input, at), now };
      }
      case 'extend': {
        const input = { newDueAt: new Date(Date.parse(s.dueAt) + x.byHours * H).toISOString(), reason: x.reason, by: 'o' };
        validateExtension(s, input, at);
        return { s: { ...s, dueAt: new Date(Date.parse(input.newDueAt)).toISOString() }, now };
      }
      case 'waive':
        validateWaiver(s, { reason: x.reason, by: 'o' });
        return { s: { ...s, status: 'WAIVED', waiverReason: x.reason, closedAt: at.toISOString() }, now };
      case 'wait':
        return { s, now: now + x.hours * H };
      case 'deadline': {
        // The workflow at the deadline: what could still be met on time waits for its review; the rest is deducted once.
        const t = Math.max(now, Date.parse(s.dueAt));
        const missed = !isFinished(s) && !s.deducted && !isMet(s) && !couldBeMetOnTime(s);
        return { s: missed ? { ...s, deducted: true, status: 'OVERDUE' } : s, now: t };
      }
    }
  } catch (error) {
    if (error instanceof RefusedError) return { s, now }; // refused: nothing changes
    throw error;
  }
}

function checkInvariants(before: ObligationState, s: ObligationState): void {
  expect(s.acceptedOnTimeUnits).toBeLessThanOrEqual(s.acceptedUnits);
  expect(new Set(s.seenSubmissions).size).toBe(s.seenSubmissions.length);
  for (const p of s.pending) expect(s.seenSubmissions).toContain(p.submissionId);
  // Finished is final: nothing reopens or recounts a closed or waived period.
  if (isFinished(before)) expect(s).toEqual(before);
  // A deduction is never taken back by the workflow (only a reversal in the ledger of deductions).
  if (before.deducted) expect(s.deducted).toBe(true);
  // Work met on time is never deducted.
  if (s.deducted) expect(s.acceptedOnTimeUnits).toBeLessThan(s.requiredUnits);
  switch (s.status) {
    case 'CLOSED':
      expect(isMet(s) && !s.deducted && s.closedAt !== undefined).toBe(true);
      break;
    case 'CLOSED_LATE':
      expect(isMet(s) && s.deducted && s.closedAt !== undefined).toBe(true);
      break;
    case 'WAIVED':
      expect(s.waiverReason?.trim()).toBeTruthy();
      expect(before.deducted).toBe(false);
      break;
    case 'OVERDUE':
      expect(s.deducted && !isMet(s)).toBe(true);
      break;
    case 'SUBMITTED':
      expect(s.pending.length).toBeGreaterThan(0);
      expect(s.deducted).toBe(false);
      break;
    case 'OPEN':
      expect(s.pending).toEqual([]);
      expect(s.deducted).toBe(false);
      break;
    default:
      throw new Error(`unexpected status ${s.status}`);
  }
}

describe('obligation state machine (property tests)', () => {
  it.each([
    ['with review', true],
    ['without review', false],
  ])('keeps its invariants over any sequence of requests %s', (_label, requiresReview) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 40 }), (required, steps) => {
        const spec = specOf(requiresReview, required);
        let s: ObligationState = { ...initialState(spec), status: 'OPEN' }; // the workflow opens the period first
        let now = OPENS;
        for (const x of steps) {
          const before = s;
          ({ s, now } = run(spec, s, now, x));
          checkInvariants(before, s);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('closes on time when every unit is approved before the deadline, and is never deducted then', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 9 * 24 }), (required, hours) => {
        const spec = specOf(true, required);
        let s: ObligationState = { ...initialState(spec), status: 'OPEN' };
        let now = OPENS + hours * H;
        for (let i = 0; i < required; i++) ({ s, now } = run(spec, s, now, { kind: 'submit', id: i, units: 1, files: 1, community: 'c' }));
        ({ s, now } = run(spec, s, now, { kind: 'deadline' }));
        expect(s.deducted).toBe(false); // on-time evidence awaiting review is not deducted
        for (let i = 0; i < required; i++) ({ s, now } = run(spec, s, now, { kind: 'review', pick: 0, approve: true, reason: '' }));
        expect(s.status).toBe('CLOSED');
      }),
    );
  });
});

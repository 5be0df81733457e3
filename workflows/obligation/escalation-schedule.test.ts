// The escalation schedule is anchored at the deadline; a run that waited past
// slots resumes at the next one instead of firing the missed ones together.
import { describe, expect, it } from 'vitest';
import { firstEscalationSlot, initialState, nextEscalationSlot } from './state';
import type { ObligationSpec } from './spec';

const H = 3_600_000;
const D = 24 * H;
const dueAt = '2022-04-01T00:00:00.000Z';
const due = Date.parse(dueAt);
const spec = {
  escalation: {
    name: 'standard',
    steps: [
      { role: 'secretary', wait: 'PT0S' },
      { role: 'area-leader', wait: 'P2D' },
      { role: 'political-legal', wait: 'P3D' },
    ],
    repeatEvery: 'P1D',
  },
} as unknown as Pick<ObligationSpec, 'escalation'>;

describe('escalation slots', () => {
  it('walks the steps, then repeats', () => {
    expect(nextEscalationSlot(spec, dueAt, due - 1)).toBe(due);
    expect(nextEscalationSlot(spec, dueAt, due)).toBe(due + 2 * D);
    expect(nextEscalationSlot(spec, dueAt, due + 2 * D)).toBe(due + 5 * D);
    expect(nextEscalationSlot(spec, dueAt, due + 5 * D)).toBe(due + 6 * D);
    expect(nextEscalationSlot(spec, dueAt, due + 6 * D)).toBe(due + 7 * D);
  });

  it('skips every slot missed while waiting (48 h late, or 40 days later after a continue-as-new)', () => {
    expect(nextEscalationSlot(spec, dueAt, due + 48 * H + 1)).toBe(due + 5 * D);
    expect(nextEscalationSlot(spec, dueAt, due + 40 * D + 3 * H)).toBe(due + 41 * D);
  });

  it('never repeats faster than once a second, whatever the rulebook says', () => {
    const zero = {
      escalation: { ...spec.escalation, steps: [{ role: 'secretary', wait: 'PT0S' }], repeatEvery: 'PT0S' },
    } as unknown as Pick<ObligationSpec, 'escalation'>;
    expect(nextEscalationSlot(zero, dueAt, due + 10)).toBe(due + 1_000);
  });

  it('starts from the carried cursor; a state carried before the cursor existed resumes after now', () => {
    const state = { ...initialState({ dueAt, activitiesRequired: 1 } as ObligationSpec) };
    expect(firstEscalationSlot(spec, state, due + 10 * D)).toBe(due); // never escalated: the first slot fires (once) now
    expect(
      firstEscalationSlot(spec, { ...state, escalationLevel: 3, nextEscalationAt: new Date(due + 9 * D).toISOString() }, due + 10 * D),
    ).toBe(due + 9 * D);
    expect(firstEscalationSlot(spec, { ...state, escalationLevel: 40 }, due + 40 * D + H)).toBe(due + 41 * D);
  });
});

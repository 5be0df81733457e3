import { describe, expect, it } from 'vitest';
import { buildDigests, digestWindow } from './digest';
import { endOfQuietHours, planDelivery, planFor, reachableMedia, type RoutingPolicy } from './routing';
import { AREA_LEADER, COMMUNITY, SECRETARY, STAFF, sampleEvent } from './testing/fixtures';

const policy: RoutingPolicy = {
  quietHours: { start: '22:00', end: '07:00', enabled: true },
  available: { email: true, sms: true, robotCommunities: [COMMUNITY] },
};
// 2022-03-28 23:30 Asia/Shanghai
const NIGHT = '2022-03-28T15:30:00.000Z';

describe('quiet hours (22:00-07:00 Asia/Shanghai)', () => {
  it('delays a routine reminder to 07:00 local the next morning', () => {
    const plan = planFor(sampleEvent({ at: NIGHT }), STAFF, policy);
    expect(plan.mode).toBe('send');
    expect(plan.notBefore).toBe('2022-03-28T23:00:00.000Z'); // 07:00 on the 29th in Shanghai
  });

  it('after midnight waits until 07:00 the same local day; daytime is untouched', () => {
    expect(endOfQuietHours(new Date('2022-03-28T18:10:00Z'), policy.quietHours).toISOString()).toBe('2022-03-28T23:00:00.000Z');
    expect(endOfQuietHours(new Date('2022-03-28T23:00:00Z'), policy.quietHours).toISOString()).toBe('2022-03-28T23:00:00.000Z');
    expect(endOfQuietHours(new Date('2022-03-28T13:59:00Z'), policy.quietHours).toISOString()).toBe('2022-03-28T13:59:00.000Z');
  });

  it('lets urgent escalations through at night; other escalations wait for 07:00', () => {
    const plan = planFor(sampleEvent({ at: NIGHT, type: 'escalation', urgency: 'escalation', urgent: true }), SECRETARY, policy);
    expect(plan.notBefore).toBe(NIGHT);
    expect(plan.attempts.map((a) => a.channelId)).toEqual(['sms', 'robot:c-longquan', 'email']);
    const routine = planFor(sampleEvent({ at: NIGHT, type: 'escalation', urgency: 'escalation' }), SECRETARY, policy);
    expect(routine.notBefore).toBe(endOfQuietHours(new Date(NIGHT), policy.quietHours).toISOString());
    expect(routine.notBefore).not.toBe(NIGHT);
  });

  it('can be switched off', () => {
    const plan = planFor(sampleEvent({ at: NIGHT }), STAFF, { ...policy, quietHours: { ...policy.quietHours, enabled: false } });
    expect(plan.notBefore).toBe(NIGHT);
  });
});

describe('channel order and fallback', () => {
  it('staff: community robot first, SMS as fallback, email last', () => {
    expect(planFor(sampleEvent(), STAFF, policy).attempts).toEqual([
      { channelId: 'robot:c-longquan', medium: 'robot' },
      { channelId: 'sms', medium: 'sms' },
      { channelId: 'email', medium: 'email' },
    ]);
  });

  it('skips channels that are not configured (SMS and robots are off until set up)', () => {
    const off: RoutingPolicy = { ...policy, available: { email: true, sms: false, robotCommunities: [] } };
    // Staff with an email address are still reached when neither robot nor SMS is set up.
    expect(planFor(sampleEvent(), STAFF, off).attempts.map((a) => a.channelId)).toEqual(['email']);
    expect(planFor(sampleEvent(), { ...STAFF, email: undefined }, off)).toMatchObject({ mode: 'unreachable', attempts: [] });
    expect(reachableMedia({ ...STAFF, email: undefined }, COMMUNITY, off, 'routine')).toEqual([]);
    expect(reachableMedia(STAFF, COMMUNITY, off, 'escalation')).toEqual(['email']);
    expect(planFor(sampleEvent(), SECRETARY, off).attempts.map((a) => a.channelId)).toEqual(['email']);
  });

  it('a preferred medium goes first and the role route stays behind it as fallback', () => {
    const smsFirst = { ...STAFF, preferences: { order: ['sms' as const] } };
    expect(planFor(sampleEvent(), smsFirst, policy).attempts.map((a) => a.medium)).toEqual(['sms', 'robot', 'email']);
    // SMS not configured: the robot still carries the reminder.
    const noSms = { ...policy, available: { ...policy.available, sms: false } };
    expect(planFor(sampleEvent(), smsFirst, noSms)).toMatchObject({ mode: 'send', attempts: [{ medium: 'robot' }, { medium: 'email' }] });
  });

  it('sends each event when a digest could not be delivered (digests go by email or SMS, never to a robot)', () => {
    const robotOnly = {
      ...AREA_LEADER,
      communityId: COMMUNITY,
      preferences: { order: ['robot' as const], disabled: ['email' as const, 'sms' as const] },
    };
    expect(planFor(sampleEvent(), robotOnly, policy)).toMatchObject({ mode: 'send', attempts: [{ medium: 'robot' }] });
  });

  it('skips media the recipient cannot receive and honours preferences', () => {
    expect(planFor(sampleEvent(), { ...STAFF, mobile: undefined }, policy).attempts.map((a) => a.medium)).toEqual(['robot', 'email']);
    const prefs = { ...STAFF, preferences: { order: ['email', 'robot', 'sms'] as const, disabled: ['robot'] as const } };
    expect(
      planFor(
        sampleEvent(),
        { ...prefs, preferences: { order: [...prefs.preferences.order], disabled: [...prefs.preferences.disabled] } },
        policy,
      ).attempts.map((a) => a.medium),
    ).toEqual(['email', 'sms']);
  });

  it('officials: routine goes to the digest, escalations go out at once by SMS then email', () => {
    expect(planFor(sampleEvent(), AREA_LEADER, policy)).toMatchObject({ mode: 'digest' });
    // Evidence waiting for review reaches the area leader in the day's digest, not as one mail per submission.
    expect(planFor(sampleEvent({ type: 'review-requested' }), AREA_LEADER, policy)).toMatchObject({ mode: 'digest' });
    const esc = planFor(sampleEvent({ type: 'escalation', urgency: 'escalation' }), AREA_LEADER, policy);
    expect(esc.mode).toBe('send');
    expect(esc.attempts.map((a) => a.channelId)).toEqual(['sms', 'email']);
    expect(planFor(sampleEvent(), { ...AREA_LEADER, preferences: { digest: false } }, policy).mode).toBe('send');
  });
});

describe('buildDigests', () => {
  it('groups one local day of routine events into one message per official, most urgent first', () => {
    const other = { ...AREA_LEADER, userId: 'u-pl-1', name: '赵委员', role: 'political_legal' as const };
    const e1 = sampleEvent({ id: 'e1', at: '2022-03-28T01:00:00Z' });
    const e2 = sampleEvent({
      id: 'e2',
      type: 'overdue',
      at: '2022-03-28T09:00:00Z',
      task: { ...sampleEvent().task, deadline: '2022-03-27T16:00:00Z', points: 2 },
    });
    const nextDay = sampleEvent({ id: 'e3', at: '2022-03-28T16:30:00Z' }); // 00:30 on the 29th in Shanghai
    const plans = [
      ...planDelivery(e1, [AREA_LEADER, other, STAFF], policy),
      ...planDelivery(e2, [AREA_LEADER], policy),
      ...planDelivery(e2, [AREA_LEADER], policy), // duplicated planning
      ...planDelivery(nextDay, [AREA_LEADER], policy),
    ];
    const digests = buildDigests(plans, '2022-03-28', { sendAt: '2022-03-29T00:00:00Z', link: 'https://duban.example.gov.cn/desk' });
    expect(digests.map((d) => [d.recipient.userId, d.event.items.map((i) => i.eventId)])).toEqual([
      ['u-area-1', ['e2', 'e1']],
      ['u-pl-1', ['e1']],
    ]);
    expect(digests[0]!.event).toMatchObject({ id: 'digest:u-area-1:2022-03-28', type: 'digest', day: '2022-03-28' });
    // The digest itself is routed immediately (never back into digest mode), and not to a robot.
    const plan = planFor(digests[0]!.event, AREA_LEADER, policy);
    expect(plan.mode).toBe('send');
    expect(plan.attempts.map((a) => a.channelId)).toEqual(['email', 'sms']);
  });
});

describe('digestWindow', () => {
  it('gives the latest 08:00 Asia/Shanghai not after the run, so a run before 08:00 belongs to yesterday', () => {
    expect(digestWindow('2022-03-29T00:00:00Z', 8)).toEqual({ day: '2022-03-29', cutoff: '2022-03-29T00:00:00.000Z' }); // 08:00 local
    expect(digestWindow('2022-03-29T02:30:00Z', 8)).toEqual({ day: '2022-03-29', cutoff: '2022-03-29T00:00:00.000Z' }); // 10:30, re-trigger
    expect(digestWindow('2022-03-28T23:59:59Z', 8)).toEqual({ day: '2022-03-28', cutoff: '2022-03-28T00:00:00.000Z' }); // 07:59:59
    expect(digestWindow('2022-03-28T17:00:00Z', 0)).toEqual({ day: '2022-03-29', cutoff: '2022-03-28T16:00:00.000Z' }); // 01:00, midnight digests
  });

  it('with upTo, gathers every earlier event whatever its day (a backlog is not dropped)', () => {
    const early = sampleEvent({ id: 'old', at: '2022-03-20T01:00:00Z' });
    const late = sampleEvent({ id: 'after-cutoff', at: '2022-03-29T01:00:00Z' });
    const plans = planDelivery(early, [AREA_LEADER], policy).concat(planDelivery(late, [AREA_LEADER], policy));
    const digests = buildDigests(plans, '2022-03-29', {
      sendAt: '2022-03-29T00:00:00Z',
      link: 'https://duban.example.gov.cn/desk',
      upTo: '2022-03-29T00:00:00Z',
    });
    expect(digests.map((d) => d.event.items.map((i) => i.eventId))).toEqual([['old']]);
  });
});

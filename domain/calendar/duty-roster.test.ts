import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRulebook } from '../rulebook/parse';
import { daysOfMonth, dutySeasonOn, isInPlanningHorizon, isPastDay } from './duty-roster';

const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');

describe('duty roster days', () => {
  it('are assessed inside the flood season (05-01 to 09-30, both ends) and not outside it or in another year', () => {
    expect(dutySeasonOn(rulebook, '2022-05-01')).toEqual({
      ruleId: 'flood.duty',
      seasonId: 'flood',
      seasonName: '汛期',
      start: '05-01',
      end: '09-30',
    });
    expect(dutySeasonOn(rulebook, '2022-09-30')?.ruleId).toBe('flood.duty');
    expect(dutySeasonOn(rulebook, '2022-04-30')).toBeUndefined();
    expect(dutySeasonOn(rulebook, '2022-10-01')).toBeUndefined();
    expect(dutySeasonOn(rulebook, '2023-06-01')).toBeUndefined();
    expect(dutySeasonOn(undefined, '2022-06-01')).toBeUndefined();
  });

  it("are planned at once only for today and tomorrow (Asia/Shanghai), the nightly planner's horizon", () => {
    const lateEvening = new Date('2022-06-10T15:30:00Z'); // 23:30 on 10 June in Shanghai
    expect(isInPlanningHorizon('2022-06-10', lateEvening)).toBe(true);
    expect(isInPlanningHorizon('2022-06-11', lateEvening)).toBe(true);
    expect(isInPlanningHorizon('2022-06-12', lateEvening)).toBe(false);
    expect(isInPlanningHorizon('2022-06-09', lateEvening)).toBe(false);
    // 16:30 UTC is already the 11th in Shanghai
    expect(isInPlanningHorizon('2022-06-12', new Date('2022-06-10T16:30:00Z'))).toBe(true);
    expect(isPastDay('2022-06-10', new Date('2022-06-10T16:30:00Z'))).toBe(true);
    expect(isPastDay('2022-06-11', new Date('2022-06-10T16:30:00Z'))).toBe(false);
  });

  it('of a month are listed in order, leap days included', () => {
    expect(daysOfMonth('2024-02')).toHaveLength(29);
    expect(daysOfMonth('2022-06').slice(0, 2)).toEqual(['2022-06-01', '2022-06-02']);
    expect(daysOfMonth('2022-06').at(-1)).toBe('2022-06-30');
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRulebook } from '../rulebook/parse';
import { rulebookYaml } from '../testing/minimal-rulebook';
import { monthPeriod, yearPeriod } from '../time/period';
import { generateObligations, generateObligationsAcrossVersions } from './generate';
import { findLedgerGaps } from './ledger-gaps';
import { ledgerFieldLabel } from './ledger-fields';
import { reportingObligation } from './on-demand';
import type { LedgerSubject, ObligationInstance } from './types';

const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');
const community = { id: 'c-qinglong', name: '青龙社区' };
const year = yearPeriod(2022);
const iso = (d: Date) => d.toISOString();

function generateYear(subjects: LedgerSubject[] = [], rosters = {}): ObligationInstance[] {
  return generateObligations({ rulebook, community, subjects, rosters, from: year.start, to: year.end });
}
const ofRule = (instances: ObligationInstance[], ruleId: string) => instances.filter((i) => i.ruleId === ruleId);

describe('generateObligations for the 2022 rulebook', () => {
  const all = generateYear();

  it('owes monthly anti-fraud publicity every month, due at the end of the month, with reminders', () => {
    const fraud = ofRule(all, 'fraud.publicity');
    expect(fraud.map((i) => i.periodKey)).toEqual(Array.from({ length: 12 }, (_, m) => `2022-${String(m + 1).padStart(2, '0')}`));
    const march = fraud[2]!;
    expect(march.key).toBe('fraud.publicity|c-qinglong|2022-03');
    expect(iso(march.opensAt)).toBe('2022-02-28T16:00:00.000Z');
    expect(iso(march.dueAt)).toBe('2022-03-31T16:00:00.000Z');
    expect(march.remindAt.map(iso)).toEqual(['2022-03-24T16:00:00.000Z', '2022-03-30T16:00:00.000Z', '2022-03-31T16:00:00.000Z']);
    expect(march.deduction).toMatchObject({ amount: 1, basis: 'per-period', key: march.key });
    expect(march.escalation.steps.map((s) => s.role)).toEqual(['secretary', 'area-leader', 'political-legal']);
    expect(march.clause).toBe('每月未开展宣传、摸排相关工作，每次扣1分');
  });

  it('asks for two drug-venue patrols a month, so two sets of evidence', () => {
    const patrol = ofRule(all, 'drugs.venue-patrol')[0]!;
    expect(patrol.activitiesRequired).toBe(2);
    expect(patrol.evidence.minCount).toBe(2);
  });

  it('owes a flood-duty check-in every day of the flood season, by 09:00, assigned from the roster', () => {
    const duty = ofRule(generateYear([], { flood: { '2022-06-01': 'u-wang' } }), 'flood.duty');
    expect(duty).toHaveLength(153); // May 1 - Sep 30
    const june1 = duty.find((i) => i.periodKey === '2022-06-01')!;
    expect(june1.assigneeUserId).toBe('u-wang');
    expect(iso(june1.dueAt)).toBe('2022-06-01T01:00:00.000Z');
    expect(june1.remindAt.map(iso)).toEqual(['2022-06-01T00:00:00.000Z', '2022-06-01T01:00:00.000Z']);
    expect(june1.requiresReview).toBe(false);
  });

  it('makes one-off flood setup items due when the flood season starts', () => {
    const team = ofRule(all, 'flood.rescue-team');
    expect(team).toHaveLength(1);
    expect(team[0]!.periodKey).toBe('2022');
    expect(iso(team[0]!.dueAt)).toBe('2022-04-30T16:00:00.000Z');
    expect(iso(ofRule(all, 'general.rules-on-wall')[0]!.dueAt)).toBe(iso(year.end));
  });

  it('checks ledgers each quarter and generates no incidents or reporting on its own', () => {
    expect(ofRule(all, 'drug-users.ledger').map((i) => i.periodKey)).toEqual(['2022-Q1', '2022-Q2', '2022-Q3', '2022-Q4']);
    expect(all.filter((i) => i.kind === 'incident' || i.kind === 'reporting')).toEqual([]);
  });

  it('intensifies anti-fraud publicity in the National Day and Spring Festival windows', () => {
    expect(ofRule(all, 'fraud.holiday-publicity').map((i) => i.periodKey)).toEqual(['2022-spring-festival', '2022-national-day']);
  });

  it('owes one-on-one control reports per petitioner in every sensitive window on the ledger', () => {
    const petitioners: LedgerSubject[] = [
      { id: 'p-1', category: 'petitioner', startDate: '2020-05-01' },
      { id: 'p-2', category: 'petitioner', startDate: '2022-09-01', endDate: '2022-10-10' },
    ];
    const control = ofRule(generateYear(petitioners), 'stability.window-control');
    expect(control.map((i) => `${i.periodKey}|${i.subjectId}`)).toEqual([
      '2022-spring-festival|p-1',
      '2022-two-sessions|p-1',
      '2022-national-day|p-1',
      '2022-national-day|p-2',
      '2022-party-congress-20|p-1',
    ]);
    // Deducted once per window, whichever petitioner was not controlled.
    expect(control[2]!.deduction.key).toBe('stability.window-control|c-qinglong|2022-national-day');
    expect(control[2]!.deduction.key).toBe(control[3]!.deduction.key);
  });

  it('skips rules restricted to community tags the community lacks', () => {
    const tagged = parseRulebook(
      rulebookYaml((doc) => (doc.rules[0]!.appliesToTags = ['railway'])),
      'tagged.yaml',
    );
    const run = (tags: string[]) =>
      generateObligations({ rulebook: tagged, community: { id: 'c', tags }, from: year.start, to: year.end }).filter(
        (i) => i.ruleId === 'fraud.publicity',
      );
    expect(run([])).toHaveLength(0);
    expect(run(['railway'])).toHaveLength(12);
  });
});

describe('visits follow category and risk level from the subject start date', () => {
  const visits = (subject: LedgerSubject) => ofRule(generateYear([subject]), 'drug-users.visit');

  it('visits 轻度 quarterly, 中度 monthly, 重度 every half-month', () => {
    const base = { category: 'drug-user', startDate: '2021-06-01' } as const;
    expect(visits({ ...base, id: 'a', riskLevel: 'low' }).map((i) => i.periodKey)).toEqual(['2022-Q1', '2022-Q2', '2022-Q3', '2022-Q4']);
    expect(visits({ ...base, id: 'b', riskLevel: 'medium' })).toHaveLength(12);
    expect(visits({ ...base, id: 'c', riskLevel: 'high' })).toHaveLength(24);
    expect(visits({ ...base, id: 'd' })).toHaveLength(12); // default risk level: medium
    expect(visits({ ...base, id: 'c', riskLevel: 'high' })[0]!.key).toBe('drug-users.visit|c-qinglong|2022-01-H1|c');
  });

  it('starts in the period of the start date when enough of it remains, opening on the start date', () => {
    const [first] = visits({ id: 'e', category: 'drug-user', riskLevel: 'medium', startDate: '2022-03-10' });
    expect(first!.periodKey).toBe('2022-03');
    expect(iso(first!.opensAt)).toBe('2022-03-09T16:00:00.000Z');
  });

  it('starts next period when fewer than the grace days remain', () => {
    const [first] = visits({ id: 'f', category: 'drug-user', riskLevel: 'medium', startDate: '2022-03-28' });
    expect(first!.periodKey).toBe('2022-04');
  });

  it('stops when the subject leaves the ledger before a period ends', () => {
    const owed = visits({ id: 'g', category: 'drug-user', riskLevel: 'medium', startDate: '2021-01-01', endDate: '2022-05-20' });
    expect(owed.map((i) => i.periodKey)).toEqual(['2022-01', '2022-02', '2022-03', '2022-04']);
    const lastDay = visits({ id: 'h', category: 'drug-user', riskLevel: 'medium', startDate: '2021-01-01', endDate: '2022-05-31' });
    expect(lastDay.at(-1)!.periodKey).toBe('2022-05');
  });

  it('deducts follow-up of unresolved disputes once per month, not once per dispute', () => {
    const disputes: LedgerSubject[] = [
      { id: 'd-1', category: 'dispute', startDate: '2022-01-01' },
      { id: 'd-2', category: 'dispute', startDate: '2022-01-01' },
    ];
    const jan = ofRule(generateYear(disputes), 'mediation.follow-up').filter((i) => i.periodKey === '2022-01');
    expect(jan).toHaveLength(2);
    expect(new Set(jan.map((i) => i.deduction.key))).toEqual(new Set(['mediation.follow-up|c-qinglong|2022-01']));
  });
});

describe('rulebook versions during the year', () => {
  const v1 = parseRulebook(rulebookYaml(), 'v1.yaml');
  const v2 = parseRulebook(
    rulebookYaml((doc) => {
      doc.version = 2;
      doc.effectiveFrom = '2022-07-15';
      doc.rules[0]!.deduction = { amount: 2, basis: 'per-period' };
      // A new version's clause says 扣2分.
      Object.assign((doc.clauses as Array<Record<string, unknown>>)[0]!, { amount: 2, text: '每月未开展宣传、摸排相关工作，每次扣2分' });
    }),
    'v2.yaml',
  );

  it('applies a mid-year change only to periods that open after it', () => {
    const instances = generateObligationsAcrossVersions({ versions: [v1, v2], community, from: year.start, to: year.end }).filter(
      (i) => i.ruleId === 'fraud.publicity',
    );
    expect(instances.map((i) => `${i.periodKey}:${i.deduction.amount}`)).toEqual([
      '2022-01:1',
      '2022-02:1',
      '2022-03:1',
      '2022-04:1',
      '2022-05:1',
      '2022-06:1',
      '2022-07:1',
      '2022-08:2',
      '2022-09:2',
      '2022-10:2',
      '2022-11:2',
      '2022-12:2',
    ]);
  });
});

describe('obligations created on demand and automatic ledger checks', () => {
  it('turns a township data request into a reporting obligation with its own key and deadline', () => {
    const instance = reportingObligation(rulebook, {
      requestId: '2022-031',
      ruleId: 'general.late-submission',
      communityId: 'c-qinglong',
      title: '一季度矛盾纠纷统计表',
      openedAt: new Date('2022-03-25T01:00:00Z'),
      dueAt: new Date('2022-03-30T09:00:00Z'),
    });
    expect(instance.key).toBe('general.late-submission|c-qinglong|2022-req-2022-031');
    expect(instance.deduction).toMatchObject({ amount: 0.5, basis: 'per-occurrence', key: instance.key });
    expect(instance.remindAt.map(iso)).toEqual(['2022-03-29T09:00:00.000Z', '2022-03-30T09:00:00.000Z']);
  });

  it('finds missing fields, workers and guardian letters in a ledger', () => {
    const rule = (id: string) => rulebook.rules.find((r) => r.id === id)!;
    const patients: LedgerSubject[] = [
      {
        id: 'm-1',
        name: '李某',
        category: 'mental-illness',
        startDate: '2021-01-01',
        flags: ['incident-prone'],
        fields: { name: '李某', idNumber: '5101', address: '', guardian: '李父' },
      },
      {
        id: 'm-2',
        name: '赵某',
        category: 'mental-illness',
        startDate: '2021-01-01',
        responsibleUserId: 'u-1',
        documents: [],
        fields: { name: '赵某', idNumber: '5102', address: '一组', guardian: '赵母' },
      },
    ];
    const day = { year: 2022, month: 3, day: 31 };
    expect(findLedgerGaps(rule('mental-illness.ledger'), patients, day).map((g) => g.description)).toEqual([
      '李某：缺少“住址”',
      '李某：未落实责任人（网格员/管控人）',
    ]);
    expect(findLedgerGaps(rule('mental-illness.guardian-letter'), patients, day).map((g) => g.kind)).toEqual(['missing-document']);
    expect(findLedgerGaps(rule('hiv.ledger'), patients, day).map((g) => g.kind)).toEqual(['empty-ledger']);
  });

  it('names every field a ledger rule can require in Chinese', () => {
    const fields = new Set(rulebook.rules.flatMap((r) => r.ledger?.requiredFields ?? []));
    for (const field of fields) expect(ledgerFieldLabel(field), field).not.toBe(field);
  });

  it('passes an empty ledger declared 本社区无此类人员, and owes 一盯一 and 禁毒责任书 nothing without people or venues', () => {
    const rule = (id: string) => rulebook.rules.find((r) => r.id === id)!;
    const day = { year: 2022, month: 6, day: 30 };
    expect(findLedgerGaps(rule('stability.ledger'), [], day).map((g) => g.kind)).toEqual(['empty-ledger']);
    expect(findLedgerGaps(rule('stability.ledger'), [], day, { declaredEmpty: true })).toEqual([]);
    expect(findLedgerGaps(rule('stability.controller-assigned'), [], day)).toEqual([]);
    expect(findLedgerGaps(rule('drugs.responsibility-letter'), [], day)).toEqual([]);
    // A venue without its letter still costs the point.
    const venue: LedgerSubject = {
      id: 'v-1',
      name: '星光KTV',
      category: 'key-venue',
      startDate: '2022-01-01',
      fields: { name: '星光KTV', address: '一组' },
    };
    expect(findLedgerGaps(rule('drugs.responsibility-letter'), [venue], day).map((g) => g.description)).toEqual([
      '星光KTV：未签订禁毒责任书',
    ]);
    // A declaration does not hide people who are on the ledger.
    const petitioner: LedgerSubject = {
      id: 'p-1',
      name: '周某',
      category: 'petitioner',
      startDate: '2022-01-01',
      fields: { name: '周某', idNumber: true, address: '二组' },
    };
    expect(findLedgerGaps(rule('stability.ledger'), [petitioner], day, { declaredEmpty: true }).map((g) => g.description)).toEqual([
      '周某：缺少“信访诉求”',
    ]);
  });

  it('owes dispute follow-up only while the dispute is unresolved', () => {
    const dispute = (id: string, status: string): LedgerSubject => ({
      id,
      category: 'dispute',
      startDate: '2022-01-01',
      fields: { status },
    });
    const followUps = ofRule(
      generateYear([dispute('d-open', 'unresolved'), dispute('d-working', 'resolving'), dispute('d-done', 'resolved')]),
      'mediation.follow-up',
    );
    expect([...new Set(followUps.map((i) => i.subjectId))]).toEqual(['d-open', 'd-working']);
  });

  it('applies the 2026 railway, waterlogging and geological-hazard rules only where the community is tagged', () => {
    const rulebook2026 = parseRulebook(readFileSync(new URL('../../rulebooks/2026.yaml', import.meta.url), 'utf8'), 'rulebooks/2026.yaml');
    const y = yearPeriod(2026);
    const rulesOf = (tags: string[]) =>
      new Set(generateObligations({ rulebook: rulebook2026, community: { id: 'c', tags }, from: y.start, to: y.end }).map((i) => i.ruleId));
    const untagged = rulesOf([]);
    for (const id of ['railway.publicity', 'railway.bollards', 'flood.waterlogging-points', 'geo.inspection'])
      expect(untagged.has(id), id).toBe(false);
    expect(untagged.has('fraud.publicity')).toBe(true);
    const railway = rulesOf(['railway']);
    expect(railway.has('railway.publicity')).toBe(true);
    expect(railway.has('railway.bollards')).toBe(true);
    expect(railway.has('geo.inspection')).toBe(false);
    expect(rulesOf(['geological-hazard', 'waterlogging'])).toEqual(
      new Set([...untagged, 'geo.inspection', 'geo.evacuation-drill', 'flood.waterlogging-points']),
    );
  });

  it('refuses a rulebook tag outside the closed list', () => {
    expect(() =>
      parseRulebook(
        rulebookYaml((doc) => (doc.rules[0]!.appliesToTags = ['railroad'])),
        'bad.yaml',
      ),
    ).toThrow(/appliesToTags/);
  });
});

// ── properties ──

const categories = ['drug-user', 'mental-illness', 'dispute', 'petitioner', 'cult-member'] as const;
const dateArb = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2022-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const subjectArb = fc.record({
  category: fc.constantFrom(...categories),
  riskLevel: fc.option(fc.constantFrom('low' as const, 'medium' as const, 'high' as const), { nil: undefined }),
  startDate: dateArb,
  endDate: fc.option(dateArb, { nil: undefined }),
});
const subjectsArb = fc
  .array(subjectArb, { maxLength: 6 })
  .map((list) =>
    list.map((s, i): LedgerSubject => ({ id: `s-${i}`, ...s, ...(s.endDate && s.endDate < s.startDate ? { endDate: s.startDate } : {}) })),
  );
const instantIn2022 = fc.integer({ min: year.start.getTime(), max: year.end.getTime() }).map((t) => new Date(t));

describe('generation properties', () => {
  it('is deterministic: generating twice (subjects in any order) yields the same sorted set', () => {
    fc.assert(
      fc.property(subjectsArb, fc.boolean(), (subjects, reverse) => {
        const first = generateYear(subjects);
        const second = generateYear(reverse ? [...subjects].reverse() : subjects);
        expect(second).toEqual(first);
        expect(new Set(first.map((i) => i.key)).size).toBe(first.length);
      }),
      { numRuns: 30 },
    );
  });

  it('partitions by range: [a, m) and [m, b) together give exactly [a, b)', () => {
    fc.assert(
      fc.property(subjectsArb, instantIn2022, (subjects, middle) => {
        const input = { rulebook, community, subjects };
        const whole = generateObligations({ ...input, from: year.start, to: year.end });
        const parts = [
          ...generateObligations({ ...input, from: year.start, to: middle }),
          ...generateObligations({ ...input, from: middle, to: year.end }),
        ];
        expect(parts.map((i) => i.key).sort()).toEqual(whole.map((i) => i.key).sort());
      }),
      { numRuns: 30 },
    );
  });

  it('keeps every instance consistent: opens before due, reminders inside, March stays March', () => {
    fc.assert(
      fc.property(subjectsArb, (subjects) => {
        for (const i of generateYear(subjects)) {
          expect(i.opensAt < i.dueAt).toBe(true);
          for (const r of i.remindAt) expect(i.opensAt <= r && r <= i.dueAt).toBe(true);
        }
      }),
      { numRuns: 20 },
    );
    expect(monthPeriod(2022, 3).key).toBe('2022-03');
  });
});

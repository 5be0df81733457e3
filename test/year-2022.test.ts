// A whole assessment year for one community, on the real 2022 rulebook, with
// real workflows, activities and PostgreSQL; the time-skipping server moves
// the clock. Every obligation is done on time unless the script says
// otherwise, and the test checks the exact deductions and the final score.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities';
import { createDatabase, type Database } from '../db/client';
import { deductionStore } from '../db/deduction-store';
import { explainDeduction, incidentDeduction, scoreTownship, shanghaiDateOf, type Rulebook } from '../domain';
import { obligationWorkflowId } from '../workflows/ids';
import { acknowledgeEscalationUpdate, reviewUpdate, submitEvidenceUpdate } from '../workflows/obligation/messages';
import { testActivityDeps, testRulebooks } from './support/activity-deps';
import { createEvidence, createTestTownship, type TestTownship } from './support/fixtures';
import { createTimeSkippingEnvAt } from './support/time-skipping';

const shanghai = (iso: string) => new Date(`${iso}+08:00`);
const DAY = 86_400_000;
const dayKey = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('a year of 2022 for one community', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let worker: Worker;
  let running: Promise<void>;
  let acts: Activities;
  let rulebook: Rulebook;
  let t: TestTownship;
  const taskQueue = `year-${randomUUID().slice(0, 8)}`;
  const planner = new MockActivityEnvironment();

  beforeAll(async () => {
    env = await createTimeSkippingEnvAt(shanghai('2021-12-31T20:00:00'));
    db = createDatabase(inject('databaseUrl'));
    acts = createActivities(await testActivityDeps({ db, client: env.client, taskQueue }));
    rulebook = (await testRulebooks()).forInstant(shanghai('2022-01-01T00:00:00'))!;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: acts,
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await db?.$disconnect();
  });

  const now = async () => new Date(Number(await env.currentTimeMs()));
  const sleepUntil = async (at: Date) => {
    const ms = at.getTime() - (await now()).getTime();
    if (ms > 0) await env.sleep(ms);
  };
  /** What the daily planner schedule does for this community (run as the real activity). */
  const plan = (from: Date, to: Date) =>
    planner.run(acts.startObligations, { communityIds: [t.community.id], from: from.toISOString(), to: to.toISOString() });
  const handleOf = (key: string) => env.client.workflow.getHandle(obligationWorkflowId(key));
  const ruleOf = (ruleId: string) => rulebook.rules.find((r) => r.id === ruleId)!;

  async function submit(key: string, units: number): Promise<string> {
    const row = await db.obligation.findUniqueOrThrow({ where: { businessKey: key } });
    const files = await createEvidence(db, t.community.id, t.users.staff, ruleOf(row.ruleId).evidence.minCount * units);
    const submissionId = randomUUID();
    await handleOf(key).executeUpdate(submitEvidenceUpdate, {
      args: [{ submissionId, communityId: t.community.id, submittedBy: t.users.staff, evidenceIds: files, units }],
    });
    return submissionId;
  }
  async function review(key: string, submissionId: string, decision: 'approve' | 'reject', reason?: string) {
    const row = await db.obligation.findUniqueOrThrow({ where: { businessKey: key } });
    if (!ruleOf(row.ruleId).requiresReview) return;
    await handleOf(key).executeUpdate(reviewUpdate, {
      args: [{ submissionId, reviewerId: t.users.leader, decision, ...(reason ? { reason } : {}) }],
    });
  }

  it('deducts exactly what the scripted year deserves and no more', async () => {
    t = await createTestTownship(db, 'year');
    const C = t.community.id;
    // Ledgers at the start of the year: one key petitioner with a one-on-one controller.
    await db.ledgerSubject.create({
      data: {
        communityId: C,
        category: 'petitioner',
        kind: 'PERSON',
        displayName: '赵某',
        startDate: new Date('2022-01-01'),
        responsibleUserId: t.users.staff,
        idNumberEnc: Buffer.from('encrypted'),
        fields: { address: '清水街1号', grievance: '征地补偿' },
      },
    });
    // Flood-season roster: the staff member is on duty every day of the season.
    for (let d = new Date('2022-05-01'); d <= new Date('2022-09-30'); d = new Date(d.getTime() + DAY)) {
      await db.dutyShift.create({ data: { communityId: C, dutyDate: d, userId: t.users.staff } });
    }
    let drugUser = '';
    const key = (ruleId: string, period: string, subject?: string) => [ruleId, C, period, ...(subject ? [subject] : [])].join('|');

    // The script: everything else is done on the day it opens.
    const notAutomatic = (k: string) =>
      new Set([
        key('fraud.publicity', '2022-03'), // done late, on 5 April
        key('drugs.venue-patrol', '2022-05'), // only one patrol of the two
        key('work-safety.publicity', '2022-11'), // never done
        key('drugs.publicity', '2022-02'), // rejected, then resubmitted
        key('flood.duty', '2022-07-14'),
        key('flood.duty', '2022-08-03'), // two missed duty days
        key('drug-users.visit', '2022-06', drugUser),
        key('drug-users.visit', '2022-09-H1', drugUser), // two missed visits
      ]).has(k);
    const scripted: Record<string, () => Promise<void>> = {
      '2022-02-10': async () => {
        const s = await submit(key('drugs.publicity', '2022-02'), 1);
        await review(key('drugs.publicity', '2022-02'), s, 'reject', '照片中看不到宣传横幅');
      },
      '2022-02-20': async () => {
        const s = await submit(key('drugs.publicity', '2022-02'), 1);
        await review(key('drugs.publicity', '2022-02'), s, 'approve');
      },
      '2022-04-05': async () => {
        const s = await submit(key('fraud.publicity', '2022-03'), 1);
        await review(key('fraud.publicity', '2022-03'), s, 'approve');
      },
      '2022-05-10': async () => {
        const s = await submit(key('drugs.venue-patrol', '2022-05'), 1);
        await review(key('drugs.venue-patrol', '2022-05'), s, 'approve');
      },
      '2022-06-10': async () => {
        // A drug user joins the ledger (medium risk: monthly visits); the ledger hook plans them at once.
        const subject = await db.ledgerSubject.create({
          data: {
            communityId: C,
            category: 'drug-user',
            kind: 'PERSON',
            displayName: '钱某',
            riskLevel: 'medium',
            startDate: new Date('2022-06-10'),
            idNumberEnc: Buffer.from('encrypted'),
            fields: { address: '桃花路2号', severity: '中度' },
          },
        });
        drugUser = subject.id;
        await plan(shanghai('2022-06-10T00:00:00'), shanghai('2022-06-12T00:00:00'));
      },
      '2022-08-10': async () => {
        await db.ledgerSubject.update({ where: { id: drugUser }, data: { riskLevel: 'high' } });
      }, // half-monthly from the next period
      '2022-10-03': async () => {
        // An official records that an anomaly during the National Day window was not reported.
        const incident = incidentDeduction(ruleOf('stability.anomaly-unreported'), {
          communityId: C,
          occurrenceId: 'national-day-2022',
          description: '国庆期间赵某赴县上访，社区未及时报告挂片领导',
          recordedAt: await now(),
          recordedBy: { kind: 'official', userId: t.users.zhengfa },
        });
        await deductionStore(db).recordOnce({
          businessKey: incident.key,
          communityId: C,
          ruleId: incident.ruleId,
          section: String(incident.section),
          item: ruleOf(incident.ruleId).item,
          points: incident.amount,
          explanation: explainDeduction(incident, { rulebook }),
          recordedBy: t.users.zhengfa,
          occurredAt: incident.recordedAt,
        });
      },
    };

    const done = new Set<string>();
    await plan(shanghai('2022-01-01T00:00:00'), shanghai('2022-01-02T00:00:00'));
    // Each day at 07:30, before the 09:00 duty check-in deadline. (Not 08:00: an Update arriving in
    // the same workflow task as a firing timer trips the Java time-skipping server's history builder.)
    for (let day = shanghai('2022-01-01T07:30:00'); day < shanghai('2023-01-01T00:00:00'); day = new Date(day.getTime() + DAY)) {
      await sleepUntil(day);
      if (process.env.DUBAN_TRACE) console.log('day', dayKey(day), new Date().toISOString());
      await scripted[dayKey(day)]?.();
      // Staff do today's work; officials approve it and acknowledge yesterday's escalations.
      const open = await db.obligation.findMany({
        where: { communityId: C, status: 'OPEN', opensAt: { lte: day } },
        orderBy: { businessKey: 'asc' },
      });
      for (const row of open) {
        if (done.has(row.businessKey) || notAutomatic(row.businessKey) || row.dueAt <= day) continue;
        done.add(row.businessKey);
        if (process.env.DUBAN_TRACE) console.log('  complete', row.businessKey, new Date().toISOString());
        await review(row.businessKey, await submit(row.businessKey, row.requiredCount), 'approve');
      }
      const escalated = await db.escalation.findMany({
        where: { obligation: { communityId: C }, acknowledgedAt: null },
        include: { obligation: true },
      });
      for (const key of new Set(escalated.map((e) => e.obligation.businessKey))) {
        await handleOf(key).executeUpdate(acknowledgeEscalationUpdate, { args: [{ by: t.users.leader }] });
      }
      await plan(new Date(day.getTime() + 16.5 * 3_600_000), new Date(day.getTime() + 40.5 * 3_600_000)); // tomorrow
    }
    await sleepUntil(shanghai('2023-01-02T00:00:00'));

    const rows = await db.deduction.findMany({ where: { communityId: C }, orderBy: [{ occurredAt: 'asc' }, { businessKey: 'asc' }] });
    expect(rows.map((r) => [r.businessKey, Number(r.points)])).toEqual([
      [key('fraud.publicity', '2022-03'), 1], // evidence came on 5 April: late evidence closes the task but keeps the deduction
      [key('drugs.venue-patrol', '2022-05'), 1], // one patrol of the two required
      [key('drug-users.visit', '2022-06', drugUser), 1], // joined 10 June, not visited in June
      [key('flood.duty', '2022-07-14'), 2], // missed duty day
      [key('flood.duty', '2022-08-03'), 2], // missed duty day (the item is capped at 2 a year)
      [key('drug-users.visit', '2022-09-H1', drugUser), 1], // high risk since 10 August: half-monthly, first half of September missed
      ['stability.anomaly-unreported|' + C + '|national-day-2022', 1], // recorded by the 政法委员 on 3 October
      [key('work-safety.publicity', '2022-11'), 1], // never done
    ]);
    expect(rows.every((r) => r.explanation.length > 40)).toBe(true);

    // The rejected-then-resubmitted February publicity closed on time.
    expect((await db.obligation.findUniqueOrThrow({ where: { businessKey: key('drugs.publicity', '2022-02') } })).status).toBe('CLOSED');
    expect((await db.obligation.findUniqueOrThrow({ where: { businessKey: key('fraud.publicity', '2022-03') } })).status).toBe(
      'CLOSED_LATE',
    );
    // From 16 August the visits are half-monthly.
    expect(await db.obligation.count({ where: { communityId: C, ruleId: 'drug-users.visit', periodKey: { contains: '-H' } } })).toBe(9); // Aug H2 .. Dec H2

    const score = scoreTownship({
      rulebook,
      communityIds: [C],
      month: 12,
      rows: rows.map((r) => ({
        communityId: C,
        ruleId: r.ruleId,
        month: shanghaiDateOf(r.occurredAt).month,
        points: Number(r.points),
        count: 1,
      })),
    }).communities[0]!;
    // 100 - (1 + 1 + 1 + min(2 + 2, 2 a year) + 1 + 1 + 1) = 92
    expect(score.total).toBe(92);
  }, 1_500_000);
});

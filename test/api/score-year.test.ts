// A scripted 2022 for one community with the clauses' caps hit, played by the
// real obligation workflows and activities on the time-skipping server, then
// read through the API as officials and staff see it: GET /api/scoreboard,
// the staff 社区得分 page's route (the same route as the community's staff)
// and the Excel export must all show the hand-counted score.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { FULL_FILL, LEGEND } from '../../api/services/scoreboard-excel';
import { generateObligations } from '../../domain';
import { obligationWorkflowId } from '../../workflows/ids';
import { acknowledgeEscalationUpdate } from '../../workflows/obligation/messages';
import { toObligationSpec } from '../../workflows/obligation/spec';
import { startTimeSkippingWorker, type TimeSkippingWorker } from '../support/time-skipping';
import { testRulebooks } from '../support/activity-deps';
import { startObligation } from '../support/open-task';
import { login, seedTownship, startApi, type TestApi, type Township } from './support';

const shanghai = (iso: string) => new Date(`${iso}+08:00`);

describe('a scripted year through the API: caps hit, one score everywhere', () => {
  let api: TestApi;
  let t: Township;
  let ts: TimeSkippingWorker;

  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    ts = await startTimeSkippingWorker({ db: api.db, start: shanghai('2022-03-30T00:00:00'), label: 'score-year' });
  }, 120_000);
  afterAll(async () => {
    await ts?.stop();
    await api?.close();
  });

  it('shows 96 on the scoreboard, the staff score page and the export', async () => {
    const A = t.communityA;
    const rulebook = (await testRulebooks()).byVersion(2022, 1)!;
    // A drug user on the ledger without address or severity: the ledger is incomplete every quarter.
    await api.db.ledgerSubject.create({
      data: {
        communityId: A,
        category: 'drug-user',
        kind: 'PERSON',
        displayName: '钱某',
        riskLevel: 'medium',
        startDate: new Date('2022-01-01'),
        idNumberEnc: Buffer.from('encrypted'),
        fields: {},
      },
    });
    const subjects = [{ id: 'ledger-person', category: 'drug-user', riskLevel: 'medium' as const, startDate: '2022-01-01' }];
    const instances = generateObligations({
      rulebook,
      community: { id: A },
      subjects,
      from: shanghai('2022-01-01T00:00:00'),
      to: shanghai('2022-07-01T00:00:00'),
    });
    const wanted = instances.filter(
      (i) =>
        // Both anti-fraud parts missed in March.
        ((i.ruleId === 'fraud.publicity' || i.ruleId === 'fraud.investigation') && i.periodKey === '2022-03') ||
        // The ledger checked at the end of Q1 and of Q2.
        (i.ruleId === 'drug-users.ledger' && (i.periodKey === '2022-Q1' || i.periodKey === '2022-Q2')) ||
        // Flood duty missed on the first three days of the season.
        (i.ruleId === 'flood.duty' && ['2022-05-01', '2022-05-02', '2022-05-03'].includes(i.periodKey)),
    );
    expect(wanted.map((i) => i.key).sort()).toHaveLength(7);
    // Nobody does anything: every deadline passes and the workflows record their deductions.
    for (const instance of wanted)
      await startObligation(ts.env.client, ts.taskQueue, { ...toObligationSpec(instance, rulebook), reminderOffsetsMs: [] });
    // Officials acknowledge each escalation a little after the deadline (else it re-notifies until the year closes).
    for (const at of ['2022-04-01T00:07:00', '2022-05-01T09:07:00', '2022-05-02T09:07:00', '2022-05-03T09:07:00', '2022-07-01T00:07:00']) {
      await ts.sleepUntil(shanghai(at));
      const escalated = await api.db.escalation.findMany({
        where: { obligation: { communityId: A }, acknowledgedAt: null },
        include: { obligation: true },
      });
      for (const key of new Set(escalated.map((e) => e.obligation.businessKey))) {
        await ts.env.client.workflow
          .getHandle(obligationWorkflowId(key))
          .executeUpdate(acknowledgeEscalationUpdate, { args: [{ by: t.users.zhengfa.id }] });
      }
    }
    await ts.sleepUntil(shanghai('2022-07-02T00:00:00'));
    const deductions = await api.db.deduction.findMany({ where: { communityId: A } });
    expect(deductions.map((d) => d.ruleId).sort()).toEqual([
      'drug-users.ledger',
      'drug-users.ledger',
      'flood.duty',
      'flood.duty',
      'flood.duty',
      'fraud.investigation',
      'fraud.publicity',
    ]);

    // By hand: 100
    //   - 1  每月未开展宣传、摸排相关工作，每次扣1分: both parts missed in March, at most 1 a month
    //   - 1  未建立或台账信息不全扣1分 (涉毒人员): incomplete in Q1 and Q2, one amount: once a year
    //   - 2  未落实值班值守扣2分: three days missed (6 recorded), one amount: once a year
    //   = 96; in March alone 100 - 1 - 1 = 98.
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    const staff = await login(api.app, t.users.staffA.username);
    const july = await zhengfa.get('/api/scoreboard?year=2022&month=7');
    expect(july.statusCode, july.body).toBe(200);
    const a = july.json().communities.find((c: { id: string }) => c.id === A);
    expect(a).toMatchObject({ total: 96, ytdDeducted: 4, monthDeducted: 0, rank: 2 });
    // The drill-down gives the clauses of one community, from the same score.
    const drill = await zhengfa.get(`/api/scoreboard/communities/${A}?year=2022&month=7`);
    expect(drill.statusCode, drill.body).toBe(200);
    expect(drill.json().community).toMatchObject({ total: 96, rank: 2, totalByMonth: [100, 100, 98, 98, 96, 96, 96] });
    expect(drill.json().community.clauses).toEqual(
      expect.arrayContaining([
        { clauseId: 'fraud.monthly-work', count: 2, ytdDeducted: 1, monthDeducted: 0, full: false },
        { clauseId: 'drug-users.ledger', count: 2, ytdDeducted: 1, monthDeducted: 0, full: true },
        { clauseId: 'flood.duty', count: 3, ytdDeducted: 2, monthDeducted: 0, full: true },
      ]),
    );
    expect(
      (await zhengfa.get('/api/scoreboard?year=2022&month=3')).json().communities.find((c: { id: string }) => c.id === A),
    ).toMatchObject({ total: 98, monthDeducted: 2 });
    expect(
      (await zhengfa.get('/api/scoreboard?year=2022&month=5')).json().communities.find((c: { id: string }) => c.id === A),
    ).toMatchObject({ total: 96, monthDeducted: 2 });

    // The staff 社区得分 page reads the same route, scoped to the community.
    const own = await staff.get('/api/scoreboard?year=2022&month=7');
    expect(own.json().communities).toEqual([expect.objectContaining({ id: A, total: 96, rank: 2 })]);
    // Its deduction list shows what each row counts for after the clause's cap: 4 rows are 本项已扣满 (0), the rest add up to 4.
    const listed = await staff.get(`/api/scoreboard/deductions?year=2022&month=7&communityId=${A}`);
    expect(listed.statusCode, listed.body).toBe(200);
    const counted = (listed.json() as Array<{ counted: number | null }>).map((d) => d.counted);
    expect(counted).toHaveLength(7);
    expect(counted.filter((c) => c === 0)).toHaveLength(4);
    expect(counted.filter((c): c is number => c !== null).sort()).toEqual([0, 0, 0, 0, 1, 1, 2]);
    // The officials' 扣分记录 list carries the same count on each row (its 本项已扣满 badge reads it).
    const recorded = await zhengfa.get(`/api/deductions?communityId=${A}`);
    expect(recorded.statusCode, recorded.body).toBe(200);
    const countedById = new Map((listed.json() as Array<{ id: string; counted: number | null }>).map((d) => [d.id, d.counted]));
    const recordedRows = recorded.json() as Array<{ id: string; counted: number | null }>;
    expect(recordedRows).toHaveLength(7);
    expect(recordedRows.map((d) => [d.id, d.counted])).toEqual(recordedRows.map((d) => [d.id, countedById.get(d.id)]));

    const file = await zhengfa.get('/api/scoreboard/export?year=2022&month=7');
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    const rows = [...Array(sheet.rowCount).keys()].map((i) => sheet.getRow(i + 1));
    const col = (sheet.getRow(2).values as unknown[]).indexOf(a.name);
    expect(rows.find((r) => r.getCell(1).value === '得分')!.getCell(col).value).toBe(96);
    expect(rows.find((r) => r.getCell(1).value === '扣分合计')!.getCell(col).value).toBe(4);
    // Every clause of the rubric has its row, zero ones too.
    expect(rows.filter((r) => String(r.getCell(1).value).startsWith('第'))).toHaveLength(64);
    const flood = rows.find((r) => r.getCell(3).value === '未落实值班值守扣2分')!;
    // 本项已扣满 is a fill (it prints), explained by the legend row; a clause without points is blank.
    expect([flood.getCell(col).value, flood.getCell(col).fill]).toEqual([2, FULL_FILL]);
    expect(rows.at(-1)!.getCell(1).value).toBe(LEGEND);
    expect(LEGEND).toContain('本项已扣满');
    const clauseCells = rows.filter((r) => String(r.getCell(1).value).startsWith('第')).map((r) => r.getCell(col).value);
    expect(clauseCells.filter((v) => v !== null).reduce((x, y) => Number(x) + Number(y), 0)).toBe(4);
    expect(clauseCells.filter((v) => v === null).length).toBeGreaterThan(50);
    // The detail sheet: 7 deductions, 3 that count (1 + 1 + 2) and 4 past their clause's cap.
    const detail = wb.getWorksheet('扣分明细')!;
    const points = [...Array(detail.rowCount - 1).keys()].map((i) => detail.getRow(i + 2).getCell(7).value);
    expect(points.filter((p) => p === '本项已扣满')).toHaveLength(4);
    expect(points.filter((p): p is number => typeof p === 'number').reduce((x, y) => x + y, 0)).toBe(4);
  }, 600_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';
import { BOUNDARY, multipartBody, photo } from './evidence-samples';

describe('incident deductions, reversals, appeals and the scoreboard', () => {
  let api: TestApi;
  let t: Township;
  let zhengfa: Client;
  let leader: Client;
  let staff: Client;
  let secretary: Client;

  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    zhengfa = await login(api.app, t.users.zhengfa.username);
    leader = await login(api.app, t.users.leaderA.username);
    staff = await login(api.app, t.users.staffA.username);
    secretary = await login(api.app, t.users.secretaryA.username);
  });
  afterAll(async () => api?.close());

  const incident = (extra: object = {}) => ({
    communityId: t.communityA,
    ruleId: 'stability.petition-beijing',
    description: '张某赴京上访',
    occurredOn: '2022-03-10',
    idempotencyKey: randomUUID(),
    ...extra,
  });

  it('records an incident once: the same request again answers 200 with the same row, a changed one 409', async () => {
    const body = incident();
    const first = await zhengfa.post('/api/incidents', body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      kind: 'DEDUCTION',
      points: 5,
      section: '5',
      recordedBy: t.users.zhengfa.id,
      businessKey: `stability.petition-beijing|${t.communityA}|incident|${body.idempotencyKey}`,
    });
    const again = await zhengfa.post('/api/incidents', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect((await zhengfa.post('/api/incidents', { ...body, description: '李某赴京上访' })).statusCode).toBe(409);
    const bySeq = incident({ idempotencyKey: undefined, sequence: 1, ruleId: 'stability.petition-province' });
    expect((await leader.post('/api/incidents', bySeq)).statusCode).toBe(201);
    expect((await leader.post('/api/incidents', bySeq)).statusCode).toBe(200);
    expect((await leader.post('/api/incidents', { ...bySeq, sequence: 2 })).statusCode).toBe(201);
  });

  it('validates the description and needs a key or sequence', async () => {
    expect((await zhengfa.post('/api/incidents', incident({ description: '' }))).statusCode).toBe(400);
    const noKey = await zhengfa.post('/api/incidents', incident({ idempotencyKey: undefined }));
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().message).toContain('idempotencyKey');
  });

  it('refuses an unknown or non-incident rule and any points, section or item in the body (400 naming the valid rules), storing nothing', async () => {
    const before = await api.db.deduction.count({ where: { communityId: t.communityA } });
    const refusals = [
      [incident({ ruleId: 'safety.fire' }), 'unknown_rule'],
      [incident({ ruleId: 'general.late-submission' }), 'unknown_rule'], // a reporting rule: data requests deduct it at their deadline
      [incident({ ruleId: 'fraud.publicity' }), 'unknown_rule'], // a periodic rule
      [incident({ points: 5 }), 'rulebook_fields'],
      [incident({ points: 0.5, ruleId: 'general.late-submission' }), 'rulebook_fields'],
      [incident({ section: 5 }), 'rulebook_fields'],
      [incident({ item: '维稳工作' }), 'rulebook_fields'],
    ] as const;
    for (const [body, code] of refusals) {
      const res = await zhengfa.post('/api/incidents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error).toBe(code);
      // The refusal names the choices a person can make instead: titles with their ids.
      expect(res.json().message).toContain('进京上访（stability.petition-beijing）');
      expect(res.json().message).toContain('被县级通报（general.county-notice）');
      expect(res.json().message).not.toContain('资料报送（general.late-submission）');
    }
    expect((await zhengfa.post('/api/incidents', incident({ occurredOn: '2099-01-01' }))).json().error).toBe('future_date');
    expect((await zhengfa.post('/api/incidents', incident({ occurredOn: '2022-02-30' }))).statusCode).toBe(400);
    expect(await api.db.deduction.count({ where: { communityId: t.communityA } })).toBe(before);
  });

  it("takes the ledger person concerned only from the same community and the rule's ledger category", async () => {
    const petitioner = await api.db.ledgerSubject.create({
      data: { communityId: t.communityA, category: 'petitioner', kind: 'PERSON', displayName: '赵某', startDate: new Date('2022-01-01') },
    });
    const venue = await api.db.ledgerSubject.create({
      data: { communityId: t.communityA, category: 'key-venue', kind: 'SITE', displayName: '某KTV', startDate: new Date('2022-01-01') },
    });
    const elsewhere = await api.db.ledgerSubject.create({
      data: { communityId: t.communityB, category: 'petitioner', kind: 'PERSON', displayName: '钱某', startDate: new Date('2022-01-01') },
    });
    expect((await zhengfa.post('/api/incidents', incident({ subjectId: elsewhere.id }))).json().error).toBe('unknown_subject');
    expect((await zhengfa.post('/api/incidents', incident({ subjectId: venue.id }))).json().error).toBe('wrong_subject');
    const ok = await zhengfa.post(
      '/api/incidents',
      incident({ ruleId: 'stability.petition-province', subjectId: petitioner.id, occurredOn: '2022-04-02' }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ subjectId: petitioner.id, points: 3, section: '5', item: '维稳工作' });
    expect(ok.json().explanation).toContain('赵某');
    await zhengfa.post(`/api/deductions/${ok.json().id}/reversals`, { reason: '测试用，撤销' });
  });

  it('lists past incidents with their deductions, and the rules a form may offer', async () => {
    const list = await zhengfa.get('/api/incidents?year=2022');
    expect(list.statusCode).toBe(200);
    const rows = list.json().incidents as Array<{ ruleId: string; points: number; communityName: string; businessKey: string }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.businessKey.includes('|incident|'))).toBe(true);
    expect(rows.find((r) => r.ruleId === 'stability.petition-beijing')).toMatchObject({
      points: 5,
      communityName: expect.stringContaining('甲社区'),
    });
    expect(
      (await leader.get('/api/incidents')).json().incidents.every((r: { communityId: string }) => r.communityId === t.communityA),
    ).toBe(true);
    expect((await staff.get('/api/incidents')).statusCode).toBe(403);
    const rules = (await zhengfa.get('/api/incidents/rules?occurredOn=2022-03-10')).json().rules as Array<{
      id: string;
      title: string;
      points: number;
    }>;
    expect(rules.find((r) => r.id === 'stability.petition-beijing')).toMatchObject({ title: '进京上访', points: 5 });
    expect(rules.some((r) => r.id === 'general.late-submission')).toBe(false);
  });

  it('only officials record incidents; an area leader only for their communities (404 elsewhere)', async () => {
    expect((await staff.post('/api/incidents', incident())).statusCode).toBe(403);
    expect((await secretary.post('/api/incidents', incident())).statusCode).toBe(403);
    expect((await leader.post('/api/incidents', incident({ communityId: t.communityB }))).statusCode).toBe(404);
    expect((await zhengfa.post('/api/incidents', incident({ communityId: t.communityB, ruleId: 'fire.major-fire' }))).statusCode).toBe(201);
  });

  it('reverses a deduction once with a reason, and explains it in GET /api/deductions/:id', async () => {
    const d = (await zhengfa.post('/api/incidents', incident({ ruleId: 'food.incident' }))).json();
    expect((await staff.post(`/api/deductions/${d.id}/reversals`, { reason: '误报' })).statusCode).toBe(403);
    expect((await zhengfa.post(`/api/deductions/${d.id}/reversals`, {})).statusCode).toBe(400);
    const reversal = await zhengfa.post(`/api/deductions/${d.id}/reversals`, { reason: '经核实为误报' });
    expect(reversal.statusCode).toBe(201);
    expect(reversal.json()).toMatchObject({ kind: 'REVERSAL', reversesId: d.id, points: 2 });
    expect((await zhengfa.post(`/api/deductions/${d.id}/reversals`, { reason: '再次撤销' })).statusCode).toBe(409);
    expect((await zhengfa.post(`/api/deductions/${reversal.json().id}/reversals`, { reason: '撤销撤销' })).statusCode).toBe(400);
    const detail = (await staff.get(`/api/deductions/${d.id}`)).json();
    expect(detail).toMatchObject({
      id: d.id,
      recordedByName: `zhengfa-${t.users.zhengfa.username.split('.')[1]}`,
      reversal: { id: reversal.json().id },
      evidence: [],
      appeals: [],
    });
    expect(detail.explanation).toContain('发生食品安全事故');
    expect(await api.db.auditLog.count({ where: { action: 'deduction.reverse', entityId: d.id } })).toBe(1);
    // 扣分记录 lists both rows, and neither counts for points; a standing deduction counts what the scoreboard counts.
    const listed = (await zhengfa.get(`/api/deductions?communityId=${d.communityId}`)).json() as Array<{
      id: string;
      kind: string;
      reversedById: string | null;
      counted: number | null;
    }>;
    expect(listed.find((r) => r.id === d.id)).toMatchObject({ reversedById: reversal.json().id, counted: null });
    expect(listed.find((r) => r.id === reversal.json().id)).toMatchObject({ kind: 'REVERSAL', counted: null });
    expect(listed.filter((r) => r.kind === 'DEDUCTION' && !r.reversedById).every((r) => typeof r.counted === 'number')).toBe(true);
  });

  it('appeals: staff file, officials accept (reversing) or reject with a reason', async () => {
    const d1 = (await zhengfa.post('/api/incidents', incident({ ruleId: 'railway.endangering-act' }))).json();
    const d2 = (await zhengfa.post('/api/incidents', incident({ ruleId: 'railway.endangering-act' }))).json();
    expect((await leader.post(`/api/deductions/${d1.id}/appeals`, { reason: '不是本社区' })).statusCode).toBe(403);
    expect((await staff.post(`/api/deductions/${d1.id}/appeals`, { reason: '' })).statusCode).toBe(400);
    const a1 = await staff.post(`/api/deductions/${d1.id}/appeals`, { reason: '当事人不是本社区居民' });
    expect(a1.statusCode).toBe(201);
    expect((await secretary.post(`/api/deductions/${d1.id}/appeals`, { reason: '再次申诉' })).statusCode).toBe(409);
    const a2 = (await secretary.post(`/api/deductions/${d2.id}/appeals`, { reason: '已及时上报' })).json();

    expect((await staff.post(`/api/appeals/${a1.json().id}/decision`, { decision: 'ACCEPTED', reason: '自己批准' })).statusCode).toBe(403);
    const accepted = await leader.post(`/api/appeals/${a1.json().id}/decision`, { decision: 'ACCEPTED', reason: '核实属实' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      appeal: { status: 'ACCEPTED', decidedById: t.users.leaderA.id },
      reversal: { kind: 'REVERSAL', reversesId: d1.id },
    });
    expect((await leader.post(`/api/appeals/${a1.json().id}/decision`, { decision: 'REJECTED', reason: '改主意' })).statusCode).toBe(409);
    const rejected = await zhengfa.post(`/api/appeals/${a2.id}/decision`, { decision: 'REJECTED', reason: '证据不足' });
    expect(rejected.json()).toMatchObject({ appeal: { status: 'REJECTED', decisionReason: '证据不足' }, reversal: null });
    const pending = (await secretary.get('/api/appeals?status=ACCEPTED')).json() as Array<{ id: string }>;
    expect(pending.map((a) => a.id)).toContain(a1.json().id);
    const detail = (await staff.get(`/api/deductions/${d1.id}`)).json();
    expect(detail.appeals[0]).toMatchObject({ status: 'ACCEPTED', filedById: t.users.staffA.id });
  });

  it('appeals carry files uploaded through the evidence route: attached once, listed with the rule title, opened by the reviewer', async () => {
    const upload = async (client: Client, communityId: string, name: string, bytes: Buffer) => {
      const res = await client.request({
        method: 'POST',
        url: `/api/evidence?communityId=${communityId}`,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipartBody(name, bytes),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const d = (await zhengfa.post('/api/incidents', incident({ occurredOn: '2022-06-01' }))).json();
    const p1 = await upload(staff, t.communityA, '现场照片.jpg', await photo(41));
    const p2 = await upload(staff, t.communityA, '说明.jpg', await photo(42));
    const elsewhere = await upload(zhengfa, t.communityB, '他村.jpg', await photo(43));
    const before = await api.db.appeal.count();
    // Another community's file, or an unknown id: refused, nothing filed, nothing attached.
    for (const ids of [
      [p1, elsewhere],
      [p1, randomUUID()],
    ]) {
      const refused = await staff.post(`/api/deductions/${d.id}/appeals`, { reason: '当事人不是本社区居民', evidenceIds: ids });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'evidence_not_attachable' });
    }
    expect(await api.db.appeal.count()).toBe(before);
    expect(await api.db.evidence.count({ where: { id: { in: [p1, p2] }, appealId: { not: null } } })).toBe(0);

    const filed = await staff.post(`/api/deductions/${d.id}/appeals`, { reason: '当事人不是本社区居民', evidenceIds: [p1, p2, p1] });
    expect(filed.statusCode, filed.body).toBe(201);
    const appealId = filed.json().id as string;
    expect(await api.db.evidence.count({ where: { appealId } })).toBe(2);
    // A file handed in once cannot be handed in again (here: a second deduction's appeal).
    const d2 = (await zhengfa.post('/api/incidents', incident({ occurredOn: '2022-06-02' }))).json();
    expect((await staff.post(`/api/deductions/${d2.id}/appeals`, { reason: '同样的理由', evidenceIds: [p1] })).json()).toMatchObject({
      error: 'evidence_not_attachable',
    });

    // The reviewer's list: community, item, rule title (not its id), points, filer, and the files with links that open.
    const listed = (
      (await leader.get('/api/appeals?status=PENDING')).json() as Array<
        Record<string, unknown> & { id: string; files: Array<{ fileName: string; url: string; thumbnailUrl: string | null }> }
      >
    ).find((a) => a.id === appealId)!;
    expect(listed).toMatchObject({
      communityName: expect.any(String),
      item: '维稳工作',
      ruleTitle: '进京上访',
      points: 5,
      filedByName: expect.any(String),
      status: 'PENDING',
    });
    expect(listed.files.map((f) => f.fileName)).toEqual(['现场照片.jpg', '说明.jpg']);
    const opened = await leader.get(listed.files[0]!.url);
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['content-type']).toBe('image/jpeg');
    expect((await leader.get(listed.files[0]!.thumbnailUrl!)).statusCode).toBe(200);
    // The drill-down shows them with the appeal too.
    const detail = (await staff.get(`/api/deductions/${d.id}`)).json();
    expect(detail.appeals[0].files.map((f: { id: string }) => f.id)).toEqual([p1, p2]);
  });

  it('computes the scoreboard from active deductions and the Excel export has the same totals', async () => {
    // Community B: one 2-point fire in March (above); add one in May, one reversed in May.
    const may = await zhengfa.post(
      '/api/incidents',
      incident({ communityId: t.communityB, ruleId: 'general.county-notice', occurredOn: '2022-05-20' }),
    );
    const gone = (
      await zhengfa.post(
        '/api/incidents',
        incident({ communityId: t.communityB, ruleId: 'general.county-notice', occurredOn: '2022-05-21' }),
      )
    ).json();
    await zhengfa.post(`/api/deductions/${gone.id}/reversals`, { reason: '重复通报' });
    expect(may.statusCode).toBe(201);

    const res = await zhengfa.get('/api/scoreboard?year=2022&month=5');
    expect(res.statusCode).toBe(200);
    const board = res.json();
    expect(board).toMatchObject({ year: 2022, month: 5, baseScore: 100, rankOutOf: 2 }); // the 2022 rulebook's baseScore
    const b = board.communities.find((c: { id: string }) => c.id === t.communityB);
    expect(b).toMatchObject({ ytdDeducted: 4, monthDeducted: 2, total: 96 });
    // 被县级通报扣2分 is one amount: full for the year after one notice.
    const drill = (await zhengfa.get(`/api/scoreboard/communities/${t.communityB}?year=2022&month=5`)).json();
    expect(drill.community).toMatchObject({ ytdDeducted: 4, monthDeducted: 2, total: 96, rank: b.rank });
    expect(drill.community.items).toEqual(
      expect.arrayContaining([{ section: '7', item: '综合', ytdDeducted: 2, monthDeducted: 2, full: true }]),
    );
    const a = board.communities.find((c: { id: string }) => c.id === t.communityA);
    // A: 5 + 3 + 3 (two petitions to province) + 1 (rejected appeal); reversed ones do not count.
    expect(a.ytdDeducted).toBe(12);
    expect([a.rank, b.rank]).toEqual([2, 1]);
    const march = (await zhengfa.get('/api/scoreboard?year=2022&month=3')).json();
    expect(march.communities.find((c: { id: string }) => c.id === t.communityB).ytdDeducted).toBe(2);

    const file = await zhengfa.get('/api/scoreboard/export?year=2022&month=5');
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    const header = sheet.getRow(2).values as unknown[];
    const totals = [...Array(sheet.rowCount).keys()].map((i) => sheet.getRow(i + 1)).find((r) => r.getCell(1).value === '扣分合计')!;
    const scores = [...Array(sheet.rowCount).keys()].map((i) => sheet.getRow(i + 1)).find((r) => r.getCell(1).value === '得分')!;
    for (const c of board.communities as Array<{ name: string; ytdDeducted: number; total: number }>) {
      const col = header.indexOf(c.name);
      expect(totals.getCell(col).value).toBe(c.ytdDeducted);
      expect(scores.getCell(col).value).toBe(c.total);
    }
    // The clause rows (and the row of rules outside the rulebook) sum to the totals row.
    const itemRows = [...Array(sheet.rowCount).keys()]
      .map((i) => sheet.getRow(i + 1))
      .filter((r) => /^第|^其他$/.test(String(r.getCell(1).value)));
    const colA = header.indexOf(a.name);
    expect(itemRows.reduce((acc, r) => acc + Number(r.getCell(colA).value), 0)).toBe(12);

    // The detail sheet, read part by part community by community, says what each deduction counted for
    // exactly as the township-wide list does, grouped in the order of the first sheet's columns.
    const listed = (await zhengfa.get('/api/scoreboard/deductions?year=2022&month=5')).json() as Array<{
      communityName: string;
      ruleTitle: string;
      counted: number | null;
    }>;
    const shown = (counted: number | null) => (counted === null ? '不计分（已撤销）' : counted === 0 ? '本项已扣满' : counted);
    const detail = wb.getWorksheet('扣分明细')!;
    const lines = [...Array(detail.rowCount - 1).keys()]
      .map((i) => detail.getRow(i + 2))
      .map((r) => [1, 2, 7].map((c) => r.getCell(c).value));
    expect(lines.length).toBeGreaterThan(5);
    const key = (line: unknown[]) => JSON.stringify(line);
    expect(lines.map(key).sort()).toEqual(listed.map((d) => key([d.communityName, d.ruleTitle, shown(d.counted)])).sort());
    const columnOrder = header.slice(5) as string[];
    const order = lines.map((l) => columnOrder.indexOf(l[0] as string));
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('staff see their own community on the scoreboard, ranked township-wide', async () => {
    const board = (await staff.get('/api/scoreboard?year=2022&month=5')).json();
    expect(board.communities.map((c: { id: string }) => c.id)).toEqual([t.communityA]);
    expect(board.communities[0].rank).toBe(2);
    expect(board.rankOutOf).toBe(2);
  });
});

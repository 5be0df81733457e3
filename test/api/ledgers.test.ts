import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import pg from 'pg';
import type { LedgerEvents } from '../../api/services/ledger-events';
import { createEvidence } from '../support/fixtures';
import { LEDGER_COLUMNS } from '../../api/services/ledger-excel';
import { LEDGER_FIELD_LABELS, LEDGER_TEXT_FIELDS } from '../../domain';
import { idNumber, login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ID = idNumber('51010419900101123');

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('台账');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('ledgers (台账): encrypted sensitive fields, masking, audited full reads, close, Excel', () => {
  let api: TestApi;
  let t: Township;
  let staff: Client;
  let secretary: Client;
  const calls: string[] = [];
  const events: LedgerEvents = {
    async onSubjectAdded(s) {
      calls.push(`added:${s.displayName}`);
    },
    async onRiskLevelChanged(s, previous) {
      calls.push(`risk:${s.displayName}:${previous}->${s.riskLevel}`);
    },
    async onSubjectClosed(s) {
      calls.push(`closed:${s.displayName}`);
    },
  };

  beforeAll(async () => {
    api = await startApi({ ledgerEvents: events });
    t = await seedTownship(api.db);
    staff = await login(api.app, t.users.staffA.username);
    secretary = await login(api.app, t.users.secretaryA.username);
  });
  afterAll(async () => api?.close());

  async function addPerson(name: string, extra: object = {}) {
    const res = await staff.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'drug-user',
      kind: 'PERSON',
      displayName: name,
      riskLevel: 'medium',
      startDate: '2022-03-01',
      responsibleUserId: t.users.staffA.id,
      idNumber: ID,
      details: { diagnosis: '戒断中', drugHistory: '2019年吸食冰毒' },
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; idNumberMasked: string; hasDetails: boolean };
  }

  it('stores ID number and details as AES-256-GCM ciphertext that does not contain the plaintext', async () => {
    const created = await addPerson('张三');
    expect(created.idNumberMasked).toBe(`510***********${ID.slice(-4)}`);
    expect(created.hasDetails).toBe(true);
    expect(calls).toContain('added:张三');
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT "idNumberEnc", "detailsEnc" FROM "LedgerSubject" WHERE id = $1', [created.id]);
      const { idNumberEnc, detailsEnc } = rows[0] as { idNumberEnc: Buffer; detailsEnc: Buffer };
      for (const [enc, plain] of [
        [idNumberEnc, ID],
        [detailsEnc, '冰毒'],
        [detailsEnc, 'diagnosis'],
      ] as const) {
        expect(enc.includes(Buffer.from(plain, 'utf8'))).toBe(false);
        expect(enc.toString('latin1')).not.toContain(plain);
      }
      expect([idNumberEnc[0], idNumberEnc[1]]).toEqual([1, 1]); // format version, key id
    } finally {
      await client.end();
    }
  });

  it('masks lists and details for everyone; no detail text is listed', async () => {
    const list = await secretary.get(`/api/ledgers?communityId=${t.communityA}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(ID);
    expect(list.body).not.toContain('冰毒');
    expect(list.json()[0].idNumberMasked).toMatch(/^510\*{11}\d{3}[\dX]$/);
  });

  it('shows full values to the community secretary and political-legal, with an audit row per read', async () => {
    const { id } = await addPerson('李四');
    const res = await secretary.request({ method: 'GET', url: `/api/ledgers/${id}/sensitive`, remoteAddress: '10.1.2.3' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ idNumber: ID, details: { diagnosis: '戒断中', drugHistory: '2019年吸食冰毒' } });
    const audit = await api.db.auditLog.findMany({ where: { action: 'ledger.read_sensitive', entityId: id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: t.users.secretaryA.id, ip: '10.1.2.3', entity: 'LedgerSubject' });
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    expect((await zhengfa.get(`/api/ledgers/${id}/sensitive`)).statusCode).toBe(200);
    expect(await api.db.auditLog.count({ where: { action: 'ledger.read_sensitive', entityId: id } })).toBe(2);
  });

  it('refuses full values to staff, area leaders and the IT admin', async () => {
    const { id } = await addPerson('王五');
    for (const who of [t.users.staffA, t.users.leaderA, t.users.admin]) {
      const client = who === t.users.staffA ? staff : await login(api.app, who.username);
      const res = await client.get(`/api/ledgers/${id}/sensitive`);
      expect(res.statusCode, who.username).toBe(403);
      expect(res.body).not.toContain(ID);
    }
  });

  it('validates input: ID check digit, responsible worker of the community, category code', async () => {
    const bad = await staff.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'drug-user',
      kind: 'PERSON',
      displayName: 'x',
      startDate: '2022-01-01',
      idNumber: ID.slice(0, 17) + (ID.endsWith('0') ? '1' : '0'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('idNumber');
    const outsider = await staff.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'drug-user',
      kind: 'PERSON',
      displayName: 'x',
      startDate: '2022-01-01',
      responsibleUserId: t.users.staffB.id,
    });
    expect(outsider.statusCode).toBe(400);
    expect(outsider.json().message).toContain('责任网格员');
    const cat = await staff.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'Drug User!',
      kind: 'PERSON',
      displayName: 'x',
      startDate: '2022-01-01',
    });
    expect(cat.statusCode).toBe(400);
  });

  it('updates an entry, reporting a risk-level change to the hook', async () => {
    const { id } = await addPerson('赵六');
    const res = await staff.patch(`/api/ledgers/${id}`, { riskLevel: 'high', guardianLetter: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ riskLevel: 'high', guardianLetter: true });
    expect(calls).toContain('risk:赵六:medium->high');
    expect((await staff.patch(`/api/ledgers/${id}`, {})).statusCode).toBe(400);
  });

  it('closes an entry (secretary, not staff) by setting endDate, never deleting it', async () => {
    const { id } = await addPerson('孙七');
    expect((await staff.post(`/api/ledgers/${id}/close`, { endDate: '2022-06-30', reason: '迁出本村' })).statusCode).toBe(403);
    const closed = await secretary.post(`/api/ledgers/${id}/close`, { endDate: '2022-06-30', reason: '迁出本村' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().endDate).toBe('2022-06-30');
    expect(calls).toContain('closed:孙七');
    expect((await secretary.post(`/api/ledgers/${id}/close`, { endDate: '2022-07-01', reason: '再次' })).statusCode).toBe(409);
    expect((await staff.patch(`/api/ledgers/${id}`, { riskLevel: 'low' })).statusCode).toBe(409);
    const open = (await staff.get(`/api/ledgers?communityId=${t.communityA}`)).json() as Array<{ id: string }>;
    expect(open.some((s) => s.id === id)).toBe(false);
    const all = (await staff.get(`/api/ledgers?communityId=${t.communityA}&includeClosed=true`)).json() as Array<{ id: string }>;
    expect(all.some((s) => s.id === id)).toBe(true);
    expect(await api.db.ledgerSubject.count({ where: { id } })).toBe(1);
  });

  it('imports an .xlsx all-or-nothing, naming the row and column of each problem', async () => {
    const header = ['类别', '类型', '姓名或名称', '风险等级', '身份证号', '责任网格员', '监护责任书', '责任书', '开始日期', '诊断'];
    const before = await api.db.ledgerSubject.count({ where: { communityId: t.communityA } });
    const bad = await workbook([
      header,
      [
        'mental-illness',
        '人员',
        '周八',
        '高',
        idNumber('51010419800202456'),
        t.users.staffA.username,
        '是',
        '否',
        '2022-01-05',
        '精神分裂症',
      ],
      ['mental-illness', '人员', '吴九', '极高', '510104198002024560', 'someone-else', '也许', '否', '2022-01-05', ''],
    ]);
    const rejected = await staff.request({
      method: 'POST',
      url: `/api/ledgers/import?communityId=${t.communityA}`,
      payload: bad,
      headers: { 'content-type': XLSX },
    });
    expect(rejected.statusCode).toBe(400);
    const message = rejected.json().message as string;
    for (const part of ['第3行「风险等级」', '第3行「身份证号」', '第3行「责任网格员」', '第3行「监护责任书」'])
      expect(message).toContain(part);
    expect(message).not.toContain('第2行');
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityA } })).toBe(before);

    const good = await workbook([
      header,
      [
        'mental-illness',
        '人员',
        '周八',
        '高',
        idNumber('51010419800202456'),
        t.users.staffA.username,
        '是',
        '否',
        '2022-01-05',
        '精神分裂症',
      ],
      ['key-venue', '场所', '夜色KTV', '', '', '', '否', '是', new Date(Date.UTC(2022, 1, 1)), ''],
    ]);
    const imported = await staff.request({
      method: 'POST',
      url: `/api/ledgers/import?communityId=${t.communityA}`,
      payload: good,
      headers: { 'content-type': XLSX },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().created).toBe(2);
    expect(calls).toEqual(expect.arrayContaining(['added:周八', 'added:夜色KTV']));
    const venue = await api.db.ledgerSubject.findFirstOrThrow({ where: { communityId: t.communityA, displayName: '夜色KTV' } });
    expect(venue).toMatchObject({ kind: 'SITE', responsibilityLetter: true });
    expect(venue.startDate.toISOString().slice(0, 10)).toBe('2022-02-01');

    const notXlsx = await staff.request({
      method: 'POST',
      url: `/api/ledgers/import?communityId=${t.communityA}`,
      payload: Buffer.from('hello'),
      headers: { 'content-type': XLSX },
    });
    expect(notXlsx.statusCode).toBe(400);
  });

  it('exports an .xlsx with masked ID numbers only', async () => {
    const res = await staff.get(`/api/ledgers/export?communityId=${t.communityA}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const values = wb.worksheets[0]!.getSheetValues().flat().map(String);
    expect(values).toContain('张三');
    expect(values.some((v) => v.includes(ID))).toBe(false);
    expect(values).toContain(`510***********${ID.slice(-4)}`);
  });

  it('sets every field the completeness check needs, and says what is wrong in Chinese', async () => {
    const created = await secretary.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'dispute',
      displayName: '张王两家宅基地纠纷',
      startDate: '2022-03-01',
      fields: { parties: '张某、王某', summary: '宅基地界址争议', reportedOn: '2022-03-01', status: 'unresolved' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ kind: 'PERSON', fields: { parties: '张某、王某', status: 'unresolved' } });
    const id = created.json().id as string;
    // A patch merges: 住址 added, the rest kept; an empty text clears one.
    const patched = await secretary.patch(`/api/ledgers/${id}`, { fields: { status: 'resolved', summary: '' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().fields).toEqual({ parties: '张某、王某', reportedOn: '2022-03-01', status: 'resolved' });
    const row = await api.db.ledgerSubject.findUniqueOrThrow({ where: { id } });
    expect(row.fields).toEqual({ parties: '张某、王某', reportedOn: '2022-03-01', status: 'resolved' });

    const badStatus = await secretary.patch(`/api/ledgers/${id}`, { fields: { status: 'done' } });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().message).toContain('“化解状态”应为');
    const unknownField = await secretary.patch(`/api/ledgers/${id}`, { fields: { favouriteColour: 'red' } });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().message).toContain('不认识的台账字段');
    const badDate = await secretary.patch(`/api/ledgers/${id}`, { fields: { reportedOn: '3月1日' } });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().message).toContain('“排查日期”格式应为 YYYY-MM-DD');
    const unknownCategory = await secretary.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'alien',
      displayName: 'x',
      startDate: '2022-01-01',
    });
    expect(unknownCategory.statusCode).toBe(400);
    expect(unknownCategory.json().message).toContain('未知的台账类别“alien”');
    expect(unknownCategory.json().message).toContain('信访重点人员');

    // The venue kind follows the category.
    const venue = await secretary.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'key-venue',
      displayName: '星光KTV',
      startDate: '2022-01-01',
      fields: { address: '一组' },
    });
    expect(venue.json()).toMatchObject({ kind: 'SITE' });
    const flagged = await secretary.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'mental-illness',
      displayName: '吴某',
      startDate: '2022-01-01',
      flags: ['incident-prone'],
      fields: { guardian: '吴父', address: '三组' },
    });
    expect(flagged.json()).toMatchObject({ flags: ['incident-prone'], fields: { guardian: '吴父' } });
  });

  it('lists the categories with the fields each check requires, under Chinese names', async () => {
    const categories = (await staff.get('/api/ledgers/categories')).json() as Array<{
      code: string;
      name: string;
      requiredFields: Array<{ key: string; label: string }>;
    }>;
    const petitioner = categories.find((c) => c.code === 'petitioner')!;
    expect(petitioner.name).toBe('信访重点人员');
    expect(petitioner.requiredFields).toEqual(
      expect.arrayContaining([
        { key: 'address', label: '住址' },
        { key: 'grievance', label: '信访诉求' },
      ]),
    );
    expect(categories.find((c) => c.code === 'dispute')!.requiredFields.map((f) => f.label)).toEqual([
      '当事人',
      '纠纷简要情况',
      '排查日期',
      '化解状态',
    ]);
    // The spreadsheet's columns carry the same names as the check's messages.
    for (const field of LEDGER_TEXT_FIELDS)
      expect(Object.entries(LEDGER_COLUMNS).find(([, f]) => f === field)?.[0], field).toBe(LEDGER_FIELD_LABELS[field]);
  });

  it('imports the Chinese template (categories, risk levels, status in Chinese), checks it first in a dry run, and exports the same template', async () => {
    const header = ['类别', '姓名或名称', '风险等级', '身份证号', '住址', '信访诉求', '化解状态', '易肇事肇祸', '开始日期'];
    const file = await workbook([
      header,
      ['信访重点人员', '郑某', '中度', idNumber('51010419650303789'), '四组', '拆迁安置', '', '否', '2022-02-01'],
      ['涉毒人员', '冯某', '严重', '', '五组', '', '', '否', '2022-02-01'],
      ['不存在的类别', '陈某', '', '', '', '', '', '否', '2022-02-01'],
    ]);
    const post = (query: string, payload: Buffer) =>
      secretary.request({
        method: 'POST',
        url: `/api/ledgers/import?communityId=${t.communityA}${query}`,
        payload,
        headers: { 'content-type': XLSX },
      });
    const before = await api.db.ledgerSubject.count({ where: { communityId: t.communityA } });
    const check = await post('&dryRun=true', file);
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().problems).toEqual([
      { row: 3, column: '风险等级', message: '应为 轻度/中度/重度' },
      { row: 4, column: '类别', message: expect.stringContaining('应为以下类别之一：') },
    ]);
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityA } })).toBe(before);
    expect((await post('', file)).statusCode).toBe(400);
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityA } })).toBe(before);

    const fixed = await workbook([
      header,
      ['信访重点人员', '郑某', '中度', idNumber('51010419650303789'), '四组', '拆迁安置', '', '否', '2022-02-01'],
    ]);
    expect((await post('&dryRun=true', fixed)).json()).toEqual({
      rows: [{ row: 2, category: '信访重点人员', displayName: '郑某' }],
      problems: [],
    });
    expect((await post('', fixed)).statusCode).toBe(201);
    const zheng = await api.db.ledgerSubject.findFirstOrThrow({ where: { communityId: t.communityA, displayName: '郑某' } });
    expect(zheng).toMatchObject({
      category: 'petitioner',
      kind: 'PERSON',
      riskLevel: 'medium',
      fields: { address: '四组', grievance: '拆迁安置' },
    });

    const exported = await secretary.get(`/api/ledgers/export?communityId=${t.communityA}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, Object.keys(LEDGER_COLUMNS).length)).toEqual(Object.keys(LEDGER_COLUMNS));
    const values = sheet.getSheetValues().flat().map(String);
    expect(values).toEqual(expect.arrayContaining(['信访重点人员', '中度', '拆迁安置']));
    expect(values).not.toContain('petitioner');
    expect(values).not.toContain('medium');
  });

  it('takes a yearly 本社区无此类人员 declaration with a file, only for an empty category, once, audited', async () => {
    const [statement] = await createEvidence(api.db, t.communityA, t.users.secretaryA.id, 1);
    const [foreign] = await createEvidence(api.db, t.communityB, t.users.secretaryB.id, 1);
    const declare = (client: Client, body: object) =>
      client.post('/api/ledgers/declarations', {
        communityId: t.communityA,
        category: 'hiv-patient',
        year: 2022,
        evidenceId: statement,
        ...body,
      });
    expect((await declare(staff, {})).statusCode).toBe(403);
    const noFile = await declare(secretary, { evidenceId: foreign });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().message).toContain('请先上传');
    const notEmpty = await declare(secretary, { category: 'drug-user' });
    expect(notEmpty.statusCode).toBe(409);
    expect(notEmpty.json().message).toMatch(/“涉毒人员”台账中仍有 \d+ 条在册记录，不能声明本社区无此类人员/);
    const ok = await declare(secretary, { note: '经排查无艾滋病人' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await declare(secretary, {})).json().message).toContain('2022年已声明本社区无“艾滋病人”');
    expect(await api.db.auditLog.count({ where: { action: 'ledger.declare_empty', entityId: ok.json().id } })).toBe(1);
    const list = (await staff.get(`/api/ledgers/declarations?year=2022&communityId=${t.communityA}`)).json() as Array<{ category: string }>;
    expect(list.map((d) => d.category)).toEqual(['hiv-patient']);
  });

  it('lets the admin tag communities from the closed list only', async () => {
    const admin = await login(api.app, t.users.admin.username);
    expect(
      (await secretary.request({ method: 'PUT', url: `/api/communities/${t.communityA}/tags`, payload: { tags: ['railway'] } })).statusCode,
    ).toBe(403);
    const bad = await admin.request({ method: 'PUT', url: `/api/communities/${t.communityA}/tags`, payload: { tags: ['railroad'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('railway（铁路沿线）');
    const ok = await admin.request({
      method: 'PUT',
      url: `/api/communities/${t.communityA}/tags`,
      payload: { tags: ['waterlogging', 'railway', 'railway'] },
    });
    expect(ok.json()).toEqual({ tags: ['railway', 'waterlogging'] });
    expect((await api.db.community.findUniqueOrThrow({ where: { id: t.communityA } })).tags).toEqual(['railway', 'waterlogging']);
    const listed = (await admin.get('/api/communities')).json() as Array<{ id: string; tags: string[] }>;
    expect(listed.find((c) => c.id === t.communityA)?.tags).toEqual(['railway', 'waterlogging']);
    expect((await admin.get('/api/communities/tags')).json()).toContainEqual({ code: 'railway', label: '铁路沿线' });
    expect(await api.db.auditLog.count({ where: { action: 'community.tags', entityId: t.communityA } })).toBe(1);
  });
});

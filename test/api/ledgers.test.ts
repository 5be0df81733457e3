import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import pg from 'pg';
import type { LedgerEvents } from '../../api/services/ledger-events';
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
    async onSubjectAdded(s) { calls.push(`added:${s.displayName}`); },
    async onRiskLevelChanged(s, previous) { calls.push(`risk:${s.displayName}:${previous}->${s.riskLevel}`); },
    async onSubjectClosed(s) { calls.push(`closed:${s.displayName}`); },
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
      communityId: t.communityA, category: 'drug-user', kind: 'PERSON', displayName: name, riskLevel: 'medium', startDate: '2022-03-01',
      responsibleUserId: t.users.staffA.id, idNumber: ID, details: { diagnosis: '戒断中', drugHistory: '2019年吸食冰毒' }, ...extra,
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
      for (const [enc, plain] of [[idNumberEnc, ID], [detailsEnc, '冰毒'], [detailsEnc, 'diagnosis']] as const) {
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
    const bad = await staff.post('/api/ledgers', { communityId: t.communityA, category: 'drug-user', kind: 'PERSON', displayName: 'x', startDate: '2022-01-01', idNumber: ID.slice(0, 17) + (ID.endsWith('0') ? '1' : '0') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('idNumber');
    const outsider = await staff.post('/api/ledgers', { communityId: t.communityA, category: 'drug-user', kind: 'PERSON', displayName: 'x', startDate: '2022-01-01', responsibleUserId: t.users.staffB.id });
    expect(outsider.statusCode).toBe(400);
    expect(outsider.json().message).toContain('责任网格员');
    const cat = await staff.post('/api/ledgers', { communityId: t.communityA, category: 'Drug User!', kind: 'PERSON', displayName: 'x', startDate: '2022-01-01' });
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
    const bad = await workbook([header,
      ['mental-illness', '人员', '周八', '高', idNumber('51010419800202456'), t.users.staffA.username, '是', '否', '2022-01-05', '精神分裂症'],
      ['mental-illness', '人员', '吴九', '极高', '510104198002024560', 'someone-else', '也许', '否', '2022-01-05', ''],
    ]);
    const rejected = await staff.request({ method: 'POST', url: `/api/ledgers/import?communityId=${t.communityA}`, payload: bad, headers: { 'content-type': XLSX } });
    expect(rejected.statusCode).toBe(400);
    const message = rejected.json().message as string;
    for (const part of ['第3行「风险等级」', '第3行「身份证号」', '第3行「责任网格员」', '第3行「监护责任书」']) expect(message).toContain(part);
    expect(message).not.toContain('第2行');
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityA } })).toBe(before);

    const good = await workbook([header,
      ['mental-illness', '人员', '周八', '高', idNumber('51010419800202456'), t.users.staffA.username, '是', '否', '2022-01-05', '精神分裂症'],
      ['key-venue', '场所', '夜色KTV', '', '', '', '否', '是', new Date(Date.UTC(2022, 1, 1)), ''],
    ]);
    const imported = await staff.request({ method: 'POST', url: `/api/ledgers/import?communityId=${t.communityA}`, payload: good, headers: { 'content-type': XLSX } });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().created).toBe(2);
    expect(calls).toEqual(expect.arrayContaining(['added:周八', 'added:夜色KTV']));
    const venue = await api.db.ledgerSubject.findFirstOrThrow({ where: { communityId: t.communityA, displayName: '夜色KTV' } });
    expect(venue).toMatchObject({ kind: 'SITE', responsibilityLetter: true });
    expect(venue.startDate.toISOString().slice(0, 10)).toBe('2022-02-01');

    const notXlsx = await staff.request({ method: 'POST', url: `/api/ledgers/import?communityId=${t.communityA}`, payload: Buffer.from('hello'), headers: { 'content-type': XLSX } });
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
});

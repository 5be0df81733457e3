// Issue #13 finding 6: input a careless or hostile client sends (dates that do
// not exist, NUL bytes, lone surrogates, numbers beyond int8, broken multipart)
// answers 400 with a Chinese message a person can act on, never 500, and
// changes nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';
import { zip } from './evidence-samples';

const CHINESE = /[\u4e00-\u9fff]/;

function expectActionable400(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
  const body = res.json() as { error: string; message: string };
  expect(typeof body.error, what).toBe('string');
  expect(body.message, what).toMatch(CHINESE);
}

describe('hostile input is refused with 400', () => {
  let api: TestApi;
  let t: Township;
  let zhengfa: Client;
  let secretary: Client;

  beforeAll(async () => {
    api = await startApi({ loginRateLimit: { max: 1000, timeWindow: 60_000 } });
    t = await seedTownship(api.db);
    zhengfa = await login(api.app, t.users.zhengfa.username);
    secretary = await login(api.app, t.users.secretaryA.username);
  });
  afterAll(async () => api?.close());

  const ledger = (startDate: string, displayName = '某人') =>
    secretary.post('/api/ledgers', { communityId: t.communityA, category: 'drug-user', kind: 'PERSON', displayName, startDate });
  const incident = (occurredOn: string) =>
    zhengfa.post('/api/incidents', {
      communityId: t.communityA,
      ruleId: 'safety.fire',
      section: 6,
      item: '消防',
      points: 1,
      reason: '火灾事故',
      occurredOn,
      sequence: 1,
    });

  it('dates that match YYYY-MM-DD but do not exist', async () => {
    for (const date of ['2026-13-01', '2026-12-32', '2026-02-30', '0000-01-01', '2026-00-10']) {
      expectActionable400(await ledger(date), `ledger startDate ${date}`);
      expectActionable400(await incident(date), `incident occurredOn ${date}`);
      expectActionable400(await zhengfa.get(`/api/deductions?from=${date}`), `deductions from=${date}`);
      expectActionable400(
        await secretary.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: date, userId: t.users.staffA.id }),
        `duty ${date}`,
      );
    }
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityA } })).toBe(0);
  });

  it('incidents and duty shifts on absurd dates (year 9999, the far past, an incident in the future)', async () => {
    expectActionable400(await incident('9999-12-31'), 'incident 9999-12-31');
    expectActionable400(await incident('1000-01-01'), 'incident 1000-01-01');
    const tomorrowYear = new Date().getUTCFullYear() + 1;
    expectActionable400(await incident(`${tomorrowYear}-12-31`), 'incident next year');
    expectActionable400(
      await secretary.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '9999-12-31', userId: t.users.staffA.id }),
      'duty 9999-12-31',
    );
    expect(await api.db.deduction.count({ where: { communityId: t.communityA } })).toBe(0);
    expect(await api.db.dutyShift.count({ where: { communityId: t.communityA } })).toBe(0);
  });

  it('an audit cursor that is not a number (found by npm run fuzz: before=null was a 500)', async () => {
    for (const before of ['null', 'abc', '-1'])
      expectActionable400(await zhengfa.get(`/api/audit?before=${before}`), `audit before=${before}`);
  });

  it("a number that is not a number gets a Chinese message, not the validator's English default", async () => {
    for (const url of ['/api/scoreboard?year=2026&month=abc', '/api/overview?month=2026-11', '/api/audit?limit=many']) {
      const res = await zhengfa.get(url);
      expectActionable400(res, url);
      expect((res.json() as { message: string }).message, url).not.toMatch(/Invalid|expected|received/);
    }
  });

  it('months of year 0000 or 9999 on the heatmap and the duty roster (found by npm run fuzz: 500 before)', async () => {
    for (const month of ['0000-01', '9999-12', '1999-12']) {
      expectActionable400(await zhengfa.get(`/api/heatmap?month=${month}`), `heatmap month=${month}`);
      expectActionable400(await secretary.get(`/api/duty-shifts?month=${month}`), `duty-shifts month=${month}`);
    }
  });

  it('timestamps that do not exist (audit range, deadline extension)', async () => {
    const admin = await login(api.app, t.users.admin.username);
    for (const at of ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
      expectActionable400(await admin.get(`/api/audit?from=${encodeURIComponent(at)}`), `audit from=${at}`);
    }
  });

  it('NUL bytes and lone surrogates in any string, also before login', async () => {
    for (const bad of ['a\u0000b', 'a\ud800b', '\udfff']) {
      // JSON.stringify writes a lone surrogate as an escape (\ud800): valid JSON, invalid text.
      const raw = JSON.stringify({ username: bad, password: 'whatever-long' });
      expectActionable400(
        await api.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: raw }),
        `login ${JSON.stringify(bad)}`,
      );
      expectActionable400(
        await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: t.users.staffA.username, password: bad } }),
        'login password',
      );
      expectActionable400(await ledger('2022-01-01', bad), `ledger displayName ${JSON.stringify(bad)}`);
      expectActionable400(
        await zhengfa.post('/api/incidents', {
          communityId: t.communityA,
          ruleId: 'safety.fire',
          section: 6,
          item: bad,
          points: 1,
          reason: '火灾事故',
          sequence: 2,
        }),
        'incident item',
      );
    }
    expectActionable400(await zhengfa.get('/api/audit?action=a%00b'), 'audit action NUL');
    // A surrogate percent-encoded as bytes (%ED%A0%80 is not UTF-8) stays literal text: harmless, found nowhere.
    expect((await zhengfa.get('/api/audit?action=%ED%A0%80')).statusCode).toBe(200);
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityA } })).toBe(0);
    expect(await api.db.deduction.count({ where: { communityId: t.communityA } })).toBe(0);
  });

  it('an audit cursor beyond int8', async () => {
    for (const before of ['9223372036854775808', '9999999999999999999', '99999999999999999999999']) {
      expectActionable400(await zhengfa.get(`/api/audit?before=${before}`), `before=${before}`);
    }
    expect((await zhengfa.get('/api/audit?before=9223372036854775807')).statusCode).toBe(200);
  });

  it('malformed multipart on /api/evidence', async () => {
    const staff = await login(api.app, t.users.staffA.username);
    const url = `/api/evidence?communityId=${t.communityA}`;
    const bodies: Array<[string, string]> = [
      [
        'no closing boundary',
        '--XB\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nabc',
      ],
      ['garbage', 'this is not multipart at all'],
      ['no part headers', '--XB\r\n\r\nabc\r\n--XB--\r\n'],
      ['truncated headers', '--XB\r\nContent-Disposition: form-data; name="file"; filena'],
    ];
    for (const [what, payload] of bodies) {
      const res = await staff.request({ method: 'POST', url, headers: { 'content-type': 'multipart/form-data; boundary=XB' }, payload });
      expectActionable400(res, `multipart: ${what}`);
    }
    const noBoundary = await staff.request({ method: 'POST', url, headers: { 'content-type': 'multipart/form-data' }, payload: 'abc' });
    expectActionable400(noBoundary, 'multipart without boundary');
    expect(await api.db.evidence.count({ where: { communityId: t.communityA } })).toBe(0);
  });
});

describe('ledger import: the zip guard runs before exceljs, and the body limit fits 2,000 rows', () => {
  let api: TestApi;
  let t: Township;
  let staff: Client;
  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    staff = await login(api.app, t.users.staffA.username);
  });
  afterAll(async () => api?.close());

  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const importFile = (payload: Buffer) =>
    staff.request({ method: 'POST', url: `/api/ledgers/import?communityId=${t.communityA}`, payload, headers: { 'content-type': XLSX } });

  it('refuses a workbook that inflates far beyond its size (zip_refused), before parsing it', async () => {
    const sheet = Buffer.from(
      `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${'<row/>'.repeat(8_000_000)}</sheetData></worksheet>`,
    );
    const bomb = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
      { name: 'xl/worksheets/sheet1.xml', data: sheet },
    ]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const res = await importFile(bomb);
    expect([400, 413]).toContain(res.statusCode);
    expect(res.json().error).toBe('zip_refused');
    expect(res.json().message).toMatch(CHINESE);
  });

  it('refuses a body above 2 MB with 413 and a Chinese message', async () => {
    const res = await importFile(Buffer.alloc(3 * 1024 * 1024, 1));
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toContain('2 MB');
  });
});

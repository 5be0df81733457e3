// Evidence for incident deductions (rubric sections 5-7), through the real
// routes on the real PostgreSQL: only officials attach it, only to incidents
// of communities they may see, through the same checks as every upload, and
// the deduction drill-down lists it beside the evidence of missed tasks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStorage } from '../../storage/local-storage';
import { createEvidence } from '../support/fixtures';
import { BOUNDARY, multipartBody, photo, windowsProgram } from './evidence-samples';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

describe('incident evidence', () => {
  let api: TestApi;
  let root: string;
  let t: Township;
  let leaderA: Client;
  let zhengfa: Client;
  let staffA: Client;
  let incidentA: string;
  let incidentB: string;

  const upload = (client: Client, deductionId: string, fileName: string, content: Buffer) =>
    client.request({
      method: 'POST',
      url: `/api/incidents/${deductionId}/evidence`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody(fileName, content),
    });
  const recordIncident = async (client: Client, communityId: string) => {
    const res = await client.post('/api/incidents', {
      communityId,
      ruleId: 'stability.petition-province',
      description: '群众越级上访一次',
      occurredOn: '2026-11-02',
      idempotencyKey: randomUUID(),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const storedFiles = async () =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .sort();
  const evidenceRows = () => api.db.evidence.count({ where: { communityId: { in: [t.communityA, t.communityB] } } });
  const uploadAudits = () =>
    api.db.auditLog.count({ where: { action: 'evidence.upload', actorId: { in: Object.values(t.users).map((u) => u.id) } } });

  /** The refusal leaves no row, no stored object or scratch file, no audit row. */
  async function expectNothingLeft(send: () => Promise<LightMyRequestResponse>, status: number, message: RegExp) {
    const before = [await storedFiles(), await evidenceRows(), await uploadAudits()];
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().message).toMatch(message);
    expect([await storedFiles(), await evidenceRows(), await uploadAudits()]).toEqual(before);
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'duban-incident-evidence-'));
    api = await startApi({ evidenceStorage: createLocalStorage(root) });
    t = await seedTownship(api.db);
    leaderA = await login(api.app, t.users.leaderA.username);
    zhengfa = await login(api.app, t.users.zhengfa.username);
    staffA = await login(api.app, t.users.staffA.username);
    incidentA = await recordIncident(leaderA, t.communityA);
    incidentB = await recordIncident(zhengfa, t.communityB);
  });
  afterAll(async () => {
    await api?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lets an official attach a photo to an incident of their community, audited, and shows it in the drill-down', async () => {
    const picture = await photo(21);
    const res = await upload(leaderA, incidentA, '上访现场.jpg', picture);
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view).toMatchObject({
      communityId: t.communityA,
      fileName: '上访现场.jpg',
      mimeType: 'image/jpeg',
      sha256: createHash('sha256').update(picture).digest('hex'),
    });
    expect(view.thumbnailUrl).toBe(`/api/evidence/${view.id}/thumbnail`);

    const row = await api.db.evidence.findUniqueOrThrow({ where: { id: view.id } });
    expect(row).toMatchObject({ deductionId: incidentA, submissionId: null, communityId: t.communityA, uploadedById: t.users.leaderA.id });
    const audit = await api.db.auditLog.findFirstOrThrow({ where: { action: 'evidence.upload', entityId: view.id } });
    expect(audit.details).toMatchObject({ deductionId: incidentA, communityId: t.communityA });

    // The community's staff see it in the deduction they may appeal, and can open it.
    const detail = await staffA.get(`/api/deductions/${incidentA}`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().evidence).toEqual([
      expect.objectContaining({
        id: view.id,
        source: 'incident',
        fileName: '上访现场.jpg',
        url: `/api/evidence/${view.id}/file`,
        thumbnailUrl: view.thumbnailUrl,
        uploadedById: t.users.leaderA.id,
        uploadedByName: `leaderA-${t.users.leaderA.username.split('.')[1]}`,
      }),
    ]);
    const file = await staffA.get(view.url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload).toEqual(picture);
    // Already attached: a submission cannot take it over.
    const taken = await api.db.evidence.count({ where: { id: view.id, submissionId: null, deductionId: null } });
    expect(taken).toBe(0);
  });

  it('needs a session (401) and the CSRF header (403)', async () => {
    const picture = await photo(23);
    await expectNothingLeft(
      () =>
        api.app.inject({
          method: 'POST',
          url: `/api/incidents/${incidentA}/evidence`,
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          payload: multipartBody('a.jpg', picture),
        }),
      401,
      /请先登录/,
    );
    await expectNothingLeft(
      () =>
        leaderA.request({
          method: 'POST',
          url: `/api/incidents/${incidentA}/evidence`,
          csrf: false,
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          payload: multipartBody('a.jpg', picture),
        }),
      403,
      /CSRF/,
    );
  });

  it('refuses community staff (403) before reading the file', async () => {
    await expectNothingLeft(() => upload(staffA, incidentA, '现场.jpg', Buffer.from('not read')), 403, /此操作仅限/);
  });

  it("refuses an incident of a community outside the official's scope like one that does not exist (404)", async () => {
    const picture = await photo(22);
    await expectNothingLeft(() => upload(leaderA, incidentB, '现场.jpg', picture), 404, /扣分记录 不存在/);
    await expectNothingLeft(() => upload(leaderA, randomUUID(), '现场.jpg', picture), 404, /扣分记录 不存在/);
    // The township's political-legal member sees B: the same file is accepted there, under B.
    const ok = await upload(zhengfa, incidentB, '现场.jpg', picture);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().communityId).toBe(t.communityB);
  });

  it('refuses a file that is not evidence (415) and leaves nothing behind', async () => {
    await expectNothingLeft(() => upload(leaderA, incidentA, '通报.jpg', windowsProgram()), 415, /不支持的文件类型|与内容不符/);
  });

  it('refuses deductions that are not incidents: a reversal, an automatic deadline deduction (400)', async () => {
    const reversal = await zhengfa.post(`/api/deductions/${incidentB}/reversals`, { reason: '核实后撤销' });
    expect(reversal.statusCode, reversal.body).toBe(201);
    await expectNothingLeft(() => upload(zhengfa, reversal.json().id, '撤销依据.pdf', Buffer.from('%PDF-1.4')), 400, /只能为事件扣分/);
  });

  it('lists the evidence of the missed task in the drill-down of an automatic deduction', async () => {
    const key = `test.patrol|${t.communityA}|${randomUUID()}`;
    const obligation = await api.db.obligation.create({
      data: {
        businessKey: key,
        ruleId: 'test.patrol',
        rulebookVersion: 'test',
        communityId: t.communityA,
        periodKey: '2026-10',
        periodLabel: '2026年10月',
        kind: 'task',
        section: 2,
        title: '巡查',
        points: 1,
        status: 'OVERDUE',
        opensAt: new Date('2026-09-30T16:00:00Z'),
        dueAt: new Date('2026-10-31T16:00:00Z'),
        workflowId: key,
      },
    });
    const submission = await api.db.submission.create({
      data: { obligationId: obligation.id, submittedById: t.users.staffA.id, status: 'REJECTED' },
    });
    const [submitted] = await createEvidence(api.db, t.communityA, t.users.staffA.id, 1);
    await api.db.evidence.update({ where: { id: submitted! }, data: { submissionId: submission.id } });
    const deduction = await api.db.deduction.create({
      data: {
        businessKey: `${key}|deduction`,
        communityId: t.communityA,
        ruleId: 'test.patrol',
        section: '2',
        item: '巡查',
        obligationId: obligation.id,
        points: 1,
        explanation: '10月巡查未完成',
        recordedBy: 'auto:deadline',
        occurredAt: obligation.dueAt,
      },
    });
    const detail = await leaderA.get(`/api/deductions/${deduction.id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().evidence).toEqual([
      expect.objectContaining({ id: submitted, source: 'submission', uploadedById: t.users.staffA.id }),
    ]);
    // And an official cannot attach files to it: the task's own evidence is the record.
    await expectNothingLeft(() => upload(leaderA, deduction.id, '补充.jpg', Buffer.from('x')), 400, /只能为事件扣分/);
  });
});

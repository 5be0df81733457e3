// The web UI in headless Chromium against the real API (buildApp + listen on a
// free port) on the test PostgreSQL: appeals with files, the review card's
// late mark and photo distance, the incident form's ledger person, the
// browser-side 15 MB check, the Excel export read back, and the staff's
// deduction list after a reversal. Each `it` is one step of a user's day;
// later steps build on earlier ones (shared township and browser).
//
// No workflow runs here: the task rows these steps show (an open task, a late
// hand-in awaiting review) are written as the obligation workflow leaves them,
// and no step sends them an Update. Everything a person does goes through the
// page and the API; the database is read to prove what was stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { connectTestStack, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { monthPeriod, shanghaiDateOf } from '../../domain';
import { minimalPdf } from '../api/evidence-samples';
import { jpegFromPage, openWebApp, screenshot, withCameraExif, DESKTOP, PHONE, type WebApp } from './support';

/** A file just over the 15 MB limit (its bytes never leave the browser). */
const OVERSIZED = { name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(16 * 1024 * 1024, 0xff) };

describe('web UI: appeals with files, the review card, incidents about a ledger person, upload limits', () => {
  let stack: TestStack;
  let web: WebApp;
  let page: Page;
  let t: TestTownship;
  /** POST /api/evidence requests the browser sent */
  let evidenceRequests = 0;
  /** the ledger person the incident concerns, and the incident recorded */
  let subjectId: string;
  let incidentId: string;
  const { year, month } = shanghaiDateOf(new Date());

  const loginAs = (username: string, viewport: { width: number; height: number }) => web.loginAs(username, viewport);
  const go = (hashPath: string) => web.go(hashPath);

  /** A JSON call from the page as the logged-in user (session cookie and CSRF token as the app sends them). */
  async function apiCall(method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    return page.evaluate(
      async ({ method, url, body }) => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        const res = await fetch(url, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      },
      { method, url, body },
    );
  }

  /** Uploads a file through POST /api/evidence from the page, as the task page does. */
  async function uploadFromPage(file: Buffer, name: string): Promise<string> {
    const result = await page.evaluate(
      async ({ base64, name, communityId }) => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const form = new FormData();
        form.append('file', new File([bytes], name, { type: 'image/jpeg' }));
        const res = await fetch(`/api/evidence?communityId=${communityId}`, {
          method: 'POST',
          headers: { 'x-csrf-token': me.csrfToken },
          body: form,
        });
        return { status: res.status, body: (await res.json()) as { id: string } };
      },
      { base64: file.toString('base64'), name, communityId: t.community.id },
    );
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    return result.body.id;
  }

  /** A task row of this month as the planner and its workflow leave it (no workflow runs in this file). */
  async function taskRow(ruleId: string, title: string, status: 'OPEN' | 'SUBMITTED', dueAt: Date) {
    const period = monthPeriod(year, month);
    return stack.db.obligation.create({
      data: {
        businessKey: `${ruleId}|${t.community.id}|${period.key}|${randomUUID()}`,
        ruleId,
        rulebookVersion: '2022.1',
        communityId: t.community.id,
        periodKey: period.key,
        periodLabel: period.label,
        kind: 'periodic',
        section: 2,
        title,
        points: 1,
        status,
        opensAt: period.start,
        dueAt,
        workflowId: `e2e-not-running-${randomUUID()}`,
      },
    });
  }

  beforeAll(async () => {
    stack = await connectTestStack();
    web = await openWebApp(stack, { taskQueue: 'appeals-e2e', ledgerEncryptionKey: randomBytes(32).toString('base64') });
    page = web.page;
    t = await createTestTownship(stack.db, 'appeals');
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/evidence') evidenceRequests++;
    });
  });

  afterAll(async () => {
    await web?.close();
    await stack?.close();
  });

  it('an admin sets where the community office is on 社区特征; a latitude that is not a number is refused in Chinese', async () => {
    await loginAs(t.usernames.admin, DESKTOP);
    await go('/admin/communities');
    const row = page.getByRole('row').filter({ hasText: t.community.name });
    await page.getByLabel(`${t.community.name} 纬度`).fill('30.25315');
    await page.getByLabel(`${t.community.name} 经度`).fill('120.16667');
    await row.getByRole('button', { name: '保存位置' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `已保存“${t.community.name}”的位置` })
      .waitFor();
    await page.getByLabel(`${t.community.name} 纬度`).fill('三十');
    await row.getByRole('button', { name: '保存位置' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('纬度');
    expect(await stack.db.community.findUniqueOrThrow({ where: { id: t.community.id }, select: { lat: true, lon: true } })).toEqual({
      lat: 30.25315,
      lon: 120.16667,
    });
  });

  it('the review card marks a late hand-in 逾期提交 and says how far from the community each photo was taken', async () => {
    await loginAs(t.usernames.staff, PHONE);
    // 30°15′0″N 120°10′0″E is 0.00315° of latitude (about 350 m) south of the office set above.
    const located = await withCameraExif(await jpegFromPage(page, 'with gps'), {
      takenAt: new Date(Date.now() - 3_600_000),
      lat: [30, 15, 0],
      lon: [120, 10, 0],
    });
    const placeless = await jpegFromPage(page, 'no gps');
    const withGps = await uploadFromPage(located, 'gps.jpg');
    const withoutGps = await uploadFromPage(placeless, 'no-gps.jpg');
    // A late hand-in awaiting review, as the workflow records it (Submission.late) when evidence arrives after the deadline.
    const task = await taskRow('fraud.publicity', '每月集中开展一次防电信诈骗宣传', 'SUBMITTED', new Date(Date.now() - 86_400_000));
    const submission = await stack.db.submission.create({ data: { obligationId: task.id, submittedById: t.users.staff, late: true } });
    await stack.db.evidence.updateMany({ where: { id: { in: [withGps, withoutGps] } }, data: { submissionId: submission.id } });

    await loginAs(t.usernames.leader, DESKTOP);
    await go('/reviews');
    const card = page.locator('.review-card').filter({ hasText: '每月集中开展一次防电信诈骗宣传' });
    await expect(card.getByTestId('late-badge').textContent()).resolves.toBe('逾期提交');
    await expect(
      card
        .getByTestId('photo-place')
        .allTextContents()
        .then((texts) => texts.sort()),
    ).resolves.toEqual(['照片无位置信息', '距社区约 350 米'].sort());
    await screenshot(page, 'review-distance.png', { fullPage: true });
  });

  it('an official records an incident about a person found by searching the community’s ledger; an oversized file is refused before sending', async () => {
    await loginAs(t.usernames.secretary, DESKTOP);
    const added = await apiCall('POST', '/api/ledgers', {
      communityId: t.community.id,
      category: 'petitioner',
      displayName: '王建国',
      startDate: '2026-01-05',
      fields: { address: '清水村3组' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    subjectId = added.body.id as string;
    expect(
      (
        await apiCall('POST', '/api/ledgers', {
          communityId: t.community.id,
          category: 'petitioner',
          displayName: '李秀英',
          startDate: '2026-01-05',
          fields: {},
        })
      ).status,
    ).toBe(201);

    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/incidents');
    await page.getByLabel('社区').selectOption({ label: t.community.name });
    await page.getByLabel('扣分事项').selectOption({ label: '维稳工作 · 到省上访（扣3分）' });
    const person = page.getByLabel('涉及人员（从台账中选择，可选）');
    await expect.poll(() => person.locator('option').count()).toBe(3); // 不指定人员, 王建国, 李秀英
    await page.getByLabel('搜索台账人员').fill('王');
    await expect.poll(() => person.locator('option').allTextContents()).toEqual(['不指定人员', '王建国（清水村3组）']);
    await person.selectOption({ label: '王建国（清水村3组）' });
    await page.getByLabel('情况说明').fill('到省信访局反映征地补偿（测试）');
    const before = evidenceRequests;
    await page.getByLabel('证据材料（可选，可多选：照片、PDF、Word/Excel，每个不超过 15 MB）').setInputFiles(OVERSIZED);
    await expect(page.getByRole('alert').filter({ hasText: 'big.jpg' }).textContent()).resolves.toBe(
      '「big.jpg」过大（16.0 MB），单个文件不能超过 15 MB，请压缩后重试',
    );
    await page.getByRole('button', { name: '登记扣分' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已登记' }).textContent()).resolves.toContain(t.community.name);
    expect(evidenceRequests).toBe(before);
    const recorded = await stack.db.deduction.findFirstOrThrow({
      where: { communityId: t.community.id, ruleId: 'stability.petition-province' },
      include: { _count: { select: { evidence: true } } },
    });
    expect(recorded).toMatchObject({ subjectId, points: expect.anything(), _count: { evidence: 0 } });
    expect(recorded.explanation).toContain('涉及 王建国');
    incidentId = recorded.id;
  });

  it('the task page refuses a photo over 15 MB in the browser, saying so, and sends nothing', async () => {
    const task = await taskRow('drugs.publicity', '开展禁毒宣传', 'OPEN', new Date(Date.now() + 5 * 86_400_000));
    await loginAs(t.usernames.staff, PHONE);
    await go(`/tasks/${task.id}`);
    await expect(page.locator('#photo-hint').textContent()).resolves.toContain('15 MB');
    const before = evidenceRequests;
    await page.locator('#photo-input').setInputFiles(OVERSIZED);
    await expect(page.locator('li.photo').getByRole('alert').textContent()).resolves.toBe(
      '文件过大（16.0 MB），单个文件不能超过 15 MB，请压缩后重试',
    );
    expect(evidenceRequests).toBe(before);
  });

  it('staff appeal on the phone with a photo and a PDF; 提出申诉 is gone while it is pending; 督办 stays on one line', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await go(`/deductions/${incidentId}`);
    // The app name on a 360 px phone: one line box, and no sideways scrolling.
    expect(await page.locator('.brand strong').evaluate((el) => el.getClientRects().length)).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    await page.getByRole('button', { name: '提出申诉' }).click();
    await page.getByLabel('申诉理由（必填）').fill('王建国已于上月迁出本社区，非本社区人员');
    const files = page.getByLabel('附件（可选：照片、PDF、Word/Excel，每个不超过 15 MB）');
    const before = evidenceRequests;
    await files.setInputFiles(OVERSIZED);
    await expect(page.getByRole('alert').filter({ hasText: 'big.jpg' }).textContent()).resolves.toBe(
      '「big.jpg」过大（16.0 MB），单个文件不能超过 15 MB，请压缩后重试',
    );
    expect(evidenceRequests).toBe(before);
    const photo = await jpegFromPage(page, 'moved out');
    await files.setInputFiles([
      { name: '迁出证明.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: '情况说明.pdf', mimeType: 'application/pdf', buffer: minimalPdf() },
    ]);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await page.getByRole('button', { name: '提交申诉' }).click();
    await page.getByRole('status').filter({ hasText: '申诉已提出，等待处理' }).waitFor();
    expect(evidenceRequests).toBe(before + 2);
    await expect(page.getByRole('button', { name: '提出申诉' }).count()).resolves.toBe(0);
    await expect(page.getByRole('list', { name: '申诉附件' }).getByRole('link').allTextContents()).resolves.toEqual([
      ' 迁出证明.jpg',
      ' 情况说明.pdf',
    ]);
    const appeal = await stack.db.appeal.findFirstOrThrow({
      where: { deductionId: incidentId },
      include: { evidence: { select: { fileName: true, mimeType: true } } },
    });
    expect(appeal.evidence.map((e) => [e.fileName, e.mimeType]).sort()).toEqual([
      ['情况说明.pdf', 'application/pdf'],
      ['迁出证明.jpg', 'image/jpeg'],
    ]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  it('an official reads the appeal with its community, item, rule, points, filer and state, opens the photo, and accepts it', async () => {
    await loginAs(t.usernames.leader, DESKTOP);
    await go('/appeals');
    const card = page.locator('li.card').filter({ hasText: '王建国已于上月迁出本社区' });
    await expect(card.getByTestId('appeal-context').textContent()).resolves.toBe(
      `${t.community.name} · 维稳工作「到省上访」 · 扣 3 分 · 申诉人：staff`,
    );
    await expect(card.locator('strong').first().textContent()).resolves.toBe('待处理');
    await screenshot(page, 'appeals.png', { fullPage: true });
    // The photo opens in a new tab, served by the evidence route (scope-checked and audited there).
    const [tab] = await Promise.all([page.waitForEvent('popup'), card.getByRole('link', { name: /迁出证明\.jpg/ }).click()]);
    await tab.waitForLoadState();
    expect(await tab.evaluate(() => document.contentType)).toBe('image/jpeg');
    await tab.close();
    expect(await stack.db.auditLog.count({ where: { actorId: t.users.leader, action: 'evidence.read' } })).toBeGreaterThanOrEqual(1);

    await card.getByRole('button', { name: '同意（撤销扣分）' }).click();
    await card.getByLabel('处理理由（必填）').fill('核实该人员已迁出');
    await card.getByRole('button', { name: '同意（撤销扣分）' }).click();
    await expect.poll(() => card.locator('strong').first().textContent()).toBe('已同意');
  });

  it('the staff deduction list marks the reversed row 已撤销', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await go(`/community/${t.community.id}`);
    const row = page.locator('li').filter({ has: page.locator(`a[href="#/deductions/${incidentId}"]`) });
    await expect(row.getByTestId('reversed-mark').textContent()).resolves.toBe('已撤销');
  });

  it('the Excel export of the month lists every rubric clause (zero rows too) and a detail sheet of the deductions', async () => {
    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/dashboard');
    const href = await page.getByTestId('export-link').getAttribute('href');
    expect(href).toBe(`/api/scoreboard/export?year=${year}&month=${month}`);
    const base64 = await page.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    }, href!);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    const header = sheet.getRow(2).values as unknown[];
    const col = header.indexOf(t.community.name);
    expect(col).toBeGreaterThan(0);
    const clauseRows = [...Array(sheet.rowCount).keys()]
      .map((i) => sheet.getRow(i + 1))
      .filter((r) => String(r.getCell(1).value).startsWith('第'));
    // Every clause has its row; with the only deduction reversed, none of this community's clause cells holds
    // points (blank, as the sheet's legend says) and its total is a written 0.
    expect(clauseRows.length).toBeGreaterThan(50);
    expect(clauseRows.every((r) => r.getCell(col).value === null)).toBe(true);
    const total = [...Array(sheet.rowCount).keys()].map((i) => sheet.getRow(i + 1)).find((r) => r.getCell(1).value === '扣分合计')!;
    expect(total.getCell(col).value).toBe(0);
    expect(clauseRows.some((r) => String(r.getCell(3).value).includes('到省上访'))).toBe(true);
    const detail = wb.getWorksheet('扣分明细')!;
    const lines = [...Array(detail.rowCount - 1).keys()].map((i) => (detail.getRow(i + 2).values as unknown[]).slice(1));
    const mine = lines.filter((l) => l[0] === t.community.name);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual(expect.arrayContaining(['到省上访', '王建国', '不计分（已撤销）']));
  });
});

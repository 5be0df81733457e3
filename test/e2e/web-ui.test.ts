// The web UI in headless Chromium against the real API (buildApp + listen on
// a free port) on the test PostgreSQL and Temporal. Each `it` is one step of
// a user's day; later steps build on earlier ones (shared township, shared
// browser), so new steps (upload, approve, deadline) slot in as more `it`s.
//
// A step whose API route is not there yet skips itself at run time with
// ctx.skip('missing route ...'), so it turns on by itself when the route lands.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../api/app';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from '../support/stack';
import { testActivityDeps } from '../support/activity-deps';
import { openTaskNow } from '../support/open-task';
import { createTestTownship, TEST_PASSWORD, type TestTownship } from '../support/fixtures';
import { buildWeb, jpegFromPage, launchChromium, PHONE, DESKTOP } from './support';

const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

describe('web UI: staff phone page, official dashboard, community scope', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  let base: string;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;
  let t: TestTownship;
  /** a deduction recorded against the other community, for the scope checks */
  let otherDeductionId: string | undefined;
  /** an open task of the staff's community, run by a real obligation workflow */
  let taskId: string;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('e2e');

  const hasRoute = (method: HTTPMethods, url: string) => app.hasRoute({ method, url });
  const skipUnless = (ctx: TestContext, method: HTTPMethods, url: string) => {
    if (!hasRoute(method, url)) ctx.skip(`missing route ${method} ${url}`);
  };

  async function loginAs(username: string, viewport: { width: number; height: number }): Promise<void> {
    await browser.clearCookies();
    await page.setViewportSize(viewport);
    // A hash-only change is not a page load: leave the page so the app starts afresh without the cookie.
    await page.goto('about:blank');
    await page.goto(`${base}/#/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation', { name: '主导航' }).waitFor();
  }

  async function go(hashPath: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${base}/#${hashPath}`);
    await page.locator('main').waitFor();
    // Lazy chunks and data load after the frame: wait until no "正在加载…" remains.
    await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('正在加载'));
  }

  beforeAll(async () => {
    await buildWeb();
    stack = await connectTestStack();
    worker = await createTestWorker(stack, taskQueue, createActivities(await testActivityDeps({ db: stack.db, client: stack.client, taskQueue })));
    running = worker.run();
    app = await buildApp({ db: stack.db, temporal: stack.client, namespace: stack.namespace, taskQueue });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    base = `http://127.0.0.1:${address.port}`;
    t = await createTestTownship(stack.db, 'e2e');
    taskId = (await openTaskNow({ db: stack.db, client: stack.client, taskQueue, communityId: t.community.id, ruleId: 'fraud.investigation', dueInMs: 86_400_000 })).id;
    profile = mkdtempSync(path.join(os.tmpdir(), 'duban-chromium-'));
    browser = await launchChromium(profile);
    page = browser.pages()[0] ?? (await browser.newPage());
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    worker?.shutdown();
    await running;
    await stack?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the login page in Chinese and refuses a wrong password with the server’s reason', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: '登录督办' }).waitFor();
    await page.getByLabel('用户名').fill(t.usernames.staff);
    await page.getByLabel('密码').fill('wrong password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('登录失败');
  });

  it('an official records an incident deduction from the incidents page', async () => {
    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/incidents');
    await page.getByLabel('社区').selectOption({ label: t.community.name });
    await page.getByLabel('扣分事项').selectOption('stability.petition-province');
    await page.getByLabel('情况说明').fill('3月5日一人到省上访（测试）');
    await page.getByRole('button', { name: '登记扣分' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已登记' }).textContent()).resolves.toContain(t.community.name);
    // and one against the other community, through the API as the same official, for the scope checks below
    otherDeductionId = await page.evaluate(async (communityId) => {
      const me = await (await fetch('/api/auth/me')).json() as { csrfToken: string };
      const res = await fetch('/api/incidents', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ communityId, ruleId: 'stability.petition-province', section: 5, item: '维稳工作', points: 3, reason: '他村的扣分（测试）', idempotencyKey: 'e2e-other' }),
      });
      return { status: res.status, body: (await res.json()) as { id: string } };
    }, t.otherCommunity.id).then((r) => {
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id;
    });
    expect(otherDeductionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an official’s dashboard renders the heatmap, the ranking and the score trend', async () => {
    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/dashboard');
    const heatmap = page.getByTestId('heatmap');
    await heatmap.waitFor();
    const headers = await heatmap.locator('thead th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining([t.community.name, t.otherCommunity.name]));
    expect(await heatmap.locator('tbody tr').count()).toBeGreaterThan(5);
    // The incident recorded above this month colours its item's cell as deducted.
    expect(await heatmap.locator('td[data-status="DEDUCTED"]').count()).toBeGreaterThanOrEqual(1);
    const ranking = page.getByTestId('ranking');
    await expect(ranking.textContent()).resolves.toContain('97');
    await expect(page.locator('figure.trend svg[role="img"]').first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'dashboard.png'), fullPage: true });
  });

  it('the deduction drill-down explains the rule, the clause and who recorded it', async () => {
    await go(`/deductions?communityId=${t.community.id}`);
    await page.getByRole('link', { name: '查看' }).first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain('到省上访');
    expect(text).toContain('zhengfa');
    expect(text).toContain('3月5日一人到省上访');
  });

  it('a staff user logs in on a phone-sized viewport and sees the task list', async (ctx) => {
    await loginAs(t.usernames.staff, PHONE);
    expect(page.url()).toContain('#/tasks');
    await expect(page.getByRole('heading', { name: '我的任务' }).isVisible()).resolves.toBe(true);
    // No horizontal scrolling on a 360px phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    skipUnless(ctx, 'GET', '/api/tasks');
    await page.getByTestId('task-summary').waitFor();
    await expect(page.locator('.group-today, .group-week').first().textContent()).resolves.toContain('每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录');
    expect(taskId).toBeTruthy();
    await page.screenshot({ path: path.join(screenshots, 'staff-tasks.png'), fullPage: true });
  });

  it('a staff user sees their community’s score, rank and deductions', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('link', { name: '社区得分' }).click();
    await page.getByTestId('score-total').waitFor();
    await expect(page.getByTestId('score-total').textContent()).resolves.toBe('97');
    await expect(page.locator('main').textContent()).resolves.toContain('维稳工作');
    await page.screenshot({ path: path.join(screenshots, 'staff-score.png'), fullPage: true });
  });

  it('a staff user of one community cannot reach another community’s pages', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await go(`/community/${t.otherCommunity.id}`);
    await expect(page.getByTestId('forbidden').textContent()).resolves.toContain('无权查看该社区');
    await expect(page.locator('main').textContent()).resolves.not.toContain(t.otherCommunity.name);
    // The other community's deduction, opened by its id: the API answers 404 and nothing of it is shown.
    await go(`/deductions/${otherDeductionId}`);
    const body = await page.locator('main').textContent();
    expect(body).not.toContain('他村的扣分');
    expect(body).toContain('不存在');
    // Official pages are refused too.
    await go('/dashboard');
    await expect(page.getByTestId('forbidden').isVisible()).resolves.toBe(true);
  });

  it('staff: opens a task, takes a photo, watches it upload and submits it', async (ctx) => {
    skipUnless(ctx, 'GET', '/api/tasks/:id');
    skipUnless(ctx, 'POST', '/api/evidence');
    skipUnless(ctx, 'POST', '/api/tasks/:id/submissions');
    // Lead: if submissions need the obligation workflow, start it here instead of the bare row.
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('link', { name: /每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录/ }).click();
    await expect(page.locator('blockquote.clause').textContent()).resolves.toContain('每月未开展宣传');
    const photo = await jpegFromPage(page, 'fraud publicity');
    await page.locator('#photo-input').setInputFiles({ name: 'publicity.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByText('已上传').waitFor();
    await page.getByRole('button', { name: /提交 1 份佐证/ }).click();
    await page.getByText('待审核').first().waitFor();
  });

  it('an official sees the pending evidence beside its EXIF time, place and used-before flag, and approves it', async (ctx) => {
    skipUnless(ctx, 'GET', '/api/reviews/pending');
    skipUnless(ctx, 'POST', '/api/tasks/:id/submissions/:submissionId/review');
    skipUnless(ctx, 'POST', '/api/evidence'); // the evidence reviewed here is uploaded by the step above
    await loginAs(t.usernames.leader, DESKTOP);
    await go('/reviews');
    const card = page.locator('.review-card').filter({ hasText: '每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录' });
    await card.waitFor();
    await expect(card.textContent()).resolves.toMatch(/拍摄时间[\s\S]*拍摄地点[\s\S]*曾用过/);
    await page.screenshot({ path: path.join(screenshots, 'reviews.png'), fullPage: true });
    await card.getByRole('button', { name: '通过' }).click();
    await card.waitFor({ state: 'detached' });
  });

  it('a deadline passes unmet: the deduction appears on the scoreboard and the heatmap', async () => {
    // The dev server runs in real time: "moving time" here is a task that falls due two seconds from now.
    const { spec } = await openTaskNow({ db: stack.db, client: stack.client, taskQueue, communityId: t.community.id, ruleId: 'drugs.venue-patrol', dueInMs: 2_000 });
    for (let i = 0; i < 100 && !(await stack.db.deduction.findUnique({ where: { businessKey: spec.key } })); i++) await new Promise((r) => setTimeout(r, 200));
    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/dashboard');
    await expect(page.getByTestId('ranking').textContent()).resolves.toContain('96'); // 100 - 3 (petition) - 1 (missed patrols)
    const row = page.getByTestId('heatmap').locator('tbody tr').filter({ hasText: '易涉毒场所' });
    await expect(row.locator('td[data-status="DEDUCTED"]').count()).resolves.toBeGreaterThanOrEqual(1);
  });

  it('logging out returns to the login page and the session is gone', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('heading', { name: '登录督办' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(status).toBe(401);
  });
});

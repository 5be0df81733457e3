// The web UI in headless Chromium against the real API (buildApp + listen on
// a free port) on the test PostgreSQL and Temporal. Each `it` is one step of
// a user's day; later steps build on earlier ones (shared township, shared
// browser). Every step asserts what the user sees on the page; the database
// is read only to wait for a workflow's write or to prove "stored once".
//
// Two Temporal servers, one database:
// - The API, and a worker with the real activities, run on the Temporal dev
//   server in real time. The staff's task (upload, submit, approve, closed)
//   is a real obligation workflow there, falling due a day later.
// - The deadline step needs time moved by the test, which the dev server
//   cannot do. It starts Temporal's time-skipping test server with its clock
//   at the start of the current Asia/Shanghai month (libfaketime, as the year
//   test does), and a second worker on it with the same real activities
//   against the same PostgreSQL. It opens a task due three days later and
//   moves the clock past the deadline with env.sleep; the workflow records
//   the deduction in the database the API reads, and the browser sees it on
//   the ranking and the heatmap. The deadline stays inside the current month
//   so the month's scoreboard and heatmap count it whatever day the test runs.
//   That step needs no API -> workflow call, so the API's client stays on the
//   dev server. The server's gotchas (docs/workflows.md) do not arise: no
//   handle.result(), and no Update is sent to that workflow at all.
//
// No step skips itself: a renamed or missing route fails the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from '../support/stack';
import { testActivityDeps } from '../support/activity-deps';
import { formatCivilDate, monthPeriod, shanghaiDateOf } from '../../domain';
import { obligationSpec, openTaskNow, startObligation, waitForTaskStatus } from '../support/open-task';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { writeAudit } from '../../db/audit-repository';
import { startTimeSkippingWorker, type TimeSkippingWorker } from '../support/time-skipping';
import { jpegFromPage, openWebApp, screenshot, withCameraExif, PHONE, DESKTOP, type WebApp } from './support';

describe('web UI: staff phone page, official dashboard, community scope', () => {
  let stack: TestStack;
  let web: WebApp;
  let base: string;
  let page: Page;
  let t: TestTownship;
  /** a deduction recorded against the other community, for the scope checks */
  let otherDeductionId: string | undefined;
  /** an open task of the staff's community, run by a real obligation workflow on the dev server */
  let task: { id: string; key: string };
  /** the time-skipping server and its worker, started by the deadline step */
  let timeSkipping: TimeSkippingWorker | undefined;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('e2e');

  /** when the staff's evidence photo was taken, per its EXIF */
  const photoTakenAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
  /** an instant as the pages show it: Asia/Shanghai, to the minute */
  const shanghaiMinute = (at: Date) =>
    new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace(/-/g, '/').replace('T', ' ');

  const loginAs = (username: string, viewport: { width: number; height: number }) => web.loginAs(username, viewport);
  const go = (hashPath: string) => web.go(hashPath);

  beforeAll(async () => {
    stack = await connectTestStack();
    worker = await createTestWorker(
      stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: stack.db, client: stack.client, taskQueue })),
    );
    running = worker.run();
    web = await openWebApp(stack, { taskQueue });
    ({ base, page } = web);
    t = await createTestTownship(stack.db, 'e2e');
    const opened = await openTaskNow({
      db: stack.db,
      client: stack.client,
      taskQueue,
      communityId: t.community.id,
      ruleId: 'fraud.investigation',
      dueInMs: 86_400_000,
    });
    task = { id: opened.id, key: opened.spec.key };
  });

  afterAll(async () => {
    await web?.close();
    await timeSkipping?.stop();
    worker?.shutdown();
    await running;
    await stack?.close();
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
    await page.getByLabel('扣分事项').selectOption({ label: '维稳工作 · 到省上访（扣3分）' });
    await page.getByLabel('情况说明').fill('3月5日一人到省上访（测试）');
    await page.getByRole('button', { name: '登记扣分' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已登记' }).textContent()).resolves.toContain(t.community.name);
    // and one against the other community, through the API as the same official, for the scope checks below
    otherDeductionId = await page
      .evaluate(
        async ({ communityId, today }) => {
          const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
          const res = await fetch('/api/incidents', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
            body: JSON.stringify({
              communityId,
              ruleId: 'stability.petition-province',
              occurredOn: today,
              description: '他村的扣分（测试）',
              idempotencyKey: 'e2e-other',
            }),
          });
          return { status: res.status, body: (await res.json()) as { id: string } };
        },
        { communityId: t.otherCommunity.id, today: formatCivilDate(shanghaiDateOf(new Date())) },
      )
      .then((r) => {
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
    expect(await heatmap.locator('td[data-status="deducted"]').count()).toBeGreaterThanOrEqual(1);
    const ranking = page.getByTestId('ranking');
    await expect(ranking.textContent()).resolves.toContain('97');
    await expect(page.locator('figure.trend svg[role="img"]').first().isVisible()).resolves.toBe(true);
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

  it('a staff user logs in on a phone-sized viewport and sees the task list', async () => {
    await loginAs(t.usernames.staff, PHONE);
    expect(page.url()).toContain('#/tasks');
    await expect(page.getByRole('heading', { name: '我的任务' }).isVisible()).resolves.toBe(true);
    // No horizontal scrolling on a 360px phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.getByTestId('task-summary').waitFor();
    await expect(page.locator('.group-today, .group-week').first().textContent()).resolves.toContain(
      '每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录',
    );
    await screenshot(page, 'staff-tasks.png', { fullPage: true, docs: true });
  });

  it('a staff user sees their community’s score, rank and deductions', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('link', { name: '社区得分' }).click();
    await page.getByTestId('score-total').waitFor();
    await expect(page.getByTestId('score-total').textContent()).resolves.toBe('97');
    await expect(page.locator('main').textContent()).resolves.toContain('维稳工作');
    await screenshot(page, 'staff-score.png', { fullPage: true, docs: true });
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

  it('staff: takes a photo, the upload fails on the network, one tap retries it with the same photo, and submits it', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('link', { name: /每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录/ }).click();
    await expect(page.locator('blockquote.clause').textContent()).resolves.toContain('每月未开展宣传');
    // Network fault injection: Chromium drops the first upload request before it
    // leaves the phone, as a dead mobile connection would. Nothing of duban is faked.
    let dropped = 0;
    await page.route(
      (url) => url.pathname === '/api/evidence',
      async (route) => {
        dropped++;
        await route.abort('internetdisconnected');
      },
      { times: 1 },
    );
    // A photo taken an hour ago at 30°15′N 120°10′E, as the phone camera stores it.
    const photo = await withCameraExif(await jpegFromPage(page, 'fraud investigation'), {
      takenAt: photoTakenAt,
      lat: [30, 15, 0],
      lon: [120, 10, 0],
    });
    await page.locator('#photo-input').setInputFiles({ name: 'investigation.jpg', mimeType: 'image/jpeg', buffer: photo });
    const item = page.locator('li.photo').filter({ has: page.getByRole('img', { name: '照片预览：investigation.jpg' }) });
    await expect(item.getByRole('alert').textContent()).resolves.toBe('上传失败：网络连接失败，请检查网络后重试');
    expect(dropped).toBe(1);
    // The photo is still there (its preview decoded from the kept File), nothing reached the server, nothing can be submitted yet.
    expect(
      await item.getByRole('img').evaluate(async (img: HTMLImageElement) => {
        await img.decode();
        return img.naturalWidth;
      }),
    ).toBe(320);
    expect(await stack.db.evidence.count({ where: { communityId: t.community.id } })).toBe(0);
    await expect(page.getByRole('button', { name: /提交 0 份佐证/ }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'staff-upload-retry.png', { fullPage: true, docs: true });

    await item.getByRole('button', { name: '重新上传' }).click();
    await item.getByText('已上传').waitFor();
    await expect(item.getByRole('button', { name: '重新上传' }).count()).resolves.toBe(0);
    await expect(item.textContent()).resolves.toContain(`拍摄时间 ${shanghaiMinute(photoTakenAt)}`);
    // Stored exactly once, with the very bytes of the photo taken.
    const stored = await stack.db.evidence.findMany({
      where: { communityId: t.community.id },
      select: { id: true, sha256: true, submissionId: true },
    });
    expect(stored).toEqual([{ id: expect.any(String), sha256: createHash('sha256').update(photo).digest('hex'), submissionId: null }]);

    await page.getByRole('button', { name: /提交 1 份佐证/ }).click();
    await page.getByText('待审核').first().waitFor();
    await expect(page.locator('ul.submissions img').count()).resolves.toBe(1);
    const submitted = await stack.db.evidence.findMany({
      where: { communityId: t.community.id },
      select: { id: true, submissionId: true },
    });
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.id).toBe(stored[0]!.id);
    expect(submitted[0]!.submissionId).not.toBeNull();
  });

  it('an official sees the pending evidence beside its EXIF time, place and used-before flag, and approves it', async () => {
    await loginAs(t.usernames.leader, DESKTOP);
    await go('/reviews');
    const card = page.locator('.review-card').filter({ hasText: '每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录' });
    await card.waitFor();
    const facts = card.locator('dl');
    await expect(facts.locator('dt').allTextContents()).resolves.toEqual(['拍摄时间', '拍摄地点', '曾用过']);
    // The community has no location set in this file: the place is the photo's coordinates (appeals-and-forms.test.ts sets one and reads the distance).
    await expect(facts.locator('dd').allTextContents()).resolves.toEqual([
      shanghaiMinute(photoTakenAt),
      '30.25000, 120.16667（社区位置未设置，无法计算距离）',
      '未发现重复',
    ]);
    await screenshot(page, 'reviews.png', { fullPage: true, docs: true });
    await card.getByRole('button', { name: '通过' }).click();
    await card.waitFor({ state: 'detached' });
  });

  it('after the approval the staff user sees on the phone that the task is done', async () => {
    // The approval returns once the workflow has accepted it; the workflow then writes the row the pages read.
    await waitForTaskStatus(stack.db, task.key, 'CLOSED');
    await loginAs(t.usernames.staff, PHONE);
    // My tasks keeps it for a few days in the 已完成 group, with its badge instead of a countdown.
    const done = page.locator('section.group-done');
    await done.getByRole('heading', { level: 2 }).waitFor();
    await expect(done.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('已完成 1');
    const card = done.locator('li.task-card');
    await expect(card.locator('.task-title').textContent()).resolves.toBe('每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录');
    await expect(card.locator('.badge').textContent()).resolves.toBe('已完成');
    await expect(page.getByTestId('task-summary').textContent()).resolves.toBe('逾期 0 项 · 今天 0 项 · 本周 0 项');
    // The task itself (as from a notification's link) says it is done, and offers no upload any more.
    await card.getByRole('link').click();
    await page.getByTestId('task-outcome').waitFor();
    const heading = page.getByRole('heading', { level: 1 });
    await expect(heading.textContent()).resolves.toBe('每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录');
    await expect(page.locator('.task-row .badge').first().textContent()).resolves.toBe('已完成');
    const { closedAt } = await stack.db.obligation.findUniqueOrThrow({ where: { businessKey: task.key }, select: { closedAt: true } });
    await expect(page.getByTestId('task-outcome').textContent()).resolves.toBe(
      `✓ 已完成：佐证已通过审核，本期不扣分（${shanghaiMinute(closedAt!)}）`,
    );
    await expect(page.locator('li.submission').first().textContent()).resolves.toContain('已通过');
    await expect(page.locator('main').textContent()).resolves.not.toContain('逾期扣');
    expect(await page.locator('#photo-input').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  it('a deadline passes unmet while the test moves time: the deduction appears on the ranking and the heatmap', async () => {
    // The time-skipping server's clock starts at the beginning of this Asia/Shanghai month (see the top of the file).
    const { year, month } = shanghaiDateOf(new Date());
    const { start, key: periodKey, label: periodLabel } = monthPeriod(year, month);
    timeSkipping = await startTimeSkippingWorker({ db: stack.db, start, label: 'e2e-deadline' });
    const HOUR = 3_600_000;
    const opensAt = new Date(start.getTime() + HOUR);
    const dueAt = new Date(opensAt.getTime() + 3 * 24 * HOUR);
    const spec = await obligationSpec({
      communityId: t.community.id,
      ruleId: 'drugs.venue-patrol',
      opensAt,
      dueAt,
      periodKey,
      periodLabel,
    });
    await startObligation(timeSkipping.env.client, timeSkipping.taskQueue, spec);
    await timeSkipping.sleepUntil(new Date(opensAt.getTime() + 60_000));
    await waitForTaskStatus(stack.db, spec.key, 'OPEN');
    expect(await stack.db.deduction.count({ where: { businessKey: spec.deduction.key } })).toBe(0);

    // Three days pass in a moment; nobody patrolled.
    await timeSkipping.sleepUntil(new Date(dueAt.getTime() + HOUR));
    await waitForTaskStatus(stack.db, spec.key, 'OVERDUE');
    const deduction = await stack.db.deduction.findUniqueOrThrow({ where: { businessKey: spec.deduction.key } });
    expect(deduction).toMatchObject({ recordedBy: 'auto:deadline', occurredAt: new Date(dueAt.getTime() - 1), periodKey });

    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/dashboard');
    const mine = page.getByTestId('ranking').locator('tbody tr').filter({ hasText: t.community.name });
    await expect(mine.locator('td.num').first().textContent()).resolves.toBe('96'); // 100 - 3 (petition) - 1 (missed patrols)
    const cell = page.getByTestId('heatmap').locator(`td[title="${t.community.name} 易涉毒场所每月至少巡查两次：已扣分"]`);
    await expect(cell.getAttribute('data-status')).resolves.toBe('deducted');
    await cell.scrollIntoViewIfNeeded(); // the heatmap scrolls inside its region: show the deducted cell in the screenshot
    await screenshot(page, 'dashboard.png', { fullPage: true, docs: true });
    // The drill-down says the automatic deadline check recorded it, and explains it (rule, clause, period, deadline).
    await go(`/deductions/${deduction.id}`);
    const detail = await page.locator('main').textContent();
    expect(detail).toContain('系统自动检查（截止时间）');
    expect(detail).toContain(deduction.explanation);
    expect(deduction.explanation).toContain('未组织日常巡查或巡查不到位扣1分');
    expect(deduction.explanation).toContain(periodLabel);
  });

  it('staff see what is still owed: after one of two patrols the card says 还需再完成 1 次 and stays to do; the missed one says 已扣分（补交可办结）', async () => {
    const opened = await openTaskNow({
      db: stack.db,
      client: stack.client,
      taskQueue,
      communityId: t.community.id,
      ruleId: 'drugs.venue-patrol',
      dueInMs: 2 * 86_400_000,
    });
    await loginAs(t.usernames.staff, PHONE);
    const card = () => page.getByTestId('task-card').filter({ has: page.locator(`a[href="#/tasks/${opened.id}"]`) });
    await expect(card().getByTestId('units-owed').textContent()).resolves.toBe('还需再完成 2 次');
    await card().getByRole('link').click();
    const photo = await withCameraExif(await jpegFromPage(page, 'patrol one'), {
      takenAt: photoTakenAt,
      lat: [30, 15, 1],
      lon: [120, 10, 1],
    });
    await page.locator('#photo-input').setInputFiles({ name: 'patrol-1.jpg', mimeType: 'image/jpeg', buffer: photo });
    const item = page.locator('li.photo');
    await item.getByText('已上传').waitFor();
    // A new photo is not flagged as used before (the upload answers usedBefore: []).
    await expect(item.textContent()).resolves.not.toContain('以前用过');
    await expect(page.getByTestId('units-this-time').textContent()).resolves.toBe('本次提交计为完成 1 次');
    await page.getByRole('button', { name: /提交 1 份佐证/ }).click();
    await page.locator('li.submission').first().waitFor();
    await expect(page.getByTestId('units-owed').textContent()).resolves.toBe('还需再完成 1 次');
    const stored = await stack.db.submission.findFirstOrThrow({
      where: { obligation: { id: opened.id } },
      select: { units: true, status: true },
    });
    expect(stored).toEqual({ units: 1, status: 'PENDING_REVIEW' });

    // Back on the list: still in a to-do group (due in two days: 本周到期), not under 等待审核.
    await page.goto(`${base}/#/tasks`);
    await card().waitFor();
    await expect(card().getByTestId('units-owed').textContent()).resolves.toBe('还需再完成 1 次');
    await expect(
      page
        .locator('section.group-week')
        .getByTestId('task-card')
        .filter({ has: page.locator(`a[href="#/tasks/${opened.id}"]`) })
        .count(),
    ).resolves.toBe(1);
    // The patrols missed in the deadline step: the point is lost, late work still closes it, no "逾期扣" line.
    const missed = page.locator('section.group-overdue').getByTestId('task-card').filter({ hasText: '易涉毒场所每月至少巡查两次' });
    await expect(missed.getByTestId('deducted-badge').textContent()).resolves.toBe('已扣分（补交可办结）');
    await expect(missed.textContent()).resolves.not.toContain('逾期扣');
    await screenshot(page, 'staff-units-owed.png', { fullPage: true });
  });

  it('an official looks at last month: the picker changes the heatmap, ranking and Excel link; open overdue work stays visible', async () => {
    // An open task of last month that nobody closed: a row as the planner and workflow leave it.
    const { year, month } = shanghaiDateOf(new Date());
    const last = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
    const lastPeriod = monthPeriod(last.year, last.month);
    await stack.db.obligation.create({
      data: {
        businessKey: `fraud.publicity|${t.community.id}|${lastPeriod.key}`,
        ruleId: 'fraud.publicity',
        rulebookVersion: '2022.1',
        communityId: t.community.id,
        periodKey: lastPeriod.key,
        periodLabel: lastPeriod.label,
        kind: 'periodic',
        section: 2,
        title: '防电信诈骗宣传',
        points: 1,
        status: 'OPEN',
        opensAt: lastPeriod.start,
        dueAt: new Date(lastPeriod.end.getTime()),
        workflowId: `e2e-not-running-${randomUUID()}`,
      },
    });
    await loginAs(t.usernames.zhengfa, DESKTOP);
    await go('/dashboard');
    const overdueCell = () => page.getByTestId('heatmap').locator(`td[title="${t.community.name} 每月集中开展一次防电信诈骗宣传：已逾期"]`);
    // This month: last month's open task is still shown as overdue.
    await expect(overdueCell().getAttribute('data-status')).resolves.toBe('overdue');
    await page.getByLabel('年份').selectOption(String(last.year));
    await page.getByLabel('月份', { exact: true }).selectOption(String(last.month));
    await page.getByTestId('history-notice').waitFor();
    await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('正在加载'));
    expect(page.url()).toContain(`#/dashboard?month=${last.year}-${String(last.month).padStart(2, '0')}`);
    await expect(page.getByTestId('history-notice').textContent()).resolves.toContain(`${last.year}年${last.month}月`);
    await expect(page.getByTestId('export-link').getAttribute('href')).resolves.toBe(
      `/api/scoreboard/export?year=${last.year}&month=${last.month}`,
    );
    await expect(page.locator('[data-testid="heatmap"] caption').textContent()).resolves.toContain(`${last.year}年${last.month}月`);
    await expect(overdueCell().getAttribute('data-status')).resolves.toBe('overdue');
    // Last month's ranking: this month's deductions (petition 3, patrols 1) are not in it yet.
    const mine = page.getByTestId('ranking').locator('tbody tr').filter({ hasText: t.community.name });
    await expect(mine.locator('td.num').first().textContent()).resolves.toBe('100');
    await screenshot(page, 'dashboard-last-month.png', { fullPage: true });
    await screenshot(page, 'dashboard-month-picker.png', { docs: true });
  });

  it('an admin reads the audit log, filters it by action, and sees a system actor in words', async () => {
    // What the ledger's automatic waiver writes (activities/obligation-activities.ts): actor system:ledger.
    await writeAudit(
      stack.db,
      { userId: 'system:ledger' },
      {
        action: 'obligation.waive',
        entity: 'Obligation',
        entityId: `drug-users.visit|${t.community.id}|2026-11`,
        details: { reason: '该人员已从台账销号，本期走访不再考核' },
      },
    );
    await loginAs(t.usernames.admin, DESKTOP);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审计日志' }).click();
    const log = page.getByTestId('audit-log');
    await log.waitFor();
    const text = await log.textContent();
    expect(text).toContain('记录事件扣分');
    expect(text).toContain('系统（台账自动核对）');
    expect(text).toContain('该人员已从台账销号');
    await page.getByLabel('操作', { exact: true }).selectOption({ label: '记录事件扣分' });
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid="audit-log"] tbody tr')).every((r) => r.textContent?.includes('记录事件扣分')),
    );
    await expect(log.locator('tbody tr').first().textContent()).resolves.toContain('zhengfa');
    await page.getByLabel('操作', { exact: true }).selectOption({ label: '全部' });
    await page.getByLabel('操作人').selectOption({ label: '系统（台账自动核对）' });
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid="audit-log"] tbody tr')).every((r) =>
        r.textContent?.includes('系统（台账自动核对）'),
      ),
    );
    await page.getByLabel('操作人').selectOption({ label: '全部' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-log"] tbody tr').length > 1);
    await screenshot(page, 'audit.png', { docs: true });
  });

  it('every page, as every role, speaks Chinese: no rule ids, UUIDs, enum codes or English copies', async () => {
    // Latin words a Chinese user legitimately reads, and the test township's own data (usernames, names, e-mails).
    // NOTIFY_CONFIG, smtp, sms, robots: the configuration keys the notification page tells the admin to set;
    // APP, PDF, Word: as the rubric itself writes them; wang.li: the roster page's example username.
    const allowed = new Set([
      'Excel',
      'English',
      'GPS',
      'EXIF',
      'MB',
      'SMTP',
      'ID',
      'NOTIFY_CONFIG',
      'smtp',
      'sms',
      'robots',
      'APP',
      'PDF',
      'Word',
      'wang.li',
      ...Object.values(t.usernames),
      'staff',
      'secretary',
      'leader',
      'zhengfa',
      'admin',
      'other-staff',
    ]);
    const latin = /[A-Za-z][A-Za-z0-9_.:@-]*[A-Za-z0-9]|[A-Za-z]/g;
    const problems: string[] = [];
    for (const role of ['staff', 'secretary', 'leader', 'zhengfa', 'admin'] as const) {
      await loginAs(t.usernames[role], role === 'staff' || role === 'secretary' ? PHONE : DESKTOP);
      const links = await page
        .getByRole('navigation', { name: '主导航' })
        .locator('a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')!.slice(1)));
      const extra = role === 'staff' || role === 'leader' ? [`/tasks/${task.id}`] : [];
      for (const path of [...links, ...extra]) {
        await page.goto('about:blank');
        await page.goto(`${base}/#${path}`);
        await page.locator('main').waitFor();
        const loaded = await page
          .waitForFunction(() => !document.querySelector('main')?.textContent?.includes('正在加载'), undefined, { timeout: 15_000 })
          .then(
            () => true,
            () => false,
          );
        if (!loaded) problems.push(`${role} ${path}: still loading after 15 s`);
        const shown = await page.evaluate(() => document.body.innerText);
        const words = (shown.match(latin) ?? []).filter((w) => !allowed.has(w) && !/^[\w.+-]+@[\w.-]+$/.test(w));
        if (words.length) problems.push(`${role} ${path}: ${[...new Set(words)].slice(0, 8).join(' ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a staff user sets SMS first on the phone; a choice that would reach nobody is refused with the reason', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的设置' }).click();
    await page.getByRole('heading', { name: '通知方式' }).waitFor();
    await page.getByLabel('手机号（短信通知用）').fill('13800138000');
    await page.getByLabel('首选通知方式').selectOption({ label: '短信' });
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    const stored = await stack.db.user.findUniqueOrThrow({
      where: { username: t.usernames.staff },
      select: { mobile: true, notifyPrefs: true },
    });
    expect(stored).toMatchObject({ mobile: '13800138000', notifyPrefs: { order: ['sms'], disabled: [] } });
    // SMS is not switched on in this township and the user has no e-mail: the page says nothing reaches them today.
    await page.getByTestId('reach-warning').filter({ hasText: '今天没有任何渠道能通知到您' }).waitFor();

    const optOut = page.getByRole('group', { name: '不接收以下方式（至少保留一种）' });
    for (const name of ['工作群机器人', '短信', '邮件']) await optOut.getByLabel(name).check();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').filter({ hasText: '至少保留一种通知方式' }).waitFor();
    expect(
      (await stack.db.user.findUniqueOrThrow({ where: { username: t.usernames.staff }, select: { notifyPrefs: true } })).notifyPrefs,
    ).toEqual({ order: ['sms'], disabled: [] });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  it('logging out returns to the login page and the session is gone', async () => {
    await loginAs(t.usernames.staff, PHONE);
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('heading', { name: '登录督办' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(status).toBe(401);
  });
});

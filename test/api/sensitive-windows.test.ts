// The sensitive-date calendar through the API, and its reach into planning:
// an added window makes the planner open one-on-one control tasks for every
// key petitioner (信访重点人员) of the township, on the real Temporal dev
// server with a real worker. Windows are dated from the app's clock, which is
// injected: it runs with real time, except in the year's last two days (see `now`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { PlanningEvents } from '../../api/services/planning-events';
import { schedulerPlanningEvents } from '../../api/services/scheduler-planning-events';
import { sensitiveWindowRepository } from '../../db/sensitive-window-repository';
import { addDays, adminWindowId, civilDate, compareCivil, formatCivilDate, parseCivilDate, shanghaiDateOf, startOfDay } from '../../domain';
import { daysBetween } from '../../domain/time/shanghai';
import { obligationWorkflowId } from '../../workflows/ids';
import { testActivityDeps } from '../support/activity-deps';
import { createTestWorker, uniqueTaskQueue } from '../support/stack';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';
import { eventually } from '../support/eventually';

// Added windows may not cross New Year and the next year may have no rulebook yet, so
// a window must fit in this year two days ahead: on 30 and 31 December the app's
// clock (the routes and the scheduler hook) stands at 29 December, the time of day
// still running. Workflows keep real time, which is then at most two days ahead.
const realToday = shanghaiDateOf(new Date());
const latest = civilDate(realToday.year, 12, 29);
const today = compareCivil(realToday, latest) > 0 ? latest : realToday;
const lagMs = daysBetween(today, realToday) * 86_400_000;
const now = () => new Date(Date.now() - lagMs);
const day = (offset: number) => formatCivilDate(addDays(today, offset));
const daysLeft = daysBetween(today, civilDate(today.year, 12, 31));
const soon = (offset: number) => day(Math.min(offset, daysLeft));

describe('sensitive-date calendar', () => {
  let api: TestApi;
  let t: Township;
  let other: Township;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('windows');
  let admin: Client;
  let zhengfa: Client;
  let staffA: Client;
  let petitionerId: string;
  const started: string[] = [];
  let schedulerDownOnce = false;

  beforeAll(async () => {
    // The routes get the real scheduler hook (wired once the Temporal client exists); the test also records what reached it.
    const wired: { hook?: PlanningEvents } = {};
    const events: PlanningEvents = {
      onDutyShiftChanged: (change) => wired.hook!.onDutyShiftChanged(change),
      async onSensitiveWindowAdded(window) {
        started.push(window.id);
        // TEST FAULT INJECTION: the scheduler unreachable once, as when Temporal is down.
        if (schedulerDownOnce) {
          schedulerDownOnce = false;
          throw new Error('TEST FAULT: scheduler unreachable');
        }
        await wired.hook!.onSensitiveWindowAdded(window);
      },
    };
    api = await startApi({ taskQueue, planning: { events, now } });
    wired.hook = schedulerPlanningEvents({
      temporal: api.stack.client,
      taskQueue,
      communitiesOf: sensitiveWindowRepository(api.db).communityIdsOf,
      now,
    });
    worker = await createTestWorker(
      api.stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: api.db, client: api.stack.client, taskQueue })),
    );
    running = worker.run();
    t = await seedTownship(api.db);
    other = await seedTownship(api.db);
    // A key petitioner in community A; community B has none.
    petitionerId = (
      await api.db.ledgerSubject.create({
        data: {
          communityId: t.communityA,
          category: 'petitioner',
          kind: 'PERSON',
          displayName: '张某',
          startDate: new Date('2020-01-01T00:00:00Z'),
          responsibleUserId: t.users.staffA.id,
        },
      })
    ).id;
    [admin, zhengfa, staffA] = await Promise.all([
      login(api.app, t.users.admin.username),
      login(api.app, t.users.zhengfa.username),
      login(api.app, t.users.staffA.username),
    ]);
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
  });

  const waitForRow = async (businessKey: string) =>
    (await eventually(() => api.db.obligation.findUnique({ where: { businessKey } }), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `obligation ${businessKey}`,
    }))!;

  it("lists the rulebook's windows computed for the year, with the rules they drive, to every user", async () => {
    const res = await staffA.get('/api/sensitive-windows?year=2026');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rulebook).toBe('2026-v1');
    type Row = { windowId: string; rules: Array<{ id: string }> };
    const byId = new Map<string, Row>((body.windows as Row[]).map((w) => [w.windowId, w]));
    // 春节 2026 is 17 February: a week before it to 元宵 (3 March).
    expect(byId.get('spring-festival')).toMatchObject({
      source: 'rulebook',
      name: '春节',
      firstDay: '2026-02-10',
      lastDay: '2026-03-03',
      periodKey: '2026-spring-festival',
      deletable: false,
    });
    expect(byId.get('national-day')).toMatchObject({ firstDay: '2026-09-28', lastDay: '2026-10-07' });
    expect(byId.get('national-day')!.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['stability.window-control', 'fraud.holiday-publicity']),
    );
    expect(byId.get('two-sessions')!.rules.map((r) => r.id)).toEqual(['stability.window-control']);
    // 2022 carried a one-year window in the rulebook itself.
    const y2022 = (await staffA.get('/api/sensitive-windows?year=2022')).json();
    expect(y2022.windows.map((w: { windowId: string }) => w.windowId)).toContain('party-congress-20');
    expect((await staffA.get('/api/sensitive-windows?year=20x')).statusCode).toBe(400);
  });

  it('lets only the admin and the township office add windows, and checks them', async () => {
    const body = { name: '测试节点一', startsOn: soon(10), endsOn: soon(10) };
    expect((await staffA.post('/api/sensitive-windows', body)).statusCode).toBe(403);
    const secretary = await login(api.app, t.users.secretaryA.username);
    expect((await secretary.post('/api/sensitive-windows', body)).statusCode).toBe(403);
    const leader = await login(api.app, t.users.leaderA.username);
    expect((await leader.post('/api/sensitive-windows', body)).statusCode).toBe(403);

    const reversed = await admin.post('/api/sensitive-windows', { name: '倒置', startsOn: day(5), endsOn: day(3) });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ error: 'invalid_window', message: expect.stringContaining('晚于结束日期') });
    const over = await admin.post('/api/sensitive-windows', { name: '已过', startsOn: day(-5), endsOn: day(-1) });
    expect(over.json().message).toContain('已过');
    const long = await admin.post('/api/sensitive-windows', { name: '太长', startsOn: '2026-12-01', endsOn: '2027-01-15' });
    expect(long.statusCode).toBe(400);
    expect(long.json().message).toMatch(/最长 31 天.*不能跨年/);
    expect((await admin.post('/api/sensitive-windows', { name: '日', startsOn: day(3), endsOn: day(3) })).statusCode).toBe(400);
    expect(
      (await admin.post('/api/sensitive-windows', { name: '不存在的日子', startsOn: '2026-02-30', endsOn: '2026-03-01' })).statusCode,
    ).toBe(400);

    const created = await zhengfa.post('/api/sensitive-windows', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      source: 'admin',
      name: '测试节点一',
      firstDay: body.startsOn,
      lastDay: body.endsOn,
      deletable: true,
      rules: [{ id: 'stability.window-control', title: expect.any(String) }],
    });
    expect(created.json().windowId).toBe(adminWindowId(created.json().id));
    expect(await api.db.auditLog.findMany({ where: { action: 'sensitive_window.create', entityId: created.json().id } })).toEqual([
      expect.objectContaining({ actorId: t.users.zhengfa.id }),
    ]);

    const again = await admin.post('/api/sensitive-windows', { ...body, startsOn: soon(11), endsOn: soon(11) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'duplicate', message: expect.stringContaining('已有名为「测试节点一」的节点') });
    if (today.year === 2026) {
      const clash = await admin.post('/api/sensitive-windows', { name: '国庆', startsOn: day(1), endsOn: day(1) });
      expect(clash.json().message).toContain('考核细则已有「国庆」节点');
    }
  });

  it("keeps each township's windows to itself", async () => {
    const mine = (await admin.get(`/api/sensitive-windows?year=${soon(10).slice(0, 4)}`))
      .json()
      .windows.find((w: { name: string }) => w.name === '测试节点一');
    const otherAdmin = await login(api.app, other.users.admin.username);
    const theirs = (await otherAdmin.get(`/api/sensitive-windows?year=${soon(10).slice(0, 4)}`)).json().windows as Array<{ name: string }>;
    expect(theirs.map((w) => w.name)).not.toContain('测试节点一');
    expect((await otherAdmin.request({ method: 'DELETE', url: `/api/sensitive-windows/${mine.id}` })).statusCode).toBe(404);
    // The same name is free in another township.
    expect((await otherAdmin.post('/api/sensitive-windows', { name: '测试节点一', startsOn: soon(10), endsOn: soon(10) })).statusCode).toBe(
      201,
    );
  });

  it("opens one-on-one control tasks for the township's key petitioners as soon as a window that has begun is added", async () => {
    const created = await admin.post('/api/sensitive-windows', { name: '临时维稳节点', startsOn: day(0), endsOn: soon(2) });
    expect(created.statusCode, created.body).toBe(201);
    const window = created.json();
    expect(started).toContain(window.id);
    const key = `stability.window-control|${t.communityA}|${window.periodKey}|${petitionerId}`;
    const row = await waitForRow(key);
    expect(row).toMatchObject({
      ruleId: 'stability.window-control',
      communityId: t.communityA,
      periodKey: window.periodKey,
      subjectId: petitionerId,
      periodLabel: `${today.year}年临时维稳节点敏感期`,
    });
    expect(row.opensAt.toISOString()).toBe(startOfDay(today).toISOString());
    expect(row.dueAt.toISOString()).toBe(startOfDay(addDays(parseCivilDate(soon(2)), 1)).toISOString()); // end of its last day
    // Community B has no petitioner: nothing owed there.
    expect(await api.db.obligation.count({ where: { communityId: t.communityB, periodKey: window.periodKey } })).toBe(0);

    // It has begun and has tasks: deleting it would orphan them.
    const del = await admin.request({ method: 'DELETE', url: `/api/sensitive-windows/${window.id}` });
    expect(del.statusCode).toBe(409);
    expect(del.json()).toMatchObject({ error: 'window_in_use', message: expect.stringContaining('不能删除') });
    await api.stack.client.workflow.getHandle(obligationWorkflowId(key)).terminate('test over');
  });

  it('saves nothing when a begun window cannot be planned (scheduler down): the nightly planner would never go back to it', async () => {
    schedulerDownOnce = true;
    // Ends two days on: with the app's clock up to two days behind (late December), the window still reaches real today.
    const refused = await admin.post('/api/sensitive-windows', { name: '调度故障节点', startsOn: day(0), endsOn: soon(2) });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: 'planner_unavailable', message: expect.stringContaining('该节点未保存') });
    expect(await api.db.sensitiveWindow.count({ where: { townshipId: t.townshipId, name: '调度故障节点' } })).toBe(0);
    // Once the scheduler answers, the same request succeeds.
    const retried = await admin.post('/api/sensitive-windows', { name: '调度故障节点', startsOn: day(0), endsOn: soon(2) });
    expect(retried.statusCode, retried.body).toBe(201);
    const key = `stability.window-control|${t.communityA}|${retried.json().periodKey}|${petitionerId}`;
    await waitForRow(key);
    await api.stack.client.workflow.getHandle(obligationWorkflowId(key)).terminate('test over');
  });

  it('leaves a later window to the nightly planner, which then opens its tasks on its first day', async () => {
    const created = await admin.post('/api/sensitive-windows', { name: '远期节点', startsOn: day(2), endsOn: day(2) });
    expect(created.statusCode).toBe(201);
    const window = created.json();
    // Not planned by the hook: it begins after the planner's horizon (today and tomorrow).
    expect(await api.db.obligation.count({ where: { periodKey: window.periodKey } })).toBe(0);

    // What the daily Schedule runs, for the window's first day.
    const first = startOfDay(addDays(today, 2));
    const result = await api.stack.client.workflow.execute('planObligationsWorkflow', {
      taskQueue,
      workflowId: `test-plan-${window.id}`,
      args: [{ communityIds: [t.communityA, t.communityB], from: first.toISOString(), to: startOfDay(addDays(today, 3)).toISOString() }],
    });
    expect(result).toMatchObject({ communities: 2 });
    const key = `stability.window-control|${t.communityA}|${window.periodKey}|${petitionerId}`;
    const row = await waitForRow(key);
    expect(row.opensAt.toISOString()).toBe(first.toISOString());
    // Closed until its first day. The workflow keeps real time: on 31 December (app clock held at the 29th) that day has come.
    if (first.getTime() > Date.now()) expect(row.status).toBe('SCHEDULED');
    else
      await eventually(() => api.db.obligation.findUnique({ where: { businessKey: key } }), {
        done: (r) => r?.status === 'OPEN',
        what: `obligation ${key} open on its first day`,
      });
    await api.stack.client.workflow.getHandle(obligationWorkflowId(key)).terminate('test over');
  });

  it('deletes a window that has not begun and has no tasks, with an audit row', async () => {
    const created = (await admin.post('/api/sensitive-windows', { name: '待删节点', startsOn: soon(20), endsOn: soon(21) })).json();
    const res = await admin.request({ method: 'DELETE', url: `/api/sensitive-windows/${created.id}` });
    expect(res.statusCode).toBe(200);
    expect(await api.db.sensitiveWindow.count({ where: { id: created.id } })).toBe(0);
    expect(await api.db.auditLog.findMany({ where: { action: 'sensitive_window.delete', entityId: created.id } })).toHaveLength(1);
    expect((await staffA.request({ method: 'DELETE', url: `/api/sensitive-windows/${created.id}` })).statusCode).toBe(403);
    expect((await admin.request({ method: 'DELETE', url: `/api/sensitive-windows/${created.id}` })).statusCode).toBe(404);
  });
});

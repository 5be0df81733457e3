// Duty rosters through the API: who may read and edit which community's
// roster, what a valid shift is, the audit trail, the hook that reaches the
// scheduler, and how the roster follows the day's flood-duty task.
// The routes' clock is set to 10:00 on 10 June 2026 (Shanghai), inside the
// 2026 flood season (05-01 to 09-30), so "past" and "future" days are fixed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { DutyShiftChange, PlanningEvents } from '../../api/services/planning-events';
import { schedulerPlanningEvents } from '../../api/services/scheduler-planning-events';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

const NOW = new Date('2026-06-10T02:00:00Z'); // 10:00 Shanghai

describe('duty rosters', () => {
  let api: TestApi;
  let t: Township;
  let admin: Client;
  let secretaryA: Client;
  let staffA: Client;
  let staffB: Client;
  let leaderA: Client;
  const changes: DutyShiftChange[] = [];
  const events: PlanningEvents = {
    async onDutyShiftChanged(c) {
      changes.push(c);
    },
    async onSensitiveWindowAdded() {},
  };

  beforeAll(async () => {
    api = await startApi({ planning: { events, now: () => NOW } });
    t = await seedTownship(api.db);
    [admin, secretaryA, staffA, staffB, leaderA] = await Promise.all([
      login(api.app, t.users.admin.username),
      login(api.app, t.users.secretaryA.username),
      login(api.app, t.users.staffA.username),
      login(api.app, t.users.staffB.username),
      login(api.app, t.users.leaderA.username),
    ]);
  });
  afterAll(async () => api?.close());

  /** An obligation row as the flood-duty workflow registers it. */
  const dutyTask = (communityId: string, day: string, status: 'SCHEDULED' | 'OPEN' | 'CLOSED', closedAt: Date | null = null) =>
    api.db.obligation.create({
      data: {
        businessKey: `flood.duty|${communityId}|${day}`,
        ruleId: 'flood.duty',
        rulebookVersion: '2026-v1',
        communityId,
        periodKey: day,
        periodLabel: day,
        kind: 'seasonal-duty',
        section: 6,
        title: '汛期每日值班值守签到',
        points: 2,
        status,
        closedAt,
        opensAt: new Date(`${day}T00:00:00+08:00`),
        dueAt: new Date(`${day}T09:00:00+08:00`),
        workflowId: `obligation/flood.duty|${communityId}|${day}`,
      },
    });
  const audit = (action: string, entityId: string) => api.db.auditLog.findMany({ where: { action, entityId } });

  it('lets the secretary put a member of their community on duty, replace them, and audits and reports every change', async () => {
    const created = await secretaryA.post('/api/duty-shifts', {
      communityId: t.communityA,
      dutyDate: '2026-06-12',
      userId: t.users.staffA.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const shift = created.json().shift;
    expect(shift).toMatchObject({
      communityId: t.communityA,
      dutyDate: '2026-06-12',
      userId: t.users.staffA.id,
      userName: expect.stringContaining('staffA'),
      assessed: true,
      checkIn: 'not-planned',
    });
    expect(created.json().warning).toBeUndefined();
    expect(await audit('duty_shift.create', shift.id)).toEqual([expect.objectContaining({ actorId: t.users.secretaryA.id })]);
    expect(changes.at(-1)).toEqual({ communityId: t.communityA, dutyDate: '2026-06-12', userId: t.users.staffA.id });

    const replaced = await secretaryA.post('/api/duty-shifts', {
      communityId: t.communityA,
      dutyDate: '2026-06-12',
      userId: t.users.secretaryA.id,
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().shift).toMatchObject({ id: shift.id, userId: t.users.secretaryA.id });
    const [row] = await audit('duty_shift.replace', shift.id);
    expect(row?.details).toMatchObject({ previousUserId: t.users.staffA.id, userId: t.users.secretaryA.id });
    expect(changes).toHaveLength(2);
    // The same person again changes nothing the scheduler needs to hear about.
    expect(
      (await secretaryA.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-06-12', userId: t.users.secretaryA.id }))
        .statusCode,
    ).toBe(200);
    expect(changes).toHaveLength(2);
  });

  it('refuses unknown people, non-members, deactivated users, past days and impossible dates, in Chinese', async () => {
    const post = (body: object) =>
      admin.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-06-15', userId: t.users.staffA.id, ...body });
    const unknown = await post({ userId: randomUUID() });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_roster', message: expect.stringContaining('不存在') });
    const stranger = await post({ userId: t.users.staffB.id });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().message).toContain('不是本社区（村）成员');
    const past = await post({ dutyDate: '2026-06-09' });
    expect(past.statusCode).toBe(409);
    expect(past.json()).toMatchObject({ error: 'past_day', message: expect.stringContaining('2026-06-09 已经过去') });
    expect((await post({ dutyDate: '2026-06-31' })).statusCode).toBe(400);
    expect((await post({ dutyDate: '6/15' })).statusCode).toBe(400);
    const leftUser = await api.db.user.create({
      data: {
        townshipId: t.townshipId,
        username: `left.${randomUUID().slice(0, 6)}`,
        displayName: '已离职',
        role: 'STAFF',
        passwordHash: 'x',
        active: false,
        memberships: { create: [{ communityId: t.communityA }] },
      },
    });
    expect((await post({ userId: leftUser.id })).json().message).toContain('已停用');
    expect(await api.db.dutyShift.count({ where: { communityId: t.communityA, dutyDate: new Date('2026-06-15T00:00:00Z') } })).toBe(0);
  });

  it('accepts a day outside the flood season but says it is not assessed', async () => {
    const res = await admin.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-10-02', userId: t.users.staffA.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().shift).toMatchObject({ assessed: false, checkIn: 'not-assessed' });
    expect(res.json().warning).toContain('不在值班考核季节内（汛期 05-01 至 09-30）');
  });

  it('keeps the scope: staff read only their community; staff and area leaders cannot edit; a secretary cannot touch another community', async () => {
    const ofB = await admin.post('/api/duty-shifts', { communityId: t.communityB, dutyDate: '2026-06-20', userId: t.users.staffB.id });
    expect(ofB.statusCode).toBe(201);
    const idB = ofB.json().shift.id;

    expect((await staffA.get(`/api/duty-shifts?communityId=${t.communityB}&month=2026-06`)).statusCode).toBe(404);
    const mine = (await staffA.get('/api/duty-shifts?month=2026-06')).json().shifts as Array<{ communityId: string }>;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((s) => s.communityId === t.communityA)).toBe(true);
    expect((await staffA.get(`/api/duty-shifts/members?communityId=${t.communityB}`)).statusCode).toBe(404);

    expect(
      (await staffA.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-06-21', userId: t.users.staffA.id })).statusCode,
    ).toBe(403);
    expect(
      (await leaderA.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-06-21', userId: t.users.staffA.id })).statusCode,
    ).toBe(403);
    expect((await staffA.request({ method: 'DELETE', url: `/api/duty-shifts/${idB}` })).statusCode).toBe(403);
    expect((await staffB.post('/api/duty-shifts/import', { communityId: t.communityB, month: '2026-06', shifts: [] })).statusCode).toBe(
      403,
    );

    expect(
      (await secretaryA.post('/api/duty-shifts', { communityId: t.communityB, dutyDate: '2026-06-21', userId: t.users.staffB.id }))
        .statusCode,
    ).toBe(404);
    expect((await secretaryA.request({ method: 'DELETE', url: `/api/duty-shifts/${idB}` })).statusCode).toBe(404);
    expect((await secretaryA.post('/api/duty-shifts/import', { communityId: t.communityB, month: '2026-06', shifts: [] })).statusCode).toBe(
      404,
    );
    // B's shift is untouched.
    expect(await api.db.dutyShift.findUnique({ where: { id: idB } })).toMatchObject({ userId: t.users.staffB.id });
    // Without the CSRF token a write is refused before anything else.
    expect(
      (
        await admin.request({
          method: 'POST',
          url: '/api/duty-shifts',
          payload: { communityId: t.communityA, dutyDate: '2026-06-21', userId: t.users.staffA.id },
          csrf: false,
        })
      ).statusCode,
    ).toBe(403);
  });

  it("shows the day's duty task as the check-in, and re-points an open task when the person changes", async () => {
    await dutyTask(t.communityA, '2026-06-12', 'CLOSED', new Date('2026-06-12T00:40:00Z'));
    const open = await dutyTask(t.communityA, '2026-06-13', 'OPEN');
    const list = (await admin.get(`/api/duty-shifts?communityId=${t.communityA}&month=2026-06`)).json();
    expect(list.month).toBe('2026-06');
    expect(list.shifts.find((s: { dutyDate: string }) => s.dutyDate === '2026-06-12')).toMatchObject({
      checkIn: 'done',
      checkedInAt: '2026-06-12T00:40:00.000Z',
      taskId: expect.any(String),
    });

    const set = await admin.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-06-13', userId: t.users.staffA.id });
    expect(set.json().shift).toMatchObject({ checkIn: 'pending', taskId: open.id });
    expect((await api.db.obligation.findUnique({ where: { id: open.id } }))?.assigneeId).toBe(t.users.staffA.id);
    const del = await admin.request({ method: 'DELETE', url: `/api/duty-shifts/${set.json().shift.id}` });
    expect(del.statusCode).toBe(200);
    // Nobody on the roster: reminders go to the community's staff again.
    expect((await api.db.obligation.findUnique({ where: { id: open.id } }))?.assigneeId).toBeNull();
    expect(await audit('duty_shift.delete', set.json().shift.id)).toHaveLength(1);
    expect(changes.at(-1)).toEqual({ communityId: t.communityA, dutyDate: '2026-06-13', userId: null });
  });

  it('refuses to delete the shift of a past day', async () => {
    const past = await api.db.dutyShift.create({
      data: { communityId: t.communityA, dutyDate: new Date('2026-06-01T00:00:00Z'), userId: t.users.staffA.id },
    });
    const res = await admin.request({ method: 'DELETE', url: `/api/duty-shifts/${past.id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('past_day');
  });

  it("keeps today's entry once its duty task has ended (checked in, missed or waived): set, delete and import refuse it", async () => {
    const today = '2026-06-10';
    const shift = await api.db.dutyShift.create({
      data: { communityId: t.communityB, dutyDate: new Date(`${today}T00:00:00Z`), userId: t.users.staffB.id },
    });
    await dutyTask(t.communityB, today, 'CLOSED', new Date('2026-06-10T00:30:00Z'));
    const set = await admin.post('/api/duty-shifts', { communityId: t.communityB, dutyDate: today, userId: t.users.secretaryB.id });
    expect(set.statusCode).toBe(409);
    expect(set.json()).toMatchObject({ error: 'day_ended', message: expect.stringContaining('2026-06-10 的值班任务已结束') });
    expect((await admin.request({ method: 'DELETE', url: `/api/duty-shifts/${shift.id}` })).statusCode).toBe(409);
    const withToday = await admin.post('/api/duty-shifts/import', {
      communityId: t.communityB,
      month: '2026-06',
      shifts: [{ dutyDate: today, username: t.users.secretaryB.username }],
    });
    expect(withToday.statusCode).toBe(400);
    expect(withToday.json().message).toContain('第1行：2026-06-10 的值班任务已结束');
    // An import that leaves today out does not remove it either.
    const without = await admin.post('/api/duty-shifts/import', {
      communityId: t.communityB,
      month: '2026-06',
      shifts: [{ dutyDate: '2026-06-20', username: t.users.staffB.username }],
    });
    expect(without.statusCode, without.body).toBe(200);
    expect((await api.db.dutyShift.findUniqueOrThrow({ where: { id: shift.id } })).userId).toBe(t.users.staffB.id);
  });

  it('imports a month all or nothing, naming every bad row, and leaves past days alone', async () => {
    const members = (await secretaryA.get(`/api/duty-shifts/members?communityId=${t.communityA}`)).json() as Array<{ username: string }>;
    expect(members.map((m) => m.username)).toEqual(
      expect.arrayContaining([t.users.staffA.username, t.users.secretaryA.username, t.users.leaderA.username]),
    );

    const bad = await secretaryA.post('/api/duty-shifts/import', {
      communityId: t.communityA,
      month: '2026-06',
      shifts: [
        { dutyDate: '2026-06-11', username: t.users.staffA.username },
        { dutyDate: '2026-06-05', username: t.users.staffA.username },
        { dutyDate: '2026-07-01', username: t.users.staffA.username },
        { dutyDate: '2026-06-11', username: t.users.secretaryA.username },
        { dutyDate: '2026-06-14', username: 'nobody.here' },
        { dutyDate: '2026-06-16', username: t.users.staffB.username },
      ],
    });
    expect(bad.statusCode).toBe(400);
    const message = bad.json().message as string;
    expect(message).toMatch(/^值班表未导入/);
    for (const part of [
      '第2行：2026-06-05 已经过去',
      '第3行：日期 2026-07-01 不在 2026-06 内',
      '第4行：2026-06-11 重复出现',
      '第5行：2026-06-14：值班人「nobody.here」不存在',
      '第6行：2026-06-16：「staffB',
    ]) {
      expect(message).toContain(part);
    }
    const before = await api.db.dutyShift.count({ where: { communityId: t.communityA } });

    const good = await secretaryA.post('/api/duty-shifts/import', {
      communityId: t.communityA,
      month: '2026-06',
      shifts: [
        { dutyDate: '2026-06-10', username: t.users.staffA.username },
        { dutyDate: '2026-06-11', userId: t.users.secretaryA.id },
        { dutyDate: '2026-06-12', username: t.users.secretaryA.username }, // as it already is
        { dutyDate: '2026-06-30', username: t.users.leaderA.username },
      ],
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toEqual({ created: 3, replaced: 0, deleted: 0, unchanged: 1 });
    expect(await api.db.dutyShift.count({ where: { communityId: t.communityA } })).toBe(before + 3);
    expect(changes.filter((c) => c.dutyDate === '2026-06-10' || c.dutyDate === '2026-06-11')).toHaveLength(2);

    // Re-importing a shorter roster removes the days left out, but never the past one (06-01).
    const again = await secretaryA.post('/api/duty-shifts/import', {
      communityId: t.communityA,
      month: '2026-06',
      shifts: [{ dutyDate: '2026-06-10', username: t.users.secretaryA.username }],
    });
    expect(again.json()).toEqual({ created: 0, replaced: 1, deleted: 3, unchanged: 0 });
    const june = (await secretaryA.get(`/api/duty-shifts?communityId=${t.communityA}&month=2026-06`)).json().shifts as Array<{
      dutyDate: string;
    }>;
    expect(june.map((s) => s.dutyDate)).toEqual(['2026-06-01', '2026-06-10']);
    const imports = await api.db.auditLog.findMany({
      where: { action: 'duty_shift.import', entityId: t.communityA, actorId: t.users.secretaryA.id },
    });
    expect(imports).toHaveLength(2);
  });

  it("needs a session on every route, and keeps another township's officials out (404)", async () => {
    for (const [method, url] of [
      ['GET', '/api/duty-shifts'],
      ['GET', `/api/duty-shifts/members?communityId=${t.communityA}`],
      ['POST', '/api/duty-shifts'],
      ['DELETE', `/api/duty-shifts/${randomUUID()}`],
      ['POST', '/api/duty-shifts/import'],
    ] as const) {
      expect((await api.app.inject({ method, url, payload: {} })).statusCode, `${method} ${url}`).toBe(401);
    }
    const other = await seedTownship(api.db);
    const otherAdmin = await login(api.app, other.users.admin.username);
    expect((await otherAdmin.get(`/api/duty-shifts?communityId=${t.communityA}&month=2026-06`)).statusCode).toBe(404);
    expect((await otherAdmin.get('/api/duty-shifts?month=2026-06')).json().shifts).toEqual([]);
    expect(
      (await otherAdmin.post('/api/duty-shifts', { communityId: t.communityA, dutyDate: '2026-06-25', userId: t.users.staffA.id }))
        .statusCode,
    ).toBe(404);
    // Their own community, but our user: unknown to them (another township's people are not revealed).
    const res = await otherAdmin.post('/api/duty-shifts', {
      communityId: other.communityA,
      dutyDate: '2026-06-25',
      userId: t.users.staffA.id,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('不存在');
  });

  it('documents the routes in /docs', async () => {
    const paths = Object.keys((await api.app.inject({ method: 'GET', url: '/docs/json' })).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/duty-shifts/', '/api/duty-shifts/{id}', '/api/duty-shifts/import', '/api/duty-shifts/members']),
    );
  });
});

describe('the scheduler hook for roster changes', () => {
  const started: Array<{ workflowId: string; args: unknown[] }> = [];
  const temporal = {
    workflow: {
      async start(_type: string, options: { workflowId: string; args: unknown[] }) {
        if (started.some((s) => s.workflowId === options.workflowId))
          throw new WorkflowExecutionAlreadyStartedError('running', options.workflowId, 'planObligationsWorkflow');
        started.push({ workflowId: options.workflowId, args: options.args });
      },
    },
  } as unknown as Parameters<typeof schedulerPlanningEvents>[0]['temporal'];
  // 22:30 on 10 June in Shanghai: tonight's planner run (22:00) has already planned today and tomorrow.
  const hook = schedulerPlanningEvents({
    temporal,
    taskQueue: 'q',
    communitiesOf: async () => ['c-1', 'c-2'],
    now: () => new Date('2026-06-10T14:30:00Z'),
  });

  it('plans a shift for today or tomorrow at once, and leaves later days and removals to the nightly run', async () => {
    await hook.onDutyShiftChanged({ communityId: 'c-1', dutyDate: '2026-06-11', userId: 'u-1' });
    expect(started).toEqual([
      {
        workflowId: 'plan/duty/c-1/2026-06-11',
        args: [{ communityIds: ['c-1'], from: '2026-06-10T16:00:00.000Z', to: '2026-06-11T16:00:00.000Z' }],
      },
    ]);
    // The same day again while that run is going: no error, nothing new.
    await hook.onDutyShiftChanged({ communityId: 'c-1', dutyDate: '2026-06-11', userId: 'u-2' });
    await hook.onDutyShiftChanged({ communityId: 'c-1', dutyDate: '2026-06-12', userId: 'u-1' });
    await hook.onDutyShiftChanged({ communityId: 'c-1', dutyDate: '2026-06-10', userId: null });
    expect(started).toHaveLength(1);
  });

  it('plans the first day of an added window that has begun or begins tomorrow, for every community of the township', async () => {
    const window = { townshipId: 't', id: 'w-1', name: '节点', startsOn: '2026-06-09', endsOn: '2026-06-12' };
    await hook.onSensitiveWindowAdded(window);
    expect(started.at(-1)).toEqual({
      workflowId: 'plan/window/w-1',
      args: [{ communityIds: ['c-1', 'c-2'], from: '2026-06-08T16:00:00.000Z', to: '2026-06-09T16:00:00.000Z' }],
    });
    await hook.onSensitiveWindowAdded({ ...window, id: 'w-2', startsOn: '2026-06-12', endsOn: '2026-06-12' }); // the day after tomorrow: nightly
    await hook.onSensitiveWindowAdded({ ...window, id: 'w-3', startsOn: '2026-06-01', endsOn: '2026-06-09' }); // already over
    expect(started).toHaveLength(2);
  });
});

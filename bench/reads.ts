// `npm run bench -- --reads`: read latency at prefecture scale. Starts the
// real API (bench/read-api.ts, a child process) on a database seeded by
// scripts/scale-data.ts and drives it with autocannon using real session
// cookies. Prints p50/p95/p99, 5xx and 503 counts per route at concurrency 1
// and 10, the API's RSS, the load average, an overload run, and a steady mixed
// load of reads and photo uploads at a fixed rate.
//   BENCH_READS_DATABASE_URL  a database already seeded by `npm run seed:scale` (default: a throw-away one seeded here)
//   BENCH_COMMUNITIES         communities to seed when seeding here (default 3000; takes minutes)
//   BENCH_READS_SECONDS       seconds per route and concurrency (default 10)
//   BENCH_READS_MONTH         month the reads ask for, YYYY-MM (default 2026-06; past, settled)
//   BENCH_MIXED_RATE, BENCH_MIXED_SECONDS  the steady mixed load (default 200 requests/s for 60 s)
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { CHANGE_CHANNEL } from '../db/change-feed';
import { createDatabase } from '../db/client';
import { loadRulebookStore } from '../platform/rulebook-store';
import { projectRoot } from '../stack/paths';
import { freePort, waitForPort } from '../stack/ports';
import { startEmbeddedPostgres } from '../stack/postgres';
import { migrateDatabase } from '../stack/migrate';
import { seedScale, SCALE_PASSWORD } from '../scripts/scale-data';
import { fmt, table } from './table';

const log = (line: string) => console.log(`[bench:reads] ${line}`);

interface Run {
  route: string;
  who: string;
  concurrency: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  s5xx: number;
  s503: number;
  other: number;
  bytes: number;
  rssMb: number;
  load: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

/** Runs autocannon and keeps every answer's latency and status (autocannon's own histogram rounds). */
async function load(options: autocannon.Options) {
  const times: number[] = [];
  const statuses = new Map<number, number>();
  let bytes = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ timeout: 120, ...options }, (error, r) => (error ? reject(error) : resolve(r)));
    instance.on('response', (_client, status, resBytes, ms) => {
      times.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      bytes = resBytes;
    });
  });
  times.sort((a, b) => a - b);
  const count = (pred: (s: number) => boolean) => [...statuses].filter(([s]) => pred(s)).reduce((n, [, c]) => n + c, 0);
  return { result, times, statuses, bytes, count };
}

async function drive(url: string, cookie: string, concurrency: number, seconds: number) {
  const { result, times, bytes, count } = await load({ url, connections: concurrency, duration: seconds, headers: { cookie } });
  // A request still running when the time is up is not in `times`: say how many, so a slow route cannot look empty.
  const unfinished = Math.max(0, result.requests.sent - times.length);
  return {
    unfinished,
    times,
    s5xx: count((s) => s >= 500),
    s503: count((s) => s === 503),
    other: count((s) => s < 200 || (s >= 300 && s < 500)) + result.errors,
    bytes,
  };
}

/**
 * One download at a time, each right after a change: the bench notifies the
 * change feed as a committed deduction would, so the API's kept file is stale
 * and every download is read and written afresh (api/services/scoreboard-workbooks.ts).
 */
async function driveAfterChange(url: string, cookie: string, seconds: number, databaseUrl: string) {
  const notifier = new pg.Client({ connectionString: databaseUrl });
  await notifier.connect();
  const times: number[] = [];
  let s5xx = 0;
  let s503 = 0;
  let other = 0;
  let bytes = 0;
  try {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      await notifier.query(`NOTIFY ${CHANGE_CHANNEL}, 'bench'`);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the API's listener hears it well within this
      const started = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      bytes = (await res.arrayBuffer()).byteLength;
      times.push(performance.now() - started);
      if (res.status >= 500) s5xx++;
      if (res.status === 503) s503++;
      if (res.status !== 200 && res.status < 500) other++;
    }
  } finally {
    await notifier.end();
  }
  times.sort((a, b) => a - b);
  return { unfinished: 0, times, s5xx, s503, other, bytes };
}

/** A small real JPEG; each upload gets its own bytes (a random JPEG comment after SOI), so none is a retry of another. */
async function photoBodies(): Promise<(n: number) => { body: Buffer; contentType: string }> {
  const sharp = (await import('sharp')).default;
  const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 90, g: 140, b: 60 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
  const boundary = 'duban-bench-boundary';
  return (n) => {
    const comment = Buffer.from(`bench upload ${n} ${Math.random()}`);
    const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
    const photo = Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="patrol-${n}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    return {
      body: Buffer.concat([Buffer.from(head), photo, Buffer.from(`\r\n--${boundary}--\r\n`)]),
      contentType: `multipart/form-data; boundary=${boundary}`,
    };
  };
}

async function driveMixed(
  base: string,
  staff: { cookie: string; csrf: string },
  communityId: string,
  month: string,
  rate: number,
  seconds: number,
) {
  const body = await photoBodies();
  let uploads = 0;
  let uploaded = 0;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const reads = ['/api/tasks?scope=mine', `/api/scoreboard?year=${y}&month=${m}`, `/api/heatmap?month=${month}`, '/api/deductions'];
  const requests: autocannon.Request[] = Array.from({ length: 9 }, (_, i) => ({ method: 'GET' as const, path: reads[i % reads.length]! }));
  requests.push({
    method: 'POST',
    path: `/api/evidence?communityId=${communityId}`,
    setupRequest: (req) => {
      const { body: payload, contentType } = body(++uploads);
      return { ...req, body: payload, headers: { ...req.headers, 'content-type': contentType, 'x-csrf-token': staff.csrf } };
    },
    onResponse: (status) => {
      if (status === 201 || status === 200) uploaded++;
    },
  });
  const { times, statuses, count } = await load({
    url: base,
    connections: 20,
    overallRate: rate,
    duration: seconds,
    headers: { cookie: staff.cookie },
    requests,
  });
  const other = [...statuses]
    .filter(([st]) => st >= 300 && st < 500)
    .map(([st, c]) => `${fmt.int(c)} × ${st}`)
    .join(', ');
  return { times, s5xx: count((st) => st >= 500), uploaded, other: other || '0' };
}

export async function runReads(): Promise<void> {
  const seconds = Number(process.env.BENCH_READS_SECONDS || 10);
  const month = process.env.BENCH_READS_MONTH || '2026-06';
  let databaseUrl = process.env.BENCH_READS_DATABASE_URL;
  const cleanups: Array<() => Promise<unknown>> = [];
  let api: ChildProcess | undefined;
  try {
    if (!databaseUrl) {
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-bench-reads-'));
      chmodSync(scratch, 0o755);
      const pg = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'duban_reads' });
      cleanups.push(async () => {
        await pg.stop();
        rmSync(scratch, { recursive: true, force: true });
      });
      databaseUrl = pg.url;
      await migrateDatabase(databaseUrl);
      const communities = Number(process.env.BENCH_COMMUNITIES || 3000);
      const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
      const asOf = new Date('2026-11-30T00:00:00+08:00');
      log(`seeding ${communities} communities (scripts/scale-data.ts, states as of 2026-11-30)`);
      const seeded = await seedScale({ databaseUrl, communities, rulebook: rulebooks.forInstant(asOf)!, asOf, log });
      log(
        `seeded in ${fmt.ms(seeded.ms)}: ${Object.entries(seeded.counts)
          .map(([k, v]) => `${k} ${fmt.int(v)}`)
          .join(', ')}`,
      );
    }
    // The largest township in the database and its seeded logins.
    const db = createDatabase(databaseUrl);
    const township = (
      await db.community.groupBy({ by: ['townshipId'], _count: { _all: true }, orderBy: { _count: { townshipId: 'desc' } }, take: 1 })
    )[0]!;
    const users = await db.user.findMany({
      where: { townshipId: township.townshipId, username: { startsWith: 'scale.' } },
      select: { username: true, role: true },
      orderBy: { username: 'asc' },
    });
    const staffMember = await db.user.findFirst({
      where: { townshipId: township.townshipId, role: 'STAFF' },
      orderBy: { username: 'asc' },
      select: { username: true, memberships: { select: { communityId: true } } },
    });
    await db.$disconnect();
    const zhengfa = users.find((u) => u.role === 'POLITICAL_LEGAL')?.username;
    if (!zhengfa || !staffMember) throw new Error('no township seeded by scripts/scale-data.ts in this database (run npm run seed:scale)');

    const port = await freePort();
    api = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench/read-api.ts')], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), TZ: 'Asia/Shanghai' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const child = api;
    cleanups.push(
      () =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    );
    await waitForPort('127.0.0.1', port, 300_000); // tsx compiles the app first: slow on a loaded machine
    const base = `http://127.0.0.1:${port}`;
    const login = async (username: string) => {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: SCALE_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
    };
    const staffLogin = await login(staffMember.username);
    const cookies = { zhengfa: (await login(zhengfa)).cookie, staff: staffLogin.cookie };
    const [y, m] = month.split('-').map(Number) as [number, number];
    // The township-wide export is one large file an official downloads now and then: measured one and three at a time.
    // The export keeps a finished file until the data changes: measured as downloaded again (kept), and right after a change.
    const routes: Array<{
      route: string;
      who: keyof typeof cookies;
      label: string;
      url: string;
      concurrency?: number[];
      afterChange?: boolean;
    }> = [
      { route: 'scoreboard', who: 'zhengfa', label: '政法委员', url: `/api/scoreboard?year=${y}&month=${m}` },
      { route: 'scoreboard', who: 'staff', label: 'staff', url: `/api/scoreboard?year=${y}&month=${m}` },
      { route: 'heatmap (page 1 of 100)', who: 'zhengfa', label: '政法委员', url: `/api/heatmap?month=${month}` },
      { route: 'heatmap, one section', who: 'zhengfa', label: '政法委员', url: `/api/heatmap?month=${month}&section=2` },
      { route: 'heatmap', who: 'staff', label: 'staff', url: `/api/heatmap?month=${month}` },
      { route: 'Excel export', who: 'staff', label: 'staff', url: `/api/scoreboard/export?year=${y}&month=${m}` },
      {
        route: 'Excel export, township',
        who: 'zhengfa',
        label: '政法委员',
        url: `/api/scoreboard/export?year=${y}&month=${m}`,
        concurrency: [1, 3],
      },
      {
        route: 'Excel export, township, whole year, after a change',
        who: 'zhengfa',
        label: '政法委员',
        url: `/api/scoreboard/export?year=${y}&month=12`,
        concurrency: [1],
        afterChange: true,
      },
      {
        route: 'Excel export, township, whole year, kept',
        who: 'zhengfa',
        label: '政法委员',
        url: `/api/scoreboard/export?year=${y}&month=12`,
        concurrency: [1, 3],
      },
      { route: 'deductions list', who: 'zhengfa', label: '政法委员', url: '/api/deductions' },
      { route: 'deductions list', who: 'staff', label: 'staff', url: '/api/deductions' },
      { route: 'my tasks', who: 'staff', label: 'staff', url: '/api/tasks?scope=mine' },
    ];
    const only = process.env.BENCH_READS_ONLY;
    const runs: Run[] = [];
    // BENCH_READS_ONLY=heatmap,deductions: the rows whose route contains one of the words (and no overload run unless named).
    const wanted = only
      ?.split(',')
      .map((w) => w.trim())
      .filter(Boolean);
    for (const r of routes.filter((x) => !wanted || wanted.some((w) => x.route.includes(w)))) {
      for (const concurrency of r.concurrency ?? [1, 10]) {
        const load = os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ');
        log(`${r.route} (${r.label}) x${concurrency} for ${seconds} s`);
        const d = r.afterChange
          ? await driveAfterChange(base + r.url, cookies[r.who], seconds, databaseUrl)
          : await drive(base + r.url, cookies[r.who], concurrency, seconds);
        runs.push({
          route: r.route,
          who: r.label,
          concurrency,
          requests: d.times.length,
          p50: percentile(d.times, 50),
          p95: percentile(d.times, 95),
          p99: percentile(d.times, 99),
          s5xx: d.s5xx,
          s503: d.s503,
          other: d.other + d.unfinished,
          bytes: d.bytes,
          rssMb: rssMb(child.pid!, 'VmRSS'),
          load,
        });
      }
    }
    const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : `${fmt.num(v)} ms`);
    console.log(
      table(
        `Reads at scale (${month}; ${seconds} s per row; API child process; 2026 rulebook)`,
        [
          'route',
          'user',
          'conc.',
          'requests',
          'p50',
          'p95',
          'p99',
          '5xx (503)',
          'errors + unfinished',
          'response',
          'API RSS',
          'load 1/5/15',
        ],
        runs.map((r) => [
          r.route,
          r.who,
          String(r.concurrency),
          fmt.int(r.requests),
          ms(r.p50),
          ms(r.p95),
          ms(r.p99),
          `${r.s5xx} (${r.s503})`,
          String(r.other),
          `${fmt.num(r.bytes / 1024)} kB`,
          `${fmt.num(r.rssMb)} MB`,
          r.load,
        ]),
      ),
    );

    // Overload: far more clients than the gate admits, on the heaviest read. Bounded in time, loopback only.
    if (!wanted || wanted.includes('overload')) {
      const load = os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
      log(`overload: 100 clients on the 政法委员 scoreboard for ${seconds} s`);
      const d = await drive(base + routes[0]!.url, cookies.zhengfa, 100, seconds);
      const fast503 = d.s503;
      console.log(
        table(
          'Overload (100 concurrent clients, 政法委员 scoreboard)',
          ['requests', 'p50', 'p99', '503', 'other 5xx', 'other errors', 'API peak RSS', 'load 1/5/15'],
          [
            [
              fmt.int(d.times.length),
              ms(percentile(d.times, 50)),
              ms(percentile(d.times, 99)),
              fmt.int(fast503),
              fmt.int(d.s5xx - d.s503),
              String(d.other),
              `${fmt.num(rssMb(child.pid!, 'VmHWM'))} MB`,
              load,
            ],
          ],
        ),
      );
    }
    // Steady mixed load (issue 13): a fixed rate of staff reads with one photo upload in ten, for BENCH_MIXED_SECONDS.
    if (!wanted || wanted.includes('mixed')) {
      const rate = Number(process.env.BENCH_MIXED_RATE || 200);
      const mixedSeconds = Number(process.env.BENCH_MIXED_SECONDS || 60);
      log(`steady mixed load: ${rate} requests/s for ${mixedSeconds} s (9 reads : 1 photo upload, staff)`);
      const m = await driveMixed(base, staffLogin, staffMember.memberships[0]!.communityId, month, rate, mixedSeconds);
      console.log(
        table(
          `Steady mixed load (${rate} requests/s offered for ${mixedSeconds} s, 20 connections, staff: my tasks, scoreboard, heatmap, deductions; 1 in 10 a new photo)`,
          ['requests', 'per second', 'p50', 'p95', 'p99', '5xx', 'uploads stored', 'other answers', 'API peak RSS'],
          [
            [
              fmt.int(m.times.length),
              fmt.num(m.times.length / mixedSeconds),
              ms(percentile(m.times, 50)),
              ms(percentile(m.times, 95)),
              ms(percentile(m.times, 99)),
              fmt.int(m.s5xx),
              fmt.int(m.uploaded),
              m.other,
              `${fmt.num(rssMb(child.pid!, 'VmHWM'))} MB`,
            ],
          ],
        ),
      );
    }
    console.log(
      `\nAPI peak RSS over the whole run: ${fmt.num(rssMb(child.pid!, 'VmHWM'))} MB; machine: ${os.cpus().length} CPUs, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error(`[bench:reads] cleanup: ${String(e)}`));
  }
}

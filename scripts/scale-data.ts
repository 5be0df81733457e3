// A township seeded like a prefecture's year, for read benchmarks at scale
// (`npm run seed:scale`, bench/reads.ts). Obligations come from the real
// generator for the rulebook's year; their states follow a fixed clock
// (`asOf`): past tasks are closed, closed late or overdue, current ones open,
// future ones scheduled. Deterministic for a given size and clock.
//
// Rows are written in bulk (db/bulk-insert.ts), not through the repositories:
// anything the product derives from deductions when they are written (a tally
// kept beside them) must be rebuilt after seeding.
import { randomUUID } from 'node:crypto';
import { bulkWriter } from '../db/bulk-insert';
import { hashPassword } from '../db/passwords';
import { generateObligations, type LedgerSubject, type Rulebook } from '../domain';
import { yearPeriod } from '../domain/time/period';
import { obligationWorkflowId } from '../workflows/ids';
import { subjectShapes } from '../bench/fixtures';

export const SCALE_PASSWORD = 'duban-demo-2022';
const COMMUNITIES_PER_LEADER = 100;
const CHUNK = 100; // communities generated and written together (bounded memory)
const FLOOD_SEASON = { id: 'flood', from: '2026-05-01', to: '2026-09-30' };
const FIELDS = { address: '某街道1号', severity: 'medium', situation: '稳定', guardian: '家属' };

export interface ScaleSeedOptions {
  databaseUrl: string;
  communities: number;
  rulebook: Rulebook;
  /** the clock the task states follow */
  asOf: Date;
  /** share of past scored tasks missed (deducted); a few of those are closed late */
  missRate?: number;
  log?: (line: string) => void;
}

export interface ScaleSeedResult {
  townshipId: string;
  counts: Record<string, number>;
  ms: number;
  /** usernames to log in with (password SCALE_PASSWORD) */
  users: { politicalLegal: string; leader: string; staff: string; staffCommunityId: string };
}

/** mulberry32: a small deterministic generator, so two seeds of the same size are the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const iso = (d: Date) => d.toISOString();
const pad = (n: number) => String(n).padStart(4, '0');

function floodDates(): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${FLOOD_SEASON.from}T00:00:00Z`); t <= Date.parse(`${FLOOD_SEASON.to}T00:00:00Z`); t += 86_400_000) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

const T = {
  township: { id: 'text', code: 'text', name: 'text' },
  community: { id: 'text', townshipId: 'text', code: 'text', name: 'text' },
  user: {
    id: 'text',
    townshipId: 'text',
    username: 'text',
    displayName: 'text',
    passwordHash: 'text',
    role: '"Role"',
    mobile: 'text',
    updatedAt: 'timestamp(3)',
  },
  membership: { userId: 'text', communityId: 'text' },
  subject: {
    id: 'text',
    communityId: 'text',
    category: 'text',
    kind: '"SubjectKind"',
    displayName: 'text',
    riskLevel: 'text',
    responsibleUserId: 'text',
    guardianLetter: 'bool',
    responsibilityLetter: 'bool',
    fields: 'jsonb',
    flags: 'text[]',
    startDate: 'date',
    updatedAt: 'timestamp(3)',
  },
  shift: { id: 'text', communityId: 'text', dutyDate: 'date', userId: 'text' },
  obligation: {
    id: 'text',
    businessKey: 'text',
    ruleId: 'text',
    rulebookVersion: 'text',
    communityId: 'text',
    periodKey: 'text',
    periodLabel: 'text',
    subjectId: 'text',
    kind: 'text',
    section: 'int4',
    title: 'text',
    points: 'numeric',
    status: '"ObligationStatus"',
    opensAt: 'timestamp(3)',
    dueAt: 'timestamp(3)',
    requiredCount: 'int4',
    acceptedCount: 'int4',
    workflowId: 'text',
    closedAt: 'timestamp(3)',
    assigneeId: 'text',
    updatedAt: 'timestamp(3)',
  },
  deduction: {
    id: 'text',
    businessKey: 'text',
    kind: '"DeductionKind"',
    communityId: 'text',
    ruleId: 'text',
    section: 'text',
    item: 'text',
    periodKey: 'text',
    subjectId: 'text',
    obligationId: 'text',
    points: 'numeric',
    explanation: 'text',
    recordedBy: 'text',
    occurredAt: 'timestamp(3)',
    reversesId: 'text',
  },
} as const;

export async function seedScale(opts: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const { rulebook, asOf } = opts;
  const missRate = opts.missRate ?? 0.04;
  const rnd = random(opts.communities);
  const now = iso(new Date());
  const writer = bulkWriter(opts.databaseUrl);
  const counts: Record<string, number> = {
    communities: 0,
    users: 0,
    memberships: 0,
    ledgerSubjects: 0,
    dutyShifts: 0,
    obligations: 0,
    deductions: 0,
    reversals: 0,
    incidents: 0,
  };
  try {
    const townshipId = randomUUID();
    const code = `scale-${opts.communities}-${Date.now().toString(36)}`;
    await writer.insert('Township', T.township, [{ id: townshipId, code, name: `规模测试镇（${opts.communities}个社区）` }]);
    const passwordHash = await hashPassword(SCALE_PASSWORD);
    const tag = code.slice(-6);
    const user = (username: string, displayName: string, role: string) => ({
      id: randomUUID(),
      townshipId,
      username: `${username}.${tag}`,
      displayName,
      passwordHash,
      role,
      mobile: null,
      updatedAt: now,
    });

    const communities = Array.from({ length: opts.communities }, (_, c) => ({
      id: randomUUID(),
      townshipId,
      code: `${code}-${pad(c)}`,
      name: `第${c + 1}社区`,
    }));
    await writer.insert('Community', T.community, communities);
    counts.communities = communities.length;

    // One 网格员 and one 书记 per community, one 挂片领导 per 100 communities, one 政法委员 and one admin.
    const staff = communities.map((c, i) => user(`scale.staff${pad(i)}`, `网格员${i + 1}（${c.name}）`, 'STAFF'));
    const secretaries = communities.map((c, i) => user(`scale.secretary${pad(i)}`, `书记${i + 1}（${c.name}）`, 'SECRETARY'));
    const leaders = Array.from({ length: Math.ceil(communities.length / COMMUNITIES_PER_LEADER) }, (_, k) =>
      user(`scale.leader${pad(k)}`, `挂片领导${k + 1}`, 'AREA_LEADER'),
    );
    const politicalLegal = user('scale.zhengfa', '政法委员', 'POLITICAL_LEGAL');
    const users = [...staff, ...secretaries, ...leaders, politicalLegal, user('scale.admin', '系统管理员', 'ADMIN')];
    await writer.insert('User', T.user, users);
    counts.users = users.length;
    const memberships = communities.flatMap((c, i) => [
      { userId: staff[i]!.id, communityId: c.id },
      { userId: secretaries[i]!.id, communityId: c.id },
      { userId: leaders[Math.floor(i / COMMUNITIES_PER_LEADER)]!.id, communityId: c.id },
    ]);
    await writer.insert('CommunityMembership', T.membership, memberships);
    counts.memberships = memberships.length;
    log(`township, ${counts.communities} communities, ${counts.users} users written (${Math.round(performance.now() - started)} ms)`);

    const shapes = subjectShapes();
    const dates = floodDates();
    const year = yearPeriod(rulebook.year);
    const version = `${rulebook.year}-v${rulebook.version}`;
    const incidentRules = rulebook.rules.filter((r) => r.kind === 'incident' && r.deduction.amount > 0);
    // Each chunk's rows are written while the next chunk is generated (the database works while this thread generates).
    let writing: Promise<unknown> = Promise.resolve();
    for (let from = 0; from < communities.length; from += CHUNK) {
      const subjects: Array<Record<string, unknown>> = [];
      const shifts: Array<Record<string, unknown>> = [];
      const obligations: Array<Record<string, unknown>> = [];
      const deductions: Array<Record<string, unknown>> = [];
      const reversals: Array<Record<string, unknown>> = [];
      for (let c = from; c < Math.min(from + CHUNK, communities.length); c++) {
        const community = communities[c]!;
        const staffId = staff[c]!.id;
        const domainSubjects: LedgerSubject[] = shapes.map((s) => {
          const id = randomUUID();
          subjects.push({
            id,
            communityId: community.id,
            category: s.category,
            kind: s.kind,
            displayName: `对象${s.index + 1}`,
            riskLevel: s.riskLevel,
            responsibleUserId: staffId,
            guardianLetter: s.guardianLetter,
            responsibilityLetter: s.responsibilityLetter,
            fields: JSON.stringify(FIELDS),
            flags: `{${s.flags.join(',')}}`,
            startDate: '2025-01-01',
            updatedAt: now,
          });
          return {
            id,
            category: s.category,
            name: `对象${s.index + 1}`,
            riskLevel: s.riskLevel,
            startDate: '2025-01-01',
            responsibleUserId: staffId,
            fields: { name: `对象${s.index + 1}`, idNumber: true, ...FIELDS },
            flags: s.flags,
            documents: [...(s.guardianLetter ? ['guardian-letter'] : []), ...(s.responsibilityLetter ? ['drug-control-letter'] : [])],
          };
        });
        for (const d of dates) shifts.push({ id: randomUUID(), communityId: community.id, dutyDate: d, userId: staffId });
        const instances = generateObligations({
          rulebook,
          community: { id: community.id, name: community.name },
          subjects: domainSubjects,
          rosters: { [FLOOD_SEASON.id]: Object.fromEntries(dates.map((d) => [d, staffId])) },
          from: year.start,
          to: year.end,
        });
        const deducted = new Set<string>();
        for (const o of instances) {
          const id = randomUUID();
          let status = 'SCHEDULED';
          let closedAt: Date | null = null;
          let accepted = 0;
          const missed = o.dueAt <= asOf && o.deduction.amount > 0 && rnd() < missRate;
          if (o.opensAt > asOf) status = 'SCHEDULED';
          else if (o.dueAt > asOf) status = rnd() < 0.1 ? 'SUBMITTED' : 'OPEN';
          else if (missed && rnd() < 0.2) {
            status = 'CLOSED_LATE';
            closedAt = new Date(o.dueAt.getTime() + 86_400_000);
            accepted = o.activitiesRequired;
          } else if (missed) status = 'OVERDUE';
          else {
            status = 'CLOSED';
            closedAt = new Date(o.dueAt.getTime() - Math.floor(rnd() * 3) * 3_600_000 - 60_000);
            accepted = o.activitiesRequired;
          }
          obligations.push({
            id,
            businessKey: o.key,
            ruleId: o.ruleId,
            rulebookVersion: version,
            communityId: community.id,
            periodKey: o.periodKey,
            periodLabel: o.periodLabel,
            subjectId: o.subjectId ?? null,
            kind: o.kind,
            section: o.section,
            title: o.title,
            points: o.deduction.amount,
            status,
            opensAt: iso(o.opensAt),
            dueAt: iso(o.dueAt),
            requiredCount: o.activitiesRequired,
            acceptedCount: accepted,
            workflowId: obligationWorkflowId(o.key),
            closedAt: closedAt && iso(closedAt),
            assigneeId: o.assigneeUserId ?? null,
            updatedAt: now,
          });
          // A per-period deduction key is shared by the period's instances: one cause counts once.
          if (!missed || deducted.has(o.deduction.key)) continue;
          deducted.add(o.deduction.key);
          const deductionId = randomUUID();
          const occurredAt = new Date(o.dueAt.getTime() + 60_000);
          deductions.push({
            id: deductionId,
            businessKey: o.deduction.key,
            kind: 'DEDUCTION',
            communityId: community.id,
            ruleId: o.ruleId,
            section: String(o.section),
            item: o.item,
            periodKey: o.periodKey,
            subjectId: o.deduction.basis !== 'per-period' ? (o.subjectId ?? null) : null,
            obligationId: id,
            points: o.deduction.amount,
            explanation: `${community.name}「${o.title}」${o.periodLabel}未按期完成，扣${o.deduction.amount}分`,
            recordedBy: 'auto:deadline',
            occurredAt: iso(occurredAt),
            reversesId: null,
          });
          // About one deduction in twelve is reversed by an official a few days later.
          if (rnd() < 1 / 12) {
            reversals.push({
              id: randomUUID(),
              businessKey: `${o.deduction.key}|reversal`,
              kind: 'REVERSAL',
              communityId: community.id,
              ruleId: o.ruleId,
              section: String(o.section),
              item: o.item,
              periodKey: o.periodKey,
              subjectId: null,
              obligationId: null,
              points: o.deduction.amount,
              explanation: '撤销扣分：已补交材料并经核实',
              recordedBy: politicalLegal.id,
              occurredAt: iso(new Date(Math.min(occurredAt.getTime() + 3 * 86_400_000, asOf.getTime()))),
              reversesId: deductionId,
            });
          }
        }
        // One incident (通报) in three communities, on a past day of the year.
        if (incidentRules.length && rnd() < 1 / 3) {
          const rule = incidentRules[Math.floor(rnd() * incidentRules.length)]!;
          const span = Math.max(1, asOf.getTime() - year.start.getTime());
          const day = new Date(year.start.getTime() + Math.floor((rnd() * span) / 86_400_000) * 86_400_000);
          const occurredOn = new Date(day.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
          deductions.push({
            id: randomUUID(),
            businessKey: [rule.id, community.id, 'incident', `${occurredOn}#1`].join('|'),
            kind: 'DEDUCTION',
            communityId: community.id,
            ruleId: rule.id,
            section: String(rule.section),
            item: rule.item,
            periodKey: null,
            subjectId: null,
            obligationId: null,
            points: rule.deduction.amount,
            explanation: `${community.name}${rule.title}，扣${rule.deduction.amount}分`,
            recordedBy: politicalLegal.id,
            occurredAt: iso(day),
            reversesId: null,
          });
          counts.incidents!++;
        }
      }
      await writing;
      writing = Promise.all([
        writer.insert('LedgerSubject', T.subject, subjects),
        writer.insert('DutyShift', T.shift, shifts),
        writer.insert('Obligation', T.obligation, obligations),
        writer.insert('Deduction', T.deduction, [...deductions, ...reversals]),
      ]);
      counts.ledgerSubjects! += subjects.length;
      counts.dutyShifts! += shifts.length;
      counts.obligations! += obligations.length;
      counts.deductions! += deductions.length;
      counts.reversals! += reversals.length;
      log(
        `${Math.min(from + CHUNK, communities.length)} / ${communities.length} communities: ${counts.obligations} obligations, ` +
          `${counts.deductions} deductions (${counts.incidents} incidents), ${counts.reversals} reversals (${Math.round((performance.now() - started) / 1000)} s)`,
      );
    }
    await writing;
    await writer.analyze();
    return {
      townshipId,
      counts,
      ms: performance.now() - started,
      users: {
        politicalLegal: politicalLegal.username,
        leader: leaders[0]!.username,
        staff: staff[0]!.username,
        staffCommunityId: communities[0]!.id,
      },
    };
  } finally {
    await writer.close();
  }
}

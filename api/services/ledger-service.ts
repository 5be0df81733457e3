// Ledger rules the routes rely on: scope (another community's entry is "not
// found"), who reads full sensitive values, who closes entries, the Excel
// export and import, and the LedgerEvents calls after each committed change.
import type { ServiceLog } from './log';
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import { may } from '../../domain/policy';
import type { LedgerPatch, LedgerRepository, LedgerSubjectView, NewLedgerDeclaration, NewLedgerSubject } from '../../db/ledger-repository';
import type { UserRepository } from '../../db/user-repository';
import { isResolved, LEDGER_FIELD_LABELS, ledgerCategories, type LedgerCategory } from '../../domain';
import type { RulebookStore } from '../../platform/rulebook-store';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { checkOfficeZip } from './evidence/zip-guard';
import type { LedgerEvents } from './ledger-events';
import { buildLedgerWorkbook, checkLedgerWorkbook, IMPORT_ZIP_LIMITS, parseLedgerWorkbook, XLSX_TYPE } from './ledger-excel';

export function ledgerService(deps: {
  repo: LedgerRepository;
  /** community names for the export */
  users: Pick<UserRepository, 'communities'>;
  events: LedgerEvents;
  rulebooks: RulebookStore;
  now: () => Date;
  log: ServiceLog;
}) {
  const { repo, events, log } = deps;

  /** The ledger categories of the rulebook in force (the latest one when none is yet): names, required fields. */
  function categories(): LedgerCategory[] {
    const rulebook = deps.rulebooks.forInstant(deps.now()) ?? deps.rulebooks.all().at(-1);
    return rulebook ? ledgerCategories(rulebook) : [];
  }

  function categoryOf(code: string): LedgerCategory {
    const found = categories().find((c) => c.code === code);
    if (!found)
      throw new BadRequestError(
        `未知的台账类别“${code}”，可选：${categories()
          .map((c) => c.name)
          .join('、')}`,
        'unknown_category',
      );
    return found;
  }

  async function notify(what: string, call: () => Promise<void>) {
    try {
      await call();
    } catch (error) {
      log.error({ err: error, hook: what }, 'ledger event hook failed; the change is saved');
    }
  }

  function checkCommunity(user: SessionUser, communityId: string) {
    if (!user.scope.includes(communityId)) throw new NotFoundError('社区（村）');
  }

  async function checkResponsible(communityId: string, userId: string | null | undefined) {
    if (userId && !(await repo.isActiveMember(communityId, userId))) {
      throw new BadRequestError('责任网格员必须是本社区（村）的在岗人员 (responsibleUserId must be an active member of the community)');
    }
  }

  async function get(user: SessionUser, id: string): Promise<LedgerSubjectView> {
    const found = await repo.findById(user.scope, id);
    if (!found) throw new NotFoundError('台账条目');
    return found;
  }

  /** One damaged row is shown as unreadable rather than failing the whole list; the log says which. */
  async function list(user: SessionUser, q: { communityId?: string; category?: string; includeClosed?: boolean }) {
    if (q.communityId) checkCommunity(user, q.communityId);
    const rows = await repo.list({
      communityIds: q.communityId ? [q.communityId] : user.scope,
      category: q.category,
      includeClosed: q.includeClosed,
    });
    const unreadable = rows.filter((r) => r.unreadable).map((r) => r.id);
    if (unreadable.length)
      log.error(
        { ledgerIds: unreadable },
        'ledger rows whose encrypted fields do not decrypt (wrong LEDGER_ENCRYPTION_KEY or damaged data)',
      );
    return rows;
  }

  /** The import's file, checked before exceljs reads it: the evidence zip guard first, a bomb would take the process down. */
  async function importedFile(user: SessionUser, communityId: string, file: unknown): Promise<Buffer> {
    checkCommunity(user, communityId); // before reading the file
    if (!Buffer.isBuffer(file)) throw new BadRequestError(`请以 ${XLSX_TYPE} 上传文件 (send the .xlsx file as the request body)`);
    await checkOfficeZip(file, file.length, IMPORT_ZIP_LIMITS);
    return file;
  }

  const members = (communityId: string) => (names: string[]) => repo.membersByUsername(communityId, names);

  return {
    get,
    list,

    /** The categories with the Chinese labels of the fields their checks require. */
    categories: () =>
      categories().map((c) => ({
        ...c,
        requiredFields: c.requiredFields.map((key) => ({ key, label: LEDGER_FIELD_LABELS[key] ?? key })),
      })),

    /** Who can be the responsible worker (网格员) of an entry: the community's active members. */
    workers(user: SessionUser, communityId: string) {
      checkCommunity(user, communityId);
      return repo.activeMembers(communityId);
    },

    declarations(user: SessionUser, q: { year: number; communityId?: string }) {
      if (q.communityId) checkCommunity(user, q.communityId);
      return repo.declarations(q.communityId ? [q.communityId] : user.scope, q.year);
    },

    /** The entries in scope as .xlsx (ID numbers masked, no details). */
    async exportWorkbook(user: SessionUser, q: { communityId?: string; category?: string; includeClosed?: boolean }) {
      const subjects = await list(user, q);
      const names = new Map((await deps.users.communities(user.scope)).map((c) => [c.id, c.name]));
      const responsible = await repo.usernamesOf([...new Set(subjects.map((s) => s.responsibleUserId).filter((u): u is string => !!u))]);
      return buildLedgerWorkbook(subjects, { communityNames: names, categories: categories(), usernames: responsible });
    },

    /** The import's dry run: every row's problems (row numbers as in Excel, after the header), nothing saved. */
    async checkImport(user: SessionUser, communityId: string, file: unknown) {
      const workbook = await importedFile(user, communityId, file);
      const { rows, problems } = await checkLedgerWorkbook(workbook, communityId, categories(), members(communityId));
      const name = new Map(categories().map((c) => [c.code, c.name]));
      return {
        rows: rows.map((r, i) => ({ row: i + 2, category: name.get(r.category) ?? '', displayName: r.displayName })),
        problems,
      };
    },

    /** All rows or none. */
    async importWorkbook(user: SessionUser, communityId: string, file: unknown, actor: Actor) {
      const workbook = await importedFile(user, communityId, file);
      const rows = await parseLedgerWorkbook(workbook, communityId, categories(), members(communityId));
      const created = await repo.createMany(rows, actor);
      for (const subject of created) await notify('onSubjectAdded', () => events.onSubjectAdded(subject));
      return { created: created.length, ids: created.map((c) => c.id) };
    },

    async readSensitive(user: SessionUser, id: string, actor: Actor) {
      await get(user, id);
      if (!may(user.role, 'ledgers.readSensitive')) {
        throw new ForbiddenError(
          '仅政法委员和本社区书记可查看完整敏感信息 (only political-legal officials and the community secretary may read full sensitive data)',
        );
      }
      return (await repo.readSensitive(user.scope, id, actor))!;
    },

    /** The kind follows the category (a 禁毒重点场所 is a place) unless given. */
    async create(user: SessionUser, entry: Omit<NewLedgerSubject, 'kind'> & { kind?: NewLedgerSubject['kind'] }, actor: Actor) {
      const input = { ...entry, kind: entry.kind ?? categoryOf(entry.category).kind };
      checkCommunity(user, input.communityId);
      await checkResponsible(input.communityId, input.responsibleUserId);
      const created = await repo.create(input, actor);
      await notify('onSubjectAdded', () => events.onSubjectAdded(created));
      return created;
    },

    async update(user: SessionUser, id: string, patch: LedgerPatch, actor: Actor) {
      const before = await get(user, id);
      if (before.endDate) throw new ConflictError('该台账条目已关闭，不能修改 (entry is closed and cannot be changed)', 'closed');
      if (patch.category !== undefined) categoryOf(patch.category);
      await checkResponsible(before.communityId, patch.responsibleUserId);
      // Fields are merged: a form that sends only 住址 keeps 信访诉求; an empty text clears one.
      const fields = patch.fields !== undefined ? { ...before.fields, ...patch.fields } : undefined;
      const after = await repo.update(id, { ...patch, ...(fields ? { fields } : {}) }, actor);
      if (!isResolved(before.fields) && isResolved(after.fields))
        await notify('onSubjectSettled', async () => events.onSubjectSettled?.(after));
      if (patch.riskLevel !== undefined && patch.riskLevel !== before.riskLevel) {
        await notify('onRiskLevelChanged', () => events.onRiskLevelChanged(after, before.riskLevel));
      }
      return after;
    },

    async close(user: SessionUser, id: string, input: { endDate: string; reason: string }, actor: Actor) {
      const before = await get(user, id);
      if (!may(user.role, 'ledgers.close'))
        throw new ForbiddenError('关闭台账条目需书记或镇级人员操作 (closing an entry needs a secretary or a township official)');
      if (before.endDate) throw new ConflictError(`该台账条目已于 ${before.endDate} 关闭 (entry already closed)`, 'closed');
      if (input.endDate < before.startDate)
        throw new BadRequestError(`结束日期不能早于开始日期 ${before.startDate} (endDate is before startDate)`);
      const closed = await repo.close(id, input.endDate, input.reason, actor);
      await notify('onSubjectClosed', () => events.onSubjectClosed(closed));
      return closed;
    },

    /** 本社区无此类人员/场所 for a year, with the signed statement as evidence. */
    async declareEmpty(user: SessionUser, input: NewLedgerDeclaration, actor: Actor) {
      checkCommunity(user, input.communityId);
      if (!may(user.role, 'ledgers.declareNone')) throw new ForbiddenError('“本社区无此类人员”声明需书记或镇级人员提交');
      const category = categoryOf(input.category);
      const what = category.kind === 'SITE' ? '场所' : '人员';
      const open = await repo.countOpen(input.communityId, input.category);
      if (open > 0)
        throw new ConflictError(`“${category.name}”台账中仍有 ${open} 条在册记录，不能声明本社区无此类${what}`, 'ledger_not_empty');
      if (!(await repo.isEvidenceOf(input.communityId, input.evidenceId))) {
        throw new BadRequestError('请先上传本社区（村）盖章的“无此类人员/场所”说明文件，再提交声明', 'evidence_missing');
      }
      const existing = await repo.findDeclaration(input.communityId, input.category, input.year);
      if (existing) throw new ConflictError(`${input.year}年已声明本社区无“${category.name}”，无需重复声明`, 'already_declared');
      return repo.declareEmpty(input, actor);
    },
  };
}

export type LedgerService = ReturnType<typeof ledgerService>;

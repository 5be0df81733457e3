// Ledger rules the routes rely on: scope (another community's entry is "not
// found"), who reads full sensitive values, who closes entries, and the
// LedgerEvents calls after each committed change.
import type { ServiceLog } from './log';
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import { may } from '../../domain/policy';
import type { LedgerPatch, LedgerRepository, LedgerSubjectView, NewLedgerDeclaration, NewLedgerSubject } from '../../db/ledger-repository';
import { isResolved, type LedgerCategory } from '../../domain';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import type { LedgerEvents } from './ledger-events';

/** `categories`: the ledger categories of the rulebook in force (names, required fields). */
export function ledgerService(repo: LedgerRepository, events: LedgerEvents, log: ServiceLog, categories: () => readonly LedgerCategory[]) {
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

  return {
    get,
    checkCommunity,
    categoryOf,

    list(user: SessionUser, q: { communityId?: string; category?: string; includeClosed?: boolean }) {
      if (q.communityId) checkCommunity(user, q.communityId);
      return repo.list({
        communityIds: q.communityId ? [q.communityId] : user.scope,
        category: q.category,
        includeClosed: q.includeClosed,
      });
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

    async create(user: SessionUser, input: NewLedgerSubject, actor: Actor) {
      checkCommunity(user, input.communityId);
      categoryOf(input.category);
      await checkResponsible(input.communityId, input.responsibleUserId);
      const created = await repo.create(input, actor);
      await notify('onSubjectAdded', () => events.onSubjectAdded(created));
      return created;
    },

    async importRows(user: SessionUser, communityId: string, rows: NewLedgerSubject[], actor: Actor) {
      checkCommunity(user, communityId);
      const created = await repo.createMany(rows, actor);
      for (const subject of created) await notify('onSubjectAdded', () => events.onSubjectAdded(subject));
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

// Reversals and appeals: the rules around undoing points (incidents: incident-service.ts).
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import { may } from '../../domain/policy';
import type { AppealView, DeductionRepository, DeductionView } from '../../db/deduction-repository';
import type { EvidenceRecord } from '../../db/evidence-repository';
import type { RulebookStore } from '../../platform/rulebook-store';
import { parseCivilDate, startOfDay } from '../../domain/time/shanghai';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { evidenceView } from './evidence/evidence-view';

/** Recorded by an official through POST /api/incidents (not by a deadline), and not a reversal. */
export function isIncident(d: Pick<DeductionView, 'kind' | 'businessKey'>): boolean {
  return d.kind === 'DEDUCTION' && d.businessKey.split('|')[2] === 'incident';
}

/** A file filed with an appeal, as a reviewer opens it (the links check scope and audit each read). */
function appealFile(e: EvidenceRecord) {
  const { id, fileName, mimeType, sizeBytes, url, thumbnailUrl, createdAt } = evidenceView(e, []);
  return { id, fileName, mimeType, sizeBytes, url, thumbnailUrl, createdAt };
}

/** What listed deductions count for after their clause's cap: the scoreboard's (scoreboard-service countedOf). */
type CountedOf = (user: SessionUser, rows: DeductionView[]) => Promise<Map<string, number | null>>;

export function deductionService(repo: DeductionRepository, rulebooks?: RulebookStore, countedOf?: CountedOf) {
  async function get(user: SessionUser, id: string): Promise<DeductionView> {
    const d = await repo.findById(user.scope, id);
    if (!d) throw new NotFoundError('扣分记录');
    return d;
  }

  function reversible(d: DeductionView) {
    if (d.kind === 'REVERSAL') throw new BadRequestError('这是一条撤销记录，不能再撤销或申诉 (this row is itself a reversal)');
    if (d.reversedById) throw new ConflictError('该扣分已被撤销 (deduction already reversed)', 'already_reversed');
  }

  return {
    get,

    /**
     * Newest first, each with what it counts for (see CountedOf; null without one);
     * `from`/`to` are civil dates (yyyy-mm-dd) in Asia/Shanghai, `to` exclusive.
     */
    async list(
      user: SessionUser,
      { from, to, ...q }: { communityId?: string; ruleId?: string; from?: string; to?: string; limit: number },
    ) {
      const rows = await repo.list(user.scope, {
        ...q,
        from: from ? startOfDay(parseCivilDate(from)) : undefined,
        to: to ? startOfDay(parseCivilDate(to)) : undefined,
      });
      const counted = countedOf ? await countedOf(user, rows) : new Map<string, number | null>();
      return rows.map((d) => ({ ...d, counted: counted.get(d.id) ?? null }));
    },

    async detail(user: SessionUser, id: string) {
      const found = await repo.detail(user.scope, id);
      if (!found) throw new NotFoundError('扣分记录');
      const name = (uid: string | null) => (uid ? (found.userNames.get(uid) ?? null) : null);
      const withName = (d: DeductionView) => ({ ...d, recordedByName: name(d.recordedBy) });
      return {
        ...withName(found.deduction),
        // Links to the file and thumbnail routes, which check scope and audit each read themselves.
        evidence: found.evidence.map((e) => {
          const { id, fileName, mimeType, sizeBytes, sha256, takenAt, gps, url, thumbnailUrl, createdAt } = evidenceView(e, []);
          return {
            id,
            fileName,
            mimeType,
            sizeBytes,
            sha256,
            takenAt,
            gps,
            url,
            thumbnailUrl,
            createdAt,
            uploadedById: e.uploadedById,
            uploadedByName: name(e.uploadedById),
            source: e.source,
          };
        }),
        reversal: found.reversal ? withName(found.reversal) : null,
        reverses: found.reverses ? withName(found.reverses) : null,
        appeals: found.appeals.map(({ files, ...a }) => ({
          ...a,
          filedByName: name(a.filedById),
          decidedByName: name(a.decidedById),
          files: files.map(appealFile),
        })),
      };
    },

    async reverse(user: SessionUser, id: string, reason: string, actor: Actor): Promise<DeductionView> {
      const d = await get(user, id);
      reversible(d);
      const reversal = await repo.reverse(d, reason, actor);
      if (!reversal) throw new ConflictError('该扣分已被撤销 (deduction already reversed)', 'already_reversed');
      return reversal;
    },

    /** Attachments are uploads made first through POST /api/evidence (the same checks and limits as task evidence). */
    async fileAppeal(user: SessionUser, deductionId: string, reason: string, evidenceIds: string[], actor: Actor): Promise<AppealView> {
      const d = await get(user, deductionId);
      if (!may(user.role, 'appeals.file'))
        throw new ForbiddenError('申诉由本社区（村）干部或书记提出 (appeals are filed by the community staff or secretary)');
      reversible(d);
      if (await repo.hasPendingAppeal(d.id))
        throw new ConflictError('该扣分已有待处理的申诉 (an appeal on this deduction is already pending)', 'appeal_pending');
      const unique = [...new Set(evidenceIds)];
      const free = await repo.attachable(d.communityId, unique);
      if (free.length !== unique.length) {
        throw new BadRequestError(
          '有附件无法使用：请上传本社区的文件，且每个文件只能用于一处（任务、事件或申诉） (an attachment is unknown, of another community, or already used)',
          'evidence_not_attachable',
        );
      }
      const appeal = await repo.fileAppeal(d, reason, unique, actor);
      if (!appeal)
        throw new ConflictError('附件刚被用于别处，请重新上传后再提出申诉 (an attachment was used elsewhere meanwhile)', 'evidence_taken');
      return appeal;
    },

    async listAppeals(user: SessionUser, q: { status?: AppealView['status']; communityId?: string }) {
      if (q.communityId && !user.scope.includes(q.communityId)) throw new NotFoundError('社区（村）');
      const rows = await repo.listAppeals(user.scope, q);
      // The rule by its title, from the rulebook of the year the deduction counts in (never the rule id).
      return rows.map(({ files, ruleId, occurredAt, ...a }) => ({
        ...a,
        ruleTitle: rulebooks?.forInstant(occurredAt)?.rules.find((r) => r.id === ruleId)?.title ?? a.item,
        files: files.map(appealFile),
      }));
    },

    async decideAppeal(user: SessionUser, appealId: string, decision: 'ACCEPTED' | 'REJECTED', reason: string, actor: Actor) {
      const appeal = await repo.findAppeal(user.scope, appealId);
      if (!appeal) throw new NotFoundError('申诉');
      if (appeal.status !== 'PENDING') throw new ConflictError('该申诉已处理 (appeal already decided)', 'appeal_decided');
      const d = await get(user, appeal.deductionId);
      if (decision === 'ACCEPTED') reversible(d);
      const result = await repo.decideAppeal(appeal, d, decision, reason, actor);
      if (!result)
        throw new ConflictError('该申诉已处理，或扣分已被撤销 (appeal already decided or deduction already reversed)', 'appeal_decided');
      return result;
    },
  };
}

export type DeductionService = ReturnType<typeof deductionService>;

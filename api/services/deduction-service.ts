// Reversals and appeals: the rules around undoing points (incidents: incident-service.ts).
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import { may } from '../../domain/policy';
import type { AppealView, DeductionRepository, DeductionView } from '../../db/deduction-repository';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { evidenceView } from './evidence/evidence-view';


/** Recorded by an official through POST /api/incidents (not by a deadline), and not a reversal. */
export function isIncident(d: Pick<DeductionView, 'kind' | 'businessKey'>): boolean {
  return d.kind === 'DEDUCTION' && d.businessKey.split('|')[2] === 'incident';
}

export function deductionService(repo: DeductionRepository) {
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

    async detail(user: SessionUser, id: string) {
      const found = await repo.detail(user.scope, id);
      if (!found) throw new NotFoundError('扣分记录');
      const name = (uid: string | null) => (uid ? found.userNames.get(uid) ?? null : null);
      const withName = (d: DeductionView) => ({ ...d, recordedByName: name(d.recordedBy) });
      return {
        ...withName(found.deduction),
        // Links to the file and thumbnail routes, which check scope and audit each read themselves.
        evidence: found.evidence.map((e) => {
          const { id, fileName, mimeType, sizeBytes, sha256, takenAt, gps, url, thumbnailUrl, createdAt } = evidenceView(e, []);
          return { id, fileName, mimeType, sizeBytes, sha256, takenAt, gps, url, thumbnailUrl, createdAt, uploadedById: e.uploadedById, uploadedByName: name(e.uploadedById), source: e.source };
        }),
        reversal: found.reversal ? withName(found.reversal) : null,
        reverses: found.reverses ? withName(found.reverses) : null,
        appeals: found.appeals.map((a) => ({ ...a, filedByName: name(a.filedById), decidedByName: name(a.decidedById) })),
      };
    },

    async reverse(user: SessionUser, id: string, reason: string, actor: Actor): Promise<DeductionView> {
      const d = await get(user, id);
      reversible(d);
      const reversal = await repo.reverse(d, reason, actor);
      if (!reversal) throw new ConflictError('该扣分已被撤销 (deduction already reversed)', 'already_reversed');
      return reversal;
    },

    async fileAppeal(user: SessionUser, deductionId: string, reason: string, actor: Actor): Promise<AppealView> {
      const d = await get(user, deductionId);
      if (!may(user.role, 'appeals.file')) throw new ForbiddenError('申诉由本社区（村）干部或书记提出 (appeals are filed by the community staff or secretary)');
      reversible(d);
      if (await repo.hasPendingAppeal(d.id)) throw new ConflictError('该扣分已有待处理的申诉 (an appeal on this deduction is already pending)', 'appeal_pending');
      return repo.fileAppeal(d.id, reason, actor);
    },

    listAppeals(user: SessionUser, q: { status?: AppealView['status']; communityId?: string }) {
      if (q.communityId && !user.scope.includes(q.communityId)) throw new NotFoundError('社区（村）');
      return repo.listAppeals(user.scope, q);
    },

    async decideAppeal(user: SessionUser, appealId: string, decision: 'ACCEPTED' | 'REJECTED', reason: string, actor: Actor) {
      const appeal = await repo.findAppeal(user.scope, appealId);
      if (!appeal) throw new NotFoundError('申诉');
      if (appeal.status !== 'PENDING') throw new ConflictError('该申诉已处理 (appeal already decided)', 'appeal_decided');
      const d = await get(user, appeal.deductionId);
      if (decision === 'ACCEPTED') reversible(d);
      const result = await repo.decideAppeal(appeal, d, decision, reason, actor);
      if (!result) throw new ConflictError('该申诉已处理，或扣分已被撤销 (appeal already decided or deduction already reversed)', 'appeal_decided');
      return result;
    },
  };
}

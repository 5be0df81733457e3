// The hook through which ledger changes reach the scheduler. buildApp takes a
// LedgerEvents in its deps; the lead wires it to Temporal (start or signal the
// per-subject visit workflows). Default: no-op. Hooks run after the change is
// committed; a failing hook is logged and does not fail the request, so
// implementations must be idempotent and the scheduler should reconcile
// from the ledger table (the rows are the source of truth).
import type { LedgerSubjectView } from '../../db/ledger-repository';

export type { LedgerSubjectView };

export interface LedgerEvents {
  /** a person or site was added to a ledger (also once per row of an Excel import) */
  onSubjectAdded(subject: LedgerSubjectView): Promise<void>;
  /** riskLevel changed (visit cadence depends on it) */
  onRiskLevelChanged(subject: LedgerSubjectView, previousRiskLevel: string | null): Promise<void>;
  /** the entry was closed (endDate set): stop its visits */
  onSubjectClosed(subject: LedgerSubjectView): Promise<void>;
  /** a dispute was marked 已化解: its open follow-up is no longer owed */
  onSubjectSettled?(subject: LedgerSubjectView): Promise<void>;
}

export const noopLedgerEvents: LedgerEvents = {
  async onSubjectAdded() {},
  async onRiskLevelChanged() {},
  async onSubjectClosed() {},
};

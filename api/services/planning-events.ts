// The hook through which roster and calendar changes reach the scheduler,
// like LedgerEvents: buildApp takes a PlanningEvents in its deps (default
// no-op; api/server.ts wires scheduler-planning-events.ts). Hooks run after
// the change is committed; a failing hook is logged and the request still
// succeeds, because tonight's planner run reads the same rows again.

export interface DutyShiftChange {
  communityId: string;
  /** 'YYYY-MM-DD' */
  dutyDate: string;
  /** null: the shift was removed */
  userId: string | null;
}

export interface AddedWindow {
  townshipId: string;
  /** SensitiveWindow row id */
  id: string;
  name: string;
  /** 'YYYY-MM-DD' */
  startsOn: string;
  endsOn: string;
}

export interface PlanningEvents {
  /** a shift was created, replaced or removed (once per changed day of an import) */
  onDutyShiftChanged(change: DutyShiftChange): Promise<void>;
  /** the admin added a sensitive window */
  onSensitiveWindowAdded(window: AddedWindow): Promise<void>;
}

export const noopPlanningEvents: PlanningEvents = {
  async onDutyShiftChanged() {},
  async onSensitiveWindowAdded() {},
};

// Messages of the obligation workflow, shared by the workflow and its callers
// (API, tests). Updates carry validators: a bad request is rejected before it
// enters the history, with a reason a person can act on.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ObligationState } from './state';

export interface SubmitEvidenceInput {
  submissionId: string;
  communityId: string;
  submittedBy: string;
  evidenceIds: string[];
  /** how many of the required activities this submission stands for (default 1) */
  units?: number;
  note?: string;
}

export interface ReviewInput {
  submissionId: string;
  reviewerId: string;
  decision: 'approve' | 'reject';
  reason?: string;
}

export interface ExtendDeadlineInput {
  newDueAt: string;
  reason: string;
  by: string;
}

export interface WaiveInput {
  reason: string;
  by: string;
}

export interface AcknowledgeInput {
  by: string;
}

export const submitEvidenceUpdate = defineUpdate<ObligationState, [SubmitEvidenceInput]>('submitEvidence');
export const reviewUpdate = defineUpdate<ObligationState, [ReviewInput]>('review');
export const extendDeadlineUpdate = defineUpdate<ObligationState, [ExtendDeadlineInput]>('extendDeadline');
export const waiveUpdate = defineUpdate<ObligationState, [WaiveInput]>('waive');
export const acknowledgeEscalationUpdate = defineUpdate<ObligationState, [AcknowledgeInput]>('acknowledgeEscalation');
export const stateQuery = defineQuery<ObligationState>('state');

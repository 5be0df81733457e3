import type { EventType, Mention, Medium, Role, Urgency } from './types';

// Event and recipient shapes. Times are ISO-8601 strings so that events cross
// Temporal boundaries unchanged; everything here is plain data.

export interface TaskVars {
  communityName: string;
  ruleTitle: string;
  /** Rubric clause, e.g. "第二条第3款". */
  clause: string;
  /** Human period label, e.g. "2022年3月". */
  period: string;
  /** Deadline instant (ISO); shown in Asia/Shanghai. */
  deadline: string;
  /** Points deducted if missed. */
  points: number;
  /** Absolute http(s) link to the task page. */
  link: string;
  rejectionReason?: string;
  /** 1 secretary, 2 area leader, 3 political-legal member. */
  escalationLevel?: 1 | 2 | 3;
}

export interface TaskEvent {
  id: string;
  type: Exclude<EventType, 'digest'>;
  urgency: Urgency;
  /** An escalation the rulebook marks urgent (its escalation policy): sent during quiet hours too. */
  urgent?: boolean;
  /** When the notification is due (ISO). */
  at: string;
  communityId: string;
  task: TaskVars;
}

export interface DigestItem {
  eventId: string;
  eventType: Exclude<EventType, 'digest'>;
  task: TaskVars;
}

export interface DigestEvent {
  id: string;
  type: 'digest';
  /** escalation: the escalations of one batch window for one official (see escalationBatch) */
  urgency: Urgency;
  /** A batch holding an urgent escalation goes out during quiet hours too. */
  urgent?: boolean;
  at: string;
  /** Local day (Asia/Shanghai), YYYY-MM-DD. */
  day: string;
  link: string;
  items: DigestItem[];
}

export type NotifyEvent = TaskEvent | DigestEvent;

export interface RecipientPreferences {
  /** Media to try first; the role's default route follows behind them as fallback. */
  order?: Medium[];
  /** Media this user opted out of. */
  disabled?: Medium[];
  /** Officials: true = routine events gathered into one daily digest. */
  digest?: boolean;
}

export interface Recipient extends Mention {
  userId: string;
  role: Role;
  email?: string;
  communityId?: string;
  preferences?: RecipientPreferences;
}

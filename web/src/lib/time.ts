// Every date the user sees is Asia/Shanghai civil time, whatever the phone's
// time zone, because deadlines in the rubric are township dates.
import type { Task } from '../api/types';

const TZ = 'Asia/Shanghai';

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const ymdParts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

export const formatDateTime = (iso: string | Date) => dateTime.format(new Date(iso));
export const formatDate = (iso: string | Date) => dateOnly.format(new Date(iso));
/**
 * A deadline as the rubric says it: local midnight is 24:00 of the day before
 * ("2022/03/31 24:00"), never 00:00 of the next day.
 */
export function formatDeadline(iso: string | Date): string {
  const at = new Date(iso);
  const text = dateTime.format(at);
  if (!/\b(00|24):00$/.test(text)) return text;
  return `${dateOnly.format(new Date(at.getTime() - 1))} 24:00`;
}
/** yyyy-mm-dd in Shanghai */
export const shanghaiDay = (d: Date) => ymdParts.format(d);
export const shanghaiMonth = (d: Date) => shanghaiDay(d).slice(0, 7);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Time left (positive) or past (negative) split for display: days, hours, minutes. */
export function countdownParts(dueAt: string, now: number): { overdue: boolean; days: number; hours: number; minutes: number } {
  const diff = new Date(dueAt).getTime() - now;
  const abs = Math.abs(diff);
  return {
    overdue: diff < 0,
    days: Math.floor(abs / DAY),
    hours: Math.floor((abs % DAY) / HOUR),
    minutes: Math.floor((abs % HOUR) / 60_000),
  };
}

export type Urgency = 'overdue' | 'today' | 'week' | 'later' | 'waiting' | 'done';

/** Units still owed beyond what is accepted or awaiting review (a second patrol of the month, say). */
export const unitsStillOwed = (task: Pick<Task, 'requiredCount' | 'acceptedCount' | 'pendingUnits'>) =>
  Math.max(0, task.requiredCount - task.acceptedCount - task.pendingUnits);

/** Which list a task belongs in on the staff page. */
export function urgencyOf(task: Pick<Task, 'status' | 'dueAt' | 'requiredCount' | 'acceptedCount' | 'pendingUnits'>, now: Date): Urgency {
  if (task.status === 'CLOSED' || task.status === 'CLOSED_LATE' || task.status === 'WAIVED') return 'done';
  // Handed in for review: waiting, unless more units are still owed (then it stays to do).
  if (task.status === 'SUBMITTED' && unitsStillOwed(task) === 0) return 'waiting';
  const due = new Date(task.dueAt);
  if (task.status === 'OVERDUE' || due.getTime() < now.getTime()) return 'overdue';
  // A deadline of 24:00 today (00:00 tomorrow) is today's: compare the last instant before it.
  if (shanghaiDay(new Date(due.getTime() - 1)) === shanghaiDay(now)) return 'today';
  if (due.getTime() - now.getTime() <= 7 * DAY) return 'week';
  return 'later';
}

// Small presentational pieces used on several pages.
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { countdownParts } from '../lib/time';
import type { TaskStatus } from '../api/types';

/** Re-render every minute so countdowns stay true while the page is open. */
export function useNow(intervalMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function Countdown({ dueAt, now }: { dueAt: string; now: Date }) {
  const t = useT();
  const p = countdownParts(dueAt, now.getTime());
  const text =
    p.days > 0
      ? t(p.overdue ? 'countdown.overdue' : 'countdown.left', { d: p.days, h: p.hours })
      : t(p.overdue ? 'countdown.overdueHours' : 'countdown.leftHours', { h: p.hours, m: p.minutes });
  return (
    <span className={p.overdue ? 'countdown overdue' : 'countdown'}>
      <time dateTime={dueAt}>{text}</time>
    </span>
  );
}

export function StatusBadge({ status }: { status: TaskStatus }) {
  const t = useT();
  return <span className={`badge badge-${status.toLowerCase()}`}>{t(`status.${status}`)}</span>;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(value * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

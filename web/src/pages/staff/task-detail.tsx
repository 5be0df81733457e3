// One task: the rubric clause it comes from, what evidence closes it, what
// was submitted and why anything was rejected, and the camera upload.
import { useState } from 'react';
import { api } from '../../api/client';
import type { Assignees, Submission, TaskDetail } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { StatusBadge, useNow } from '../../components/widgets';
import { useT, type MessageKey } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { formatDateTime, formatDeadline, unitsStillOwed } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import { PhotoItem, PhotoPicker, usePhotoUploads } from './photo-upload';
import { TaskState } from './task-list';

export function TaskDetailPage({ id }: { id: string }) {
  const t = useT();
  const state = useFetch(() => api.get<TaskDetail>(`/api/tasks/${encodeURIComponent(id)}`), [id]);
  return (
    <section>
      <p>
        <a href="#/tasks">← {t('common.back')}</a>
      </p>
      <Load state={state} route="GET /api/tasks/:id">
        {(task) => <TaskView task={task} onChanged={state.reload} />}
      </Load>
    </section>
  );
}

function TaskView({ task, onChanged }: { task: TaskDetail; onChanged: () => void }) {
  const t = useT();
  const now = useNow();
  const live = task.status === 'OPEN' || task.status === 'OVERDUE' || task.status === 'SUBMITTED';
  const types = task.evidence.types.map((ty) => t(`evidence.${ty}` as MessageKey)).join('、');
  return (
    <article aria-labelledby="task-title">
      <h1 id="task-title">
        {task.title}
        {task.subjectName && `：${task.subjectName}`}
      </h1>
      <p className="task-row">
        <StatusBadge status={task.status} />
        {live && <TaskState task={task} now={now} />}
        {(task.status === 'OPEN' || task.status === 'SUBMITTED') && task.points > 0 && (
          <span className="risk">{t('tasks.atRisk', { points: task.points })}</span>
        )}
      </p>
      {live && task.requiredCount > 1 && unitsStillOwed(task) > 0 && (
        <p className="owed" data-testid="units-owed">
          {t('tasks.unitsOwed', { count: unitsStillOwed(task) })}
        </p>
      )}
      {live && task.rejectedReason && (
        <p className="error-text" role="note">
          {t('task.rejectedReason', { reason: task.rejectedReason })}
        </p>
      )}
      {!live && <Outcome task={task} />}
      <dl className="facts">
        <dt>{t('common.community')}</dt>
        <dd>{task.communityName}</dd>
        <dt>{t('task.period')}</dt>
        <dd>{task.periodLabel}</dd>
        <dt>{t('task.due')}</dt>
        <dd>{formatDeadline(task.dueAt)}</dd>
        <dt>{t('task.progressLabel')}</dt>
        <dd>
          {task.acceptedCount} / {task.requiredCount}
        </dd>
        <dt>{t('task.assignee')}</dt>
        <dd>{task.assigneeName ?? t('task.assigneeNone')}</dd>
      </dl>
      {live && <AssignForm task={task} onAssigned={onChanged} />}
      {task.requestNote && (
        <>
          <h2>{t('task.requestNote')}</h2>
          <p>{task.requestNote}</p>
        </>
      )}
      <h2>{t('task.clause')}</h2>
      <blockquote className="clause">{task.clause}</blockquote>
      <h2>{t('task.evidenceNeeded')}</h2>
      <p>{t('task.evidenceCount', { count: task.evidence.minCount, types })}</p>
      {live && <EvidenceForm task={task} onSubmitted={onChanged} />}
      <h2>{t('task.submissions')}</h2>
      {task.submissions.length === 0 ? (
        <p className="muted">{t('task.noSubmissions')}</p>
      ) : (
        <ul className="submissions">
          {task.submissions.map((s) => (
            <SubmissionView key={s.id} submission={s} />
          ))}
        </ul>
      )}
    </article>
  );
}

/** Secretaries and officials hand the task to one person of the community; reminders then go to that person. */
function AssignForm({ task, onAssigned }: { task: TaskDetail; onAssigned: () => void }) {
  const t = useT();
  const { me } = useSession();
  const [choice, setChoice] = useState(task.assigneeId ?? '');
  const [done, setDone] = useState('');
  const [error, setError] = useState<unknown>();
  const mayAssign = can(me, 'tasks.assign');
  const people = useFetch(
    () => (mayAssign ? api.get<Assignees>(`/api/tasks/${encodeURIComponent(task.id)}/assignees`) : Promise.resolve({ users: [] })),
    [task.id, mayAssign],
  );
  if (!mayAssign) return null;
  async function assign() {
    setError(undefined);
    setDone('');
    try {
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/assign`, { assigneeId: choice || null });
      setDone(t('task.assigned'));
      onAssigned();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <div className="card assign">
      <label htmlFor="assignee">{t('task.assignTo')}</label>
      <Load state={people} route="GET /api/tasks/:id/assignees">
        {({ users }) => (
          <select id="assignee" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">{t('task.assigneeNone')}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
        )}
      </Load>
      <button type="button" onClick={() => void assign()}>
        {t('task.assign')}
      </button>
      {done && (
        <p className="ok small" role="status">
          {done}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} route="POST /api/tasks/:id/assign" />}
    </div>
  );
}

// The task's ending, said in words: nothing more to do, and whether points were lost.
function Outcome({ task }: { task: TaskDetail }) {
  const t = useT();
  const at = task.closedAt ? formatDateTime(task.closedAt) : '';
  if (task.status === 'CLOSED')
    return (
      <p className="outcome outcome-closed" role="status" data-testid="task-outcome">
        ✓ {t('task.outcomeClosed', { time: at })}
      </p>
    );
  if (task.status === 'CLOSED_LATE')
    return (
      <p className="outcome outcome-late" role="status" data-testid="task-outcome">
        ✓ {t('task.outcomeClosedLate', { time: at })}
      </p>
    );
  if (task.status === 'WAIVED')
    return (
      <p className="outcome" role="status" data-testid="task-outcome">
        {t('task.outcomeWaived', { reason: task.waiverReason ?? '' })}
      </p>
    );
  return null;
}

function SubmissionView({ submission: s }: { submission: Submission }) {
  const t = useT();
  const label = s.status === 'REJECTED' ? t('task.rejected') : s.status === 'ACCEPTED' ? t('task.accepted') : t('task.pending');
  return (
    <li className={`submission submission-${s.status.toLowerCase()}`}>
      <p>
        <strong>{label}</strong> <span className="muted">{formatDateTime(s.createdAt)}</span>
        {s.late && <span className="badge badge-overdue">{t('task.late')}</span>}
      </p>
      {s.status === 'REJECTED' && s.review?.reason && (
        <p className="error-text" role="note">
          {t('task.rejectedReason', { reason: s.review.reason })}
        </p>
      )}
      <ul className="thumbs">
        {s.files.map((f) => (
          <li key={f.id}>
            <a href={f.url} target="_blank" rel="noreferrer">
              {f.mimeType.startsWith('image/') ? <img src={f.thumbnailUrl ?? f.url} alt={f.fileName} loading="lazy" /> : f.fileName}
            </a>
          </li>
        ))}
      </ul>
    </li>
  );
}

function EvidenceForm({ task, onSubmitted }: { task: TaskDetail; onSubmitted: () => void }) {
  const t = useT();
  const uploads = usePhotoUploads(task.communityId);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const done = uploads.photos.filter((p) => p.state === 'done' && p.result);
  const stillWorking = uploads.photos.some((p) => p.state !== 'done');
  // A multi-unit task (two patrols a month) is handed in one unit at a time:
  // each unit needs its share of the evidence, and the photos on hand count as that many units.
  const perUnit = Math.max(1, Math.ceil(task.evidence.minCount / Math.max(1, task.requiredCount)));
  const owed = Math.max(1, unitsStillOwed(task));
  const units = Math.max(1, Math.min(owed, Math.floor(done.length / perUnit)));
  const missing = Math.max(0, perUnit - done.length);

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/submissions`, {
        evidenceIds: done.map((p) => p.result!.id),
        note: note.trim() || undefined,
        ...(task.requiredCount > 1 ? { units } : {}),
      });
      uploads.clear();
      setNote('');
      onSubmitted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">{t('task.addEvidence')}</h2>
      <PhotoPicker onFiles={uploads.add} />
      {uploads.photos.length > 0 && (
        <ul className="photos">
          {uploads.photos.map((p) => (
            <PhotoItem key={p.key} photo={p} onRetry={() => uploads.retry(p.key)} onRemove={() => uploads.remove(p.key)} />
          ))}
        </ul>
      )}
      <label htmlFor="note">{t('task.note')}</label>
      <textarea id="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      {missing > 0 && <p className="muted small">{t('task.needMore', { count: missing })}</p>}
      {task.requiredCount > 1 && missing === 0 && (
        <p className="muted small" data-testid="units-this-time">
          {t('task.unitsThisTime', { units })}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} route="POST /api/tasks/:id/submissions" />}
      <button
        type="button"
        className="primary"
        disabled={busy || done.length === 0 || stillWorking || missing > 0}
        onClick={() => void submit()}
      >
        {t('task.submitEvidence', { count: done.length })}
      </button>
    </section>
  );
}

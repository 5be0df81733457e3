// Evidence review: the photo beside what it claims (EXIF time and place, the
// deadline, the "photo used before" flag), so a reviewer can spot a recycled
// or back-dated picture before approving.
import { useState } from 'react';
import { api } from '../../api/client';
import type { EvidenceFile, PendingReview, PendingReviews } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { ReasonAction } from '../../components/reason-form';
import { useT, type Translate } from '../../i18n';
import { formatDateTime, formatDeadline } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function ReviewsPage() {
  const t = useT();
  const state = useFetch(async () => (await api.get<PendingReviews>('/api/reviews/pending')).reviews, []);
  return (
    <section aria-labelledby="review-title">
      <h1 id="review-title">{t('review.title')}</h1>
      <Load state={state} route="GET /api/reviews/pending">
        {(list) =>
          list.length === 0 ? (
            <p className="empty">{t('review.empty')}</p>
          ) : (
            <ul className="cards">
              {list.map((r) => (
                <ReviewCard key={r.submission.id} review={r} onDone={state.reload} />
              ))}
            </ul>
          )
        }
      </Load>
    </section>
  );
}

function ReviewCard({ review: { task, submission }, onDone }: { review: PendingReview; onDone: () => void }) {
  const t = useT();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const url = `/api/tasks/${encodeURIComponent(task.id)}/submissions/${encodeURIComponent(submission.id)}/review`;
  const decide = (decision: 'approve' | 'reject', reason?: string) => api.post(url, { decision, reason }).then(onDone);
  return (
    <li className="card review-card">
      <h2 className="card-title">
        <a href={`#/tasks/${task.id}`}>
          {task.title}
          {task.subjectName && `：${task.subjectName}`}
        </a>
        {submission.late && (
          <>
            {' '}
            <span className="badge badge-overdue" data-testid="late-badge">
              {t('task.late')}
            </span>
          </>
        )}
      </h2>
      <p className="muted small">
        {task.communityName} · {task.periodLabel} · {t('task.due')} {formatDeadline(task.dueAt)} ·{' '}
        {t('review.uploadedAt', { time: formatDateTime(submission.createdAt) })}
      </p>
      <blockquote className="clause small">{task.clause}</blockquote>
      {submission.note && <p>{submission.note}</p>}
      <ul className="review-files">
        {submission.files.map((f) => (
          <FileFacts key={f.id} file={f} dueAt={task.dueAt} submittedAt={submission.createdAt} />
        ))}
      </ul>
      {error !== undefined && <ErrorBox error={error} route="POST /api/tasks/:id/submissions/:submissionId/review" />}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            decide('approve')
              .catch(setError)
              .finally(() => setBusy(false));
          }}
        >
          {t('review.approve')}
        </button>
        <ReasonAction
          label={t('review.reject')}
          reasonLabel={t('review.rejectReason')}
          route="POST …/review"
          danger
          onSubmit={(reason) => decide('reject', reason)}
        />
      </div>
    </li>
  );
}

const MONTH_MS = 31 * 24 * 3_600_000;

/** Where the photo was taken, as the distance from the community (the API computes it with domain/geo/distance.ts). */
function placeText(t: Translate, file: EvidenceFile): string {
  if (!file.gps) return t('review.noGps');
  const m = file.distanceM;
  if (m === null || m === undefined) return t('review.officeUnset', { coords: `${file.gps.lat.toFixed(5)}, ${file.gps.lon.toFixed(5)}` });
  return m < 1000 ? t('review.distance', { meters: m }) : t('review.distanceKm', { km: (m / 1000).toFixed(1) });
}

function FileFacts({ file, dueAt, submittedAt }: { file: EvidenceFile; dueAt: string; submittedAt: string }) {
  const t = useT();
  // A photo taken after the deadline, or weeks before it was handed in, deserves a second look.
  const taken = file.takenAt ? new Date(file.takenAt).getTime() : undefined;
  const suspicious = taken !== undefined && (taken > new Date(dueAt).getTime() || new Date(submittedAt).getTime() - taken > MONTH_MS);
  return (
    <li className="review-file">
      <a href={file.url} target="_blank" rel="noreferrer" className="review-photo">
        {file.mimeType.startsWith('image/') ? (
          <img src={file.thumbnailUrl ?? file.url} alt={t('review.photo', { name: file.fileName })} />
        ) : (
          file.fileName
        )}
      </a>
      <dl className="facts">
        <dt>{t('review.takenAt')}</dt>
        <dd className={suspicious ? 'warn' : ''}>
          {file.takenAt ? formatDateTime(file.takenAt) : t('review.unknown')}
          {suspicious && <> ⚠ {t('review.oddTime')}</>}
        </dd>
        <dt>{t('review.place')}</dt>
        <dd data-testid="photo-place">{placeText(t, file)}</dd>
        <dt>{t('review.usedBefore')}</dt>
        <dd>
          {file.usedBefore ? (
            <strong className="flag" role="note">
              ⚠ {t('review.usedBeforeFlag')}
            </strong>
          ) : (
            <span className="ok">{t('review.fresh')}</span>
          )}
        </dd>
      </dl>
    </li>
  );
}

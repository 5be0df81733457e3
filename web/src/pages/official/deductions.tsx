// Every point lost, and for each one the why: rule and clause, what was
// missing, who or which automatic check recorded it, evidence, reversal and appeals.
import { api } from '../../api/client';
import type { CommunityRow, DeductionDetail, ListedDeduction } from '../../api/types';
import { Load } from '../../components/status';
import { ReasonAction } from '../../components/reason-form';
import { AppealFiles, AppealForm } from '../../components/appeal-files';
import { useT } from '../../i18n';
import { hashQuery } from '../../lib/hash-query';
import { can, useSession } from '../../lib/session';
import { formatDate, formatDateTime } from '../../lib/time';
import { codeLabel, periodText } from '../../lib/labels';
import { useFetch } from '../../lib/use-fetch';
import { navigate } from '../../lib/router';
import rulebook from 'virtual:rulebook';

const ruleById = new Map(rulebook.rules.map((r) => [r.id, r]));

export function DeductionsPage() {
  const t = useT();
  const q = hashQuery();
  const communityId = q.get('communityId') ?? '';
  const ruleId = q.get('ruleId') ?? '';
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  // Each row says what it counts for after its clause's cap, from the score function (本项已扣满: 0).
  const list = useFetch(() => api.get<ListedDeduction[]>('/api/deductions', { communityId, ruleId, limit: 500 }), [communityId, ruleId]);
  const names = new Map((communities.data ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="ded-title">
      <h1 id="ded-title">{t('ded.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="ded-community">{t('common.community')}</label>
        <select
          id="ded-community"
          value={communityId}
          onChange={(e) => navigate(`/deductions${e.target.value ? `?communityId=${e.target.value}` : ''}`)}
        >
          <option value="">{t('common.all')}</option>
          {(communities.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {ruleId && (
          <span className="muted">
            {t('ded.rule')}: {ruleById.get(ruleId)?.title ?? t('ded.unknownRule')}
          </span>
        )}
      </form>
      <Load state={list} route="GET /api/deductions">
        {(rows) =>
          rows.length === 0 ? (
            <p className="empty">{t('ded.empty')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('ded.when')}</th>
                  <th scope="col">{t('common.community')}</th>
                  <th scope="col">{t('ded.rule')}</th>
                  <th scope="col">{t('inc.points')}</th>
                  <th scope="col">{t('ded.explanation')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('ded.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} className={d.reversedById ? 'reversed' : ''}>
                    <td>{formatDate(d.occurredAt)}</td>
                    <td>{names.get(d.communityId) ?? '—'}</td>
                    <td>{d.item}</td>
                    <td className="num">
                      {d.kind === 'REVERSAL' ? '+' : '−'}
                      {d.points}
                      {d.reversedById && <span className="badge">{t('ded.reversed')}</span>}
                      {d.counted === 0 && (
                        <span className="badge" data-testid="cap-reached">
                          {t('score.capReached')}
                        </span>
                      )}
                    </td>
                    <td className="explain">{d.explanation}</td>
                    <td>
                      <a href={`#/deductions/${d.id}`}>{t('ded.open')}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </section>
  );
}

export function DeductionDetailPage({ id }: { id: string }) {
  const t = useT();
  const { me } = useSession();
  const state = useFetch(() => api.get<DeductionDetail>(`/api/deductions/${encodeURIComponent(id)}`), [id]);
  return (
    <section aria-labelledby="dd-title">
      <p>
        <a
          href="#/deductions"
          onClick={(e) => {
            e.preventDefault();
            history.back();
          }}
        >
          ← {t('common.back')}
        </a>
      </p>
      <Load state={state} route="GET /api/deductions/:id">
        {(d) => {
          const rule = ruleById.get(d.ruleId);
          const auto = d.recordedBy.startsWith('auto:');
          return (
            <article>
              <h1 id="dd-title">
                {t(`ded.kind.${d.kind}`)} {d.points} · {d.item}
              </h1>
              <dl className="facts">
                <dt>{t('ded.rule')}</dt>
                <dd>{rule ? rule.title : d.item}</dd>
                {periodText(d.periodKey) && (
                  <>
                    <dt>{t('ded.period')}</dt>
                    <dd>{periodText(d.periodKey)}</dd>
                  </>
                )}
                <dt>{t('ded.when')}</dt>
                <dd>{formatDateTime(d.occurredAt)}</dd>
                <dt>{t('ded.recordedBy')}</dt>
                <dd>{auto ? codeLabel(t, 'ded.check.', d.recordedBy.slice(5), t('ded.auto')) : (d.recordedByName ?? t('ded.someone'))}</dd>
              </dl>
              {rule && <blockquote className="clause">{rule.clause}</blockquote>}
              <h2>{t('ded.explanation')}</h2>
              <p>{d.explanation}</p>
              {d.obligationId && (
                <p>
                  <a href={`#/tasks/${d.obligationId}`}>{t('nav.tasks')} →</a>
                </p>
              )}
              <h2>{t('ded.evidence')}</h2>
              {d.evidence.length === 0 ? (
                <p className="muted">{t('common.none')}</p>
              ) : (
                <ul className="plain-list">
                  {d.evidence.map((e) => (
                    <li key={e.id}>
                      {e.thumbnailUrl && <img src={e.thumbnailUrl} alt={e.fileName} height={64} />}{' '}
                      <a href={e.url} target="_blank" rel="noreferrer">
                        {e.fileName}
                      </a>{' '}
                      <span className="muted small" title={`SHA-256 ${e.sha256}`}>
                        {t(e.source === 'incident' ? 'ded.evidence.incident' : 'ded.evidence.submission')} · {e.uploadedByName ?? ''} ·{' '}
                        {formatDateTime(e.createdAt)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {d.appeals.some((a) => a.status === 'PENDING') && (
                <p className="notice small" role="status">
                  {t('ded.appealPending')}
                </p>
              )}
              {d.reversal && (
                <>
                  <h2>{t('ded.reversal')}</h2>
                  <p>
                    {formatDateTime(d.reversal.occurredAt)} · {d.reversal.recordedByName}：{d.reversal.explanation}
                  </p>
                </>
              )}
              <h2>{t('ded.appeals')}</h2>
              {d.appeals.length === 0 ? (
                <p className="muted">{t('common.none')}</p>
              ) : (
                <ul className="plain-list">
                  {d.appeals.map((a) => (
                    <li key={a.id}>
                      <strong>{t(`appeal.status.${a.status}`)}</strong> {a.filedByName}：{a.reason}
                      {a.decisionReason && (
                        <div className="muted small">
                          {a.decidedByName}：{a.decisionReason}
                        </div>
                      )}
                      <AppealFiles files={a.files} />
                    </li>
                  ))}
                </ul>
              )}
              {d.kind === 'DEDUCTION' && !d.reversal && (
                <div className="actions">
                  {can(me, 'deductions.reverse') && (
                    <ReasonAction
                      label={t('ded.reverse')}
                      reasonLabel={t('common.reason')}
                      route="POST /api/deductions/:id/reversals"
                      danger
                      onSubmit={(reason) => api.post(`/api/deductions/${d.id}/reversals`, { reason }).then(state.reload)}
                    />
                  )}
                  {/* One appeal at a time: while one is pending there is nothing more to file. */}
                  {can(me, 'appeals.file') && !d.appeals.some((a) => a.status === 'PENDING') && (
                    <AppealForm deduction={d} onFiled={state.reload} />
                  )}
                </div>
              )}
            </article>
          );
        }}
      </Load>
    </section>
  );
}

// Appeals against deductions: accepting one reverses the deduction (a new
// row, nothing deleted); either way the official writes why.
import { api } from '../../api/client';
import type { Appeal } from '../../api/types';
import { Load } from '../../components/status';
import { ReasonAction } from '../../components/reason-form';
import { AppealFiles } from '../../components/appeal-files';
import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function AppealsPage() {
  const t = useT();
  const state = useFetch(() => api.get<Appeal[]>('/api/appeals'), []);
  return (
    <section aria-labelledby="appeal-title">
      <h1 id="appeal-title">{t('appeal.title')}</h1>
      <Load state={state} route="GET /api/appeals">
        {(list) =>
          list.length === 0 ? (
            <p className="empty">{t('appeal.empty')}</p>
          ) : (
            <ul className="cards">
              {list.map((a) => (
                <li key={a.id} className="card">
                  <p>
                    <strong>{t(`appeal.status.${a.status}`)}</strong> <span className="muted small">{formatDateTime(a.createdAt)}</span>
                  </p>
                  <p data-testid="appeal-context">
                    {t('appeal.context', {
                      community: a.communityName,
                      item: a.item,
                      rule: a.ruleTitle,
                      points: a.points,
                      filer: a.filedByName ?? t('ded.someone'),
                    })}
                  </p>
                  <p>{a.reason}</p>
                  <AppealFiles files={a.files} />
                  <p>
                    <a href={`#/deductions/${a.deductionId}`}>{t('ded.title')} →</a>
                  </p>
                  {a.decisionReason && <p className="muted small">{a.decisionReason}</p>}
                  {a.status === 'PENDING' && (
                    <div className="actions">
                      <ReasonAction
                        label={t('appeal.accept')}
                        reasonLabel={t('appeal.decisionReason')}
                        route="POST /api/appeals/:id/decision"
                        onSubmit={(reason) =>
                          api.post(`/api/appeals/${a.id}/decision`, { decision: 'ACCEPTED', reason }).then(state.reload)
                        }
                      />
                      <ReasonAction
                        label={t('appeal.rejectIt')}
                        reasonLabel={t('appeal.decisionReason')}
                        route="POST /api/appeals/:id/decision"
                        danger
                        onSubmit={(reason) =>
                          api.post(`/api/appeals/${a.id}/decision`, { decision: 'REJECTED', reason }).then(state.reload)
                        }
                      />
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Load>
    </section>
  );
}

// Ledgers (台账) kept in the browser: list with search and filters, add, edit,
// close with a reason, a detail view with the responsible worker, Excel import
// (checked row by row before anything is saved) and export in one Chinese
// template, and the yearly "本社区无此类人员/场所" declaration. ID numbers are
// masked everywhere; "查看完整信息" is a separate, audited request offered
// only to the roles the server allows.
import { useMemo, useState } from 'react';
import { api, withQuery } from '../../api/client';
import type { CommunityRow, LedgerCategory, LedgerDeclaration, LedgerSubject, Member } from '../../api/types';
import { Load } from '../../components/status';
import { useT, type MessageKey } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { useFetch } from '../../lib/use-fetch';
import { DeclareForm, ImportPanel, LedgerDetail, LedgerForm, missingFields, type LedgerContext } from './ledger-forms';

type Mode = { kind: 'list' } | { kind: 'add' } | { kind: 'import' } | { kind: 'declare' } | { kind: 'detail'; id: string };

export function LedgersPage() {
  const t = useT();
  const { me } = useSession();
  const [communityId, setCommunityId] = useState(me.communities.length === 1 ? me.communities[0]!.id : '');
  const [category, setCategory] = useState('');
  const [risk, setRisk] = useState('');
  const [search, setSearch] = useState('');
  const [incomplete, setIncomplete] = useState(false);
  const [includeClosed, setIncludeClosed] = useState(false);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState('');
  const year = new Date().getFullYear();

  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const categories = useFetch(() => api.get<LedgerCategory[]>('/api/ledgers/categories'), []);
  const list = useFetch(
    () => api.get<LedgerSubject[]>('/api/ledgers', { communityId, category, includeClosed }),
    [communityId, category, includeClosed],
  );
  const declarations = useFetch(
    () => api.get<LedgerDeclaration[]>('/api/ledgers/declarations', { year, communityId }),
    [communityId, year],
  );
  const workers = useFetch(
    () => (communityId ? api.get<Member[]>('/api/ledgers/workers', { communityId }) : Promise.resolve([])),
    [communityId],
  );

  const communityNames = new Map((communities.data ?? []).map((c) => [c.id, c.name]));
  const categoryList = categories.data ?? [];
  const ctx: LedgerContext = {
    communityId,
    categories: categoryList,
    workers: workers.data ?? [],
    permissions: {
      readSensitive: can(me, 'ledgers.readSensitive'),
      close: can(me, 'ledgers.close'),
      declare: can(me, 'ledgers.declareNone'),
    },
    communityName: communityNames.get(communityId) ?? '',
  };
  const workerName = new Map(ctx.workers.map((w) => [w.id, w.displayName]));
  const categoryName = new Map(categoryList.map((c) => [c.code, c.name]));

  const rows = useMemo(
    () =>
      (list.data ?? []).filter((s) => {
        if (risk && s.riskLevel !== risk) return false;
        if (search.trim() && !`${s.displayName} ${Object.values(s.fields).join(' ')}`.includes(search.trim())) return false;
        if (incomplete && missingFields(s, categoryList, ctx.workers.length > 0).length === 0) return false;
        return true;
      }),
    [list.data, risk, search, incomplete, categoryList, ctx.workers.length],
  );

  const done = (message: string) => {
    setNotice(message);
    setMode({ kind: 'list' });
    list.reload();
    declarations.reload();
  };

  if (mode.kind === 'detail') {
    const subject = (list.data ?? []).find((s) => s.id === mode.id);
    if (subject) {
      return (
        <>
          {notice && (
            <p className="notice ok-text" role="status">
              {notice}
            </p>
          )}
          <LedgerDetail
            subject={subject}
            ctx={ctx}
            onBack={() => setMode({ kind: 'list' })}
            onChanged={(m) => {
              setNotice(m);
              list.reload();
            }}
          />
        </>
      );
    }
  }

  const declared = (declarations.data ?? []).filter((d) => !communityId || d.communityId === communityId);
  return (
    <section aria-labelledby="ledger-title">
      <div className="title-row">
        <h1 id="ledger-title">{t('nav.ledgers')}</h1>
        <div className="actions">
          {communityId && (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setNotice('');
                setMode({ kind: 'add' });
              }}
            >
              {t('ledger.add')}
            </button>
          )}
          {communityId && (
            <button
              type="button"
              onClick={() => {
                setNotice('');
                setMode({ kind: 'import' });
              }}
            >
              {t('ledger.import')}
            </button>
          )}
          <a className="button" href={withQuery('/api/ledgers/export', { communityId, category, includeClosed })} download>
            {t('ledger.export')}
          </a>
          {communityId && ctx.permissions.declare && (
            <button
              type="button"
              onClick={() => {
                setNotice('');
                setMode({ kind: 'declare' });
              }}
            >
              {t('ledger.declare')}
            </button>
          )}
        </div>
      </div>
      <p className="muted small">{t('ledger.masked')}</p>
      {notice && (
        <p className="notice ok-text" role="status">
          {notice}
        </p>
      )}
      {!communityId && <p className="muted small">{t('ledger.pickCommunity')}</p>}

      {mode.kind === 'add' && (
        <LedgerForm
          ctx={ctx}
          onCancel={() => setMode({ kind: 'list' })}
          onSaved={(s) => done(t('ledger.added', { name: s.displayName }))}
        />
      )}
      {mode.kind === 'import' && (
        <ImportPanel ctx={ctx} onCancel={() => setMode({ kind: 'list' })} onImported={(n) => done(t('ledger.imported', { count: n }))} />
      )}
      {mode.kind === 'declare' && (
        <DeclareForm
          ctx={ctx}
          year={year}
          onCancel={() => setMode({ kind: 'list' })}
          onDeclared={(name) => done(t('ledger.declared', { category: name, year }))}
        />
      )}

      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {me.communities.length !== 1 && (
          <>
            <label htmlFor="lg-community">{t('common.community')}</label>
            <select id="lg-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {(communities.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="lg-category">{t('ledger.category')}</label>
        <select id="lg-category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {categoryList.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
        <label htmlFor="lg-risk">{t('ledger.risk')}</label>
        <select id="lg-risk" value={risk} onChange={(e) => setRisk(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {(['low', 'medium', 'high'] as const).map((r) => (
            <option key={r} value={r}>
              {t(`ledger.risk.${r}`)}
            </option>
          ))}
        </select>
        <label htmlFor="lg-search">{t('ledger.search')}</label>
        <input
          id="lg-search"
          type="search"
          value={search}
          placeholder={t('ledger.searchHint')}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={incomplete} onChange={(e) => setIncomplete(e.target.checked)} />
          {t('ledger.onlyIncomplete')}
        </label>
        <label className="check">
          <input type="checkbox" checked={includeClosed} onChange={(e) => setIncludeClosed(e.target.checked)} />
          {t('ledger.includeClosed')}
        </label>
      </form>

      {declared.length > 0 && (
        <p className="small" data-testid="declarations">
          {t('ledger.declaredList', { year })}
          {declared
            .map((d) => `${categoryName.get(d.category) ?? ''}${communityId ? '' : `（${communityNames.get(d.communityId) ?? ''}）`}`)
            .join('、')}
        </p>
      )}

      <Load state={list} route="GET /api/ledgers">
        {() =>
          rows.length === 0 ? (
            <p className="empty">{t('ledger.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table className="table" aria-label={t('nav.ledgers')}>
                <thead>
                  <tr>
                    <th scope="col">{t('ledger.name')}</th>
                    <th scope="col">{t('ledger.category')}</th>
                    {!communityId && <th scope="col">{t('common.community')}</th>}
                    <th scope="col">{t('ledger.risk')}</th>
                    <th scope="col">{t('ledger.worker')}</th>
                    <th scope="col">{t('ledger.completeness')}</th>
                    <th scope="col">{t('ledger.state')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((s) => {
                    const missing = missingFields(s, categoryList, ctx.workers.length > 0);
                    return (
                      <tr key={s.id}>
                        <th scope="row">
                          <button
                            type="button"
                            className="link"
                            onClick={() => {
                              setNotice('');
                              setMode({ kind: 'detail', id: s.id });
                            }}
                          >
                            {s.displayName}
                          </button>
                        </th>
                        <td>{categoryName.get(s.category) ?? ''}</td>
                        {!communityId && <td>{communityNames.get(s.communityId) ?? ''}</td>}
                        <td>{s.riskLevel ? t(`ledger.risk.${s.riskLevel}` as MessageKey) : '—'}</td>
                        <td>
                          {s.responsibleUserId ? (
                            (workerName.get(s.responsibleUserId) ?? t('ledger.assigned'))
                          ) : (
                            <span className="warn">{t('ledger.noWorker')}</span>
                          )}
                        </td>
                        <td>
                          {missing.length === 0 ? (
                            <span className="ok-text">{t('ledger.complete')}</span>
                          ) : (
                            <span className="warn">{t('ledger.missing', { fields: missing.join('、') })}</span>
                          )}
                        </td>
                        <td>{s.endDate ? t('ledger.closedOn', { date: s.endDate }) : t('ledger.onLedger')}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
    </section>
  );
}

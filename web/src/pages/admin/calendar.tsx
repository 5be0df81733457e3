// Sensitive dates (重要时间节点) of a year: the recurring ones the rulebook
// defines (solar and lunar dates, computed by the server for the year) and the
// ones the township adds for a single year. Added windows also count for
// one-on-one petitioner control (rules with `windows: all`).
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CalendarYear, SensitiveWindow as CalendarWindow } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT, type Translate } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { shanghaiDay } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook, { type SensitiveWindowDef } from 'virtual:rulebook';

function describe(t: Translate, d: Record<string, string>): string {
  if (d.lunar) return t('calendar.lunar', { date: d.lunar });
  if (d.solar) return t('calendar.solar', { date: d.solar });
  return t('calendar.once', { date: d.date ?? '' });
}

export function CalendarPage() {
  const t = useT();
  const { me } = useSession();
  const canEdit = can(me, 'sensitiveWindows.edit');
  const [year, setYear] = useState(Number(shanghaiDay(new Date()).slice(0, 4)));
  const calendar = useFetch(() => api.get<CalendarYear>('/api/sensitive-windows', { year }), [year]);
  const [deleteError, setDeleteError] = useState<unknown>();
  const definitions = new Map(rulebook.sensitiveWindows.map((w: SensitiveWindowDef) => [w.id, w]));

  async function remove(w: CalendarWindow) {
    setDeleteError(undefined);
    try {
      await api.del(`/api/sensitive-windows/${w.id}`);
      calendar.reload();
    } catch (error) {
      setDeleteError(error);
    }
  }

  return (
    <section aria-labelledby="cal-title">
      <h1 id="cal-title">{t('calendar.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="cal-year">{t('calendar.year')}</label>
        <input
          id="cal-year"
          type="number"
          min={2000}
          max={2100}
          value={year}
          onChange={(e) => e.target.value && setYear(Number(e.target.value))}
        />
      </form>
      {deleteError !== undefined && <ErrorBox error={deleteError} route="DELETE /api/sensitive-windows/:id" />}
      <Load state={calendar} route="GET /api/sensitive-windows">
        {(data) => {
          const fromRulebook = data.windows.filter((w) => w.source === 'rulebook');
          const added = data.windows.filter((w) => w.source === 'admin');
          return (
            <>
              {!data.rulebook && (
                <p className="notice notice-missing" role="status">
                  {t('calendar.noRulebook', { year: data.year })}
                </p>
              )}
              <h2>{t('calendar.fromRulebook')}</h2>
              {fromRulebook.length === 0 ? (
                <p className="muted">{t('common.none')}</p>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('calendar.name')}</th>
                      <th scope="col">{t('calendar.range')}</th>
                      <th scope="col">{t('calendar.rule')}</th>
                      <th scope="col">{t('calendar.rulebookDef')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {fromRulebook.map((w) => {
                      const def = definitions.get(w.windowId);
                      return (
                        <tr key={w.id}>
                          <th scope="row">{w.name}</th>
                          <td>{t('calendar.span', { first: w.firstDay, last: w.lastDay })}</td>
                          <td className="small">{w.rules.map((r) => r.title).join('；') || '—'}</td>
                          <td className="muted small">
                            {def
                              ? `${describe(t, def.start)} — ${describe(t, def.end)} · ${t('calendar.around', { before: def.daysBefore ?? 0, after: def.daysAfter ?? 0 })}`
                              : '—'}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
              <h2>{t('calendar.admin')}</h2>
              {added.length === 0 ? (
                <p className="muted">{t('common.none')}</p>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('calendar.name')}</th>
                      <th scope="col">{t('calendar.range')}</th>
                      <th scope="col">{t('calendar.rule')}</th>
                      {canEdit && (
                        <th scope="col">
                          <span className="visually-hidden">{t('roster.actions')}</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {added.map((w) => (
                      <tr key={w.id}>
                        <th scope="row">{w.name}</th>
                        <td>{t('calendar.span', { first: w.firstDay, last: w.lastDay })}</td>
                        <td className="small">{w.rules.map((r) => r.title).join('；') || t('calendar.noRule')}</td>
                        {canEdit && (
                          <td>
                            {w.deletable ? (
                              <button
                                type="button"
                                className="link small"
                                onClick={() => void remove(w)}
                                aria-label={t('calendar.deleteLabel', { name: w.name })}
                              >
                                {t('roster.delete')}
                              </button>
                            ) : (
                              <span className="muted small">{t('calendar.begun')}</span>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          );
        }}
      </Load>
      {canEdit && <WindowForm onSaved={calendar.reload} />}
    </section>
  );
}

function WindowForm({ onSaved }: { onSaved: () => void }) {
  const t = useT();
  const today = shanghaiDay(new Date());
  const [form, setForm] = useState({ name: '', startsOn: today, endsOn: today });
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const set = (k: keyof typeof form, v: string) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setNotice('');
    try {
      const created = await api.post<CalendarWindow>('/api/sensitive-windows', form);
      setNotice(t('calendar.added', { name: created.name, rules: created.rules.map((r) => r.title).join('；') || t('calendar.noRule') }));
      setForm({ name: '', startsOn: today, endsOn: today });
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="cal-add-title">
      <h2 id="cal-add-title">{t('calendar.add')}</h2>
      <p className="muted small" id="cal-add-hint">
        {t('calendar.addHint')}
      </p>
      <label htmlFor="cal-add-name">{t('calendar.name')}</label>
      <input
        id="cal-add-name"
        required
        minLength={2}
        maxLength={40}
        value={form.name}
        onChange={(e) => set('name', e.target.value)}
        aria-describedby="cal-add-hint"
      />
      <label htmlFor="cal-add-start">{t('calendar.startsOn')}</label>
      <input id="cal-add-start" type="date" required value={form.startsOn} onChange={(e) => set('startsOn', e.target.value)} />
      <label htmlFor="cal-add-end">{t('calendar.endsOn')}</label>
      <input
        id="cal-add-end"
        type="date"
        required
        min={form.startsOn}
        value={form.endsOn}
        onChange={(e) => set('endsOn', e.target.value)}
      />
      {error !== undefined && <ErrorBox error={error} route="POST /api/sensitive-windows" />}
      {notice && (
        <p role="status" className="small">
          {notice}
        </p>
      )}
      <button type="submit" className="primary">
        {t('calendar.add')}
      </button>
    </form>
  );
}

// Flood-season duty: who is on duty in which community on which day, and
// whether they checked in. A check-in is the day's flood-duty task being
// closed with check-in evidence (a missed day costs 2 points), so the status
// column shows that task; the roster itself only says who is on duty.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommunityRow, DutyShift as Shift, DutyShiftSaved, DutyShifts, Member, RosterImported } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT, type MessageKey } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { formatDateTime, shanghaiDay, shanghaiMonth } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook from 'virtual:rulebook';

/** Who may edit rosters (the API decides; this only hides controls that would be refused). */

/**
 * A pasted roster: one day per line, "date username" (tab, space or comma
 * separated; a day of the month alone, e.g. "12 wang", is read in `month`).
 * Returns the rows, or the 1-based numbers of lines it could not read.
 */
export function parseRosterText(
  text: string,
  month: string,
): { shifts: Array<{ dutyDate: string; username: string }>; badLines: number[] } {
  const shifts: Array<{ dutyDate: string; username: string }> = [];
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [first, second, ...rest] = line.split(/[\s,，\t]+/);
    const day = /^\d{1,2}$/.test(first ?? '') ? `${month}-${first!.padStart(2, '0')}` : (first ?? '');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !second || rest.length > 0) badLines.push(i + 1);
    else shifts.push({ dutyDate: day, username: second });
  });
  return { shifts, badLines };
}

export function RostersPage() {
  const t = useT();
  const { me } = useSession();
  const canEdit = can(me, 'dutyShifts.edit');
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const [communityId, setCommunityId] = useState('');
  const [month, setMonth] = useState(shanghaiMonth(new Date()));
  const shifts = useFetch(() => api.get<DutyShifts>('/api/duty-shifts', { communityId, month }), [communityId, month]);
  const [deleteError, setDeleteError] = useState<unknown>();
  const today = shanghaiDay(new Date());

  async function remove(shift: Shift) {
    setDeleteError(undefined);
    try {
      await api.del(`/api/duty-shifts/${shift.id}`);
      shifts.reload();
    } catch (error) {
      setDeleteError(error);
    }
  }

  return (
    <section aria-labelledby="roster-title">
      <h1 id="roster-title">{t('roster.title')}</h1>
      {rulebook.seasons.map((s) => (
        <p key={s.id} className="muted">
          {t('roster.season', { name: s.name, start: s.start, end: s.end })} · {t('roster.checkInHow')}
        </p>
      ))}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="ro-community">{t('common.community')}</label>
        <select id="ro-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {(communities.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label htmlFor="ro-month">{t('common.month')}</label>
        <input id="ro-month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
      </form>
      {deleteError !== undefined && <ErrorBox error={deleteError} route="DELETE /api/duty-shifts/:id" />}
      <Load state={shifts} route="GET /api/duty-shifts">
        {({ shifts: rows }) =>
          rows.length === 0 ? (
            <p className="empty">{t('roster.empty')}</p>
          ) : (
            <table className="table">
              <caption className="muted small">{t('roster.caption', { month, count: rows.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('roster.date')}</th>
                  <th scope="col">{t('common.community')}</th>
                  <th scope="col">{t('roster.person')}</th>
                  <th scope="col">{t('roster.checkedIn')}</th>
                  {canEdit && (
                    <th scope="col">
                      <span className="visually-hidden">{t('roster.actions')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.dutyDate}</th>
                    <td>{s.communityName}</td>
                    <td>{s.userName}</td>
                    <td>
                      <CheckInCell shift={s} />
                    </td>
                    {canEdit && (
                      <td>
                        {s.dutyDate >= today && (
                          <button
                            type="button"
                            className="link small"
                            onClick={() => void remove(s)}
                            aria-label={t('roster.deleteLabel', { date: s.dutyDate, name: s.userName })}
                          >
                            {t('roster.delete')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
      {canEdit && communities.data && (
        <>
          <ShiftForm communities={communities.data} defaultCommunity={communityId} month={month} onSaved={shifts.reload} />
          <ImportForm communities={communities.data} defaultCommunity={communityId} month={month} onSaved={shifts.reload} />
        </>
      )}
    </section>
  );
}

function CheckInCell({ shift }: { shift: Shift }) {
  const t = useT();
  const label = t(`roster.checkIn.${shift.checkIn}` as MessageKey);
  if (shift.checkIn === 'done' || shift.checkIn === 'late')
    return (
      <span className="ok">
        {label} {shift.checkedInAt ? formatDateTime(shift.checkedInAt) : ''}
      </span>
    );
  if (shift.checkIn === 'missed') return <span className="warn">{label}</span>;
  return <span className="muted">{label}</span>;
}

/** Members of the chosen community: the only people the API accepts on its roster. */
function useMembers(communityId: string) {
  return useFetch(
    () => (communityId ? api.get<Member[]>('/api/duty-shifts/members', { communityId }) : Promise.resolve([] as Member[])),
    [communityId],
  );
}

function ShiftForm({
  communities,
  defaultCommunity,
  month,
  onSaved,
}: {
  communities: CommunityRow[];
  defaultCommunity: string;
  month: string;
  onSaved: () => void;
}) {
  const t = useT();
  const [communityId, setCommunityId] = useState(defaultCommunity || communities[0]?.id || '');
  const [dutyDate, setDutyDate] = useState(`${month}-01` < shanghaiDay(new Date()) ? shanghaiDay(new Date()) : `${month}-01`);
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const members = useMembers(communityId);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setNotice('');
    try {
      const res = await api.post<DutyShiftSaved>('/api/duty-shifts', { communityId, dutyDate, userId });
      setNotice(res.warning ?? t('roster.saved', { date: res.shift.dutyDate, name: res.shift.userName }));
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="ro-add-title">
      <h2 id="ro-add-title">{t('roster.add')}</h2>
      <p className="muted small">{t('roster.addHint')}</p>
      <label htmlFor="ro-add-community">{t('common.community')}</label>
      <select
        id="ro-add-community"
        required
        value={communityId}
        onChange={(e) => {
          setCommunityId(e.target.value);
          setUserId('');
        }}
      >
        {communities.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor="ro-add-date">{t('roster.date')}</label>
      <input
        id="ro-add-date"
        type="date"
        required
        min={shanghaiDay(new Date())}
        value={dutyDate}
        onChange={(e) => setDutyDate(e.target.value)}
      />
      <label htmlFor="ro-add-person">{t('roster.person')}</label>
      <select id="ro-add-person" required value={userId} onChange={(e) => setUserId(e.target.value)} aria-describedby="ro-add-person-hint">
        <option value="">{t('roster.choosePerson')}</option>
        {(members.data ?? []).map((m) => (
          <option key={m.id} value={m.id}>
            {m.displayName}（{m.username}）
          </option>
        ))}
      </select>
      <p id="ro-add-person-hint" className="muted small">
        {t('roster.personHint')}
      </p>
      {members.error !== undefined && <ErrorBox error={members.error} route="GET /api/duty-shifts/members" />}
      {error !== undefined && <ErrorBox error={error} route="POST /api/duty-shifts" />}
      {notice && (
        <p role="status" className="small">
          {notice}
        </p>
      )}
      <button type="submit" className="primary">
        {t('roster.save')}
      </button>
    </form>
  );
}

function ImportForm({
  communities,
  defaultCommunity,
  month,
  onSaved,
}: {
  communities: CommunityRow[];
  defaultCommunity: string;
  month: string;
  onSaved: () => void;
}) {
  const t = useT();
  const [communityId, setCommunityId] = useState(defaultCommunity || communities[0]?.id || '');
  const [importMonth, setImportMonth] = useState(month);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setNotice('');
    const { shifts, badLines } = parseRosterText(text, importMonth);
    if (badLines.length > 0) {
      setError(new Error(t('roster.badLines', { lines: badLines.join('、') })));
      return;
    }
    try {
      const res = await api.post<RosterImported>('/api/duty-shifts/import', { communityId, month: importMonth, shifts });
      setNotice(
        [
          t('roster.imported', { created: res.created, replaced: res.replaced, deleted: res.deleted, unchanged: res.unchanged }),
          res.warning,
        ]
          .filter(Boolean)
          .join(' '),
      );
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="ro-import-title">
      <h2 id="ro-import-title">{t('roster.import')}</h2>
      <p className="muted small" id="ro-import-hint">
        {t('roster.importHint')}
      </p>
      <label htmlFor="ro-import-community">{t('common.community')}</label>
      <select id="ro-import-community" required value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
        {communities.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor="ro-import-month">{t('common.month')}</label>
      <input id="ro-import-month" type="month" required value={importMonth} onChange={(e) => setImportMonth(e.target.value)} />
      <label htmlFor="ro-import-text">{t('roster.importText')}</label>
      <textarea
        id="ro-import-text"
        rows={8}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby="ro-import-hint"
        placeholder={'2026-06-01 wang.li\n2026-06-02 zhang.san'}
      />
      {error !== undefined && <ErrorBox error={error} route="POST /api/duty-shifts/import" />}
      {notice && (
        <p role="status" className="small">
          {notice}
        </p>
      )}
      <button type="submit" className="primary">
        {t('roster.importSubmit')}
      </button>
    </form>
  );
}

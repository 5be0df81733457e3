// 社区特征: the admin ticks what each community has (railway, waterlogging
// points, ...); rules restricted to a tag are then owed only where it is ticked.
// The admin also sets where each community office is: the review page shows
// how far from it a photo was taken.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommunityRow, CommunityTag } from '../../api/types';
import { failureText, Load } from '../../components/status';
import { useT } from '../../i18n';
import { useFetch } from '../../lib/use-fetch';

export function CommunityTagsPage() {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const tags = useFetch(() => api.get<CommunityTag[]>('/api/communities/tags'), []);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  async function toggle(c: CommunityRow, code: string, on: boolean) {
    setNotice('');
    setError('');
    const next = on ? [...c.tags, code] : c.tags.filter((x) => x !== code);
    try {
      await api.put(`/api/communities/${c.id}/tags`, { tags: next });
      setNotice(t('tags.saved', { community: c.name }));
      communities.reload();
    } catch (err) {
      setError(failureText(err, t));
    }
  }

  return (
    <section aria-labelledby="tags-title">
      <h1 id="tags-title">{t('tags.title')}</h1>
      <p className="muted small">{t('tags.hint')}</p>
      <p className="muted small">{t('tags.locationHint')}</p>
      {notice && (
        <p className="notice ok-text" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <Load state={communities} route="GET /api/communities">
        {(rows) => (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('common.community')}</th>
                  {(tags.data ?? []).map((tag) => (
                    <th scope="col" key={tag.code}>
                      {tag.label}
                    </th>
                  ))}
                  <th scope="col">{t('tags.location')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    {(tags.data ?? []).map((tag) => (
                      <td key={tag.code}>
                        <input
                          type="checkbox"
                          aria-label={`${c.name} ${tag.label}`}
                          checked={c.tags.includes(tag.code)}
                          onChange={(e) => void toggle(c, tag.code, e.target.checked)}
                        />
                      </td>
                    ))}
                    <td>
                      <LocationForm
                        community={c}
                        onSaved={() => {
                          setError('');
                          setNotice(t('tags.locationSaved', { community: c.name }));
                          communities.reload();
                        }}
                        onError={(err) => {
                          setNotice('');
                          setError(failureText(err, t));
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Load>
    </section>
  );
}

/** Latitude and longitude of the community office (WGS-84 degrees); both empty clears it. */
function LocationForm({ community, onSaved, onError }: { community: CommunityRow; onSaved: () => void; onError: (err: unknown) => void }) {
  const t = useT();
  const [lat, setLat] = useState(community.location ? String(community.location.lat) : '');
  const [lon, setLon] = useState(community.location ? String(community.location.lon) : '');
  const [busy, setBusy] = useState(false);
  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const location = lat.trim() === '' && lon.trim() === '' ? null : { lat: Number(lat), lon: Number(lon) };
      await api.put(`/api/communities/${community.id}/location`, { location });
      onSaved();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="inline-form" onSubmit={(e) => void save(e)}>
      <input
        type="text"
        inputMode="decimal"
        size={9}
        aria-label={t('tags.lat', { community: community.name })}
        value={lat}
        onChange={(e) => setLat(e.target.value)}
      />
      <input
        type="text"
        inputMode="decimal"
        size={10}
        aria-label={t('tags.lon', { community: community.name })}
        value={lon}
        onChange={(e) => setLon(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {t('tags.saveLocation')}
      </button>
    </form>
  );
}

// 社区特征: the admin ticks what each community has (railway, waterlogging
// points, ...); rules restricted to a tag are then owed only where it is ticked.
import { useState } from 'react';
import { api } from '../../api/client';
import type { CommunityRow } from '../../api/types';
import { failureText, Load } from '../../components/status';
import { useT } from '../../i18n';
import { useFetch } from '../../lib/use-fetch';

export function CommunityTagsPage() {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const tags = useFetch(() => api.get<Array<{ code: string; label: string }>>('/api/communities/tags'), []);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  async function toggle(c: CommunityRow, code: string, on: boolean) {
    setNotice('');
    setError('');
    const next = on ? [...(c.tags ?? []), code] : (c.tags ?? []).filter((x) => x !== code);
    try {
      await api.put(`/api/communities/${c.id}/tags`, { tags: next });
      setNotice(t('tags.saved', { community: c.name }));
      communities.reload();
    } catch (err) { setError(failureText(err, t)); }
  }

  return (
    <section aria-labelledby="tags-title">
      <h1 id="tags-title">{t('tags.title')}</h1>
      <p className="muted small">{t('tags.hint')}</p>
      {notice && <p className="notice ok-text" role="status">{notice}</p>}
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      <Load state={communities} route="GET /api/communities">
        {(rows) => (
          <div className="table-scroll">
            <table className="table">
              <thead><tr><th scope="col">{t('common.community')}</th>{(tags.data ?? []).map((tag) => <th scope="col" key={tag.code}>{tag.label}</th>)}</tr></thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    {(tags.data ?? []).map((tag) => (
                      <td key={tag.code}>
                        <input type="checkbox" aria-label={`${c.name} ${tag.label}`} checked={(c.tags ?? []).includes(tag.code)} onChange={(e) => void toggle(c, tag.code, e.target.checked)} />
                      </td>
                    ))}
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

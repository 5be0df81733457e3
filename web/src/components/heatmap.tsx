// Communities x rubric items, one cell per pair, coloured by status. Colour is
// never the only signal: each cell also carries a symbol and a text label.
import { useT, type MessageKey } from '../i18n';
import type { CellStatus as ApiCellStatus } from '../api/types';
import { cellOfLetter } from '../../../domain/heatmap-cell';

/** The API's cell states, plus 'none' for a pair the API sent no cell for. */
export type CellStatus = ApiCellStatus | 'none';
const SYMBOL: Record<CellStatus, string> = { 'on-track': '✓', 'due-soon': '!', overdue: '▲', deducted: '✕', none: '·' };

/** A cell of GET /api/heatmap's `statuses` (one letter per item; '-' or nothing: no task). */
export function statusOfLetter(letter: string | undefined): CellStatus {
  return cellOfLetter(letter) ?? 'none';
}

export interface HeatmapData {
  communities: Array<{ id: string; name: string }>;
  items: Array<{ key: string; label: string; group?: string }>;
  cell(communityId: string, itemKey: string): CellStatus;
  link?(communityId: string, itemKey: string, status: CellStatus): string | undefined;
}

export function Heatmap({ data, caption }: { data: HeatmapData; caption: string }) {
  const t = useT();
  return (
    <div className="heatmap-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="heatmap" data-testid="heatmap">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="heatmap-corner" />
            {data.communities.map((c) => (
              <th key={c.id} scope="col">
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.items.map((item) => (
            <tr key={item.key}>
              <th scope="row">
                {item.group && item.group !== item.label && <span className="muted small">{item.group} · </span>}
                {item.label}
              </th>
              {data.communities.map((c) => {
                const status = data.cell(c.id, item.key);
                const label = `${c.name} ${item.label}：${t(`cell.${status}` as MessageKey)}`;
                const href = data.link?.(c.id, item.key, status);
                const symbol = <span aria-hidden="true">{SYMBOL[status]}</span>;
                return (
                  <td key={c.id} className={`cell cell-${status}`} title={label} data-status={status}>
                    {href ? (
                      <a href={href} aria-label={label}>
                        {symbol}
                      </a>
                    ) : (
                      <>
                        <span className="visually-hidden">{label}</span>
                        {symbol}
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HeatmapLegend() {
  const t = useT();
  const all: CellStatus[] = ['on-track', 'due-soon', 'overdue', 'deducted', 'none'];
  return (
    <p className="legend" aria-label={t('dash.legend')}>
      {all.map((s) => (
        <span key={s}>
          <span className={`cell cell-${s} legend-cell`} aria-hidden="true">
            {SYMBOL[s]}
          </span>
          {t(`cell.${s}` as MessageKey)}
        </span>
      ))}
    </p>
  );
}

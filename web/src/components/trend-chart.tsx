// Score per month as an inline SVG line chart: no chart library, so the
// staff page stays small. Each series is one community.
import type { TrendSeries as Series } from '../api/types';

const COLORS = ['#1f5fa8', '#b4232a', '#2e7d32', '#8a4fbf', '#c2600b', '#00796b', '#5d4037', '#455a64'];

export function TrendChart({ series, baseScore, title }: { series: Series[]; baseScore: number; title: string }) {
  // A narrow viewBox keeps the 12px labels legible on a 360px phone; desktops scale it up.
  const width = 400,
    height = 190,
    left = 34,
    right = 10,
    top = 12,
    bottom = 24;
  const all = series.flatMap((s) => s.points.map((p) => p.total));
  const min = Math.min(baseScore - 5, ...all);
  const max = baseScore;
  const x = (m: number) => left + ((m - 1) / 11) * (width - left - right);
  const y = (v: number) => top + ((max - v) / Math.max(1, max - min)) * (height - top - bottom);
  const ticks = [max, Math.round((max + min) / 2), Math.floor(min)];
  // Communities with the same scores every month would draw one line over another:
  // each later one of a tie is shifted a few pixels and dashed, and the legend says so.
  const signature = (s: Series) => s.points.map((p) => `${p.month}:${p.total}`).join(' ');
  const firstWith = new Map<string, Series>();
  const tie = series.map((s) => {
    const sig = signature(s);
    const first = firstWith.get(sig);
    const rank = series.slice(0, series.indexOf(s)).filter((o) => signature(o) === sig).length;
    if (!first) firstWith.set(sig, s);
    return { rank, with: first?.name };
  });
  return (
    <figure className="trend">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={width - right} y1={y(v)} y2={y(v)} stroke="#ddd" />
            <text x={left - 4} y={y(v) + 4} textAnchor="end" fontSize="12" fill="#555">
              {v}
            </text>
          </g>
        ))}
        {Array.from({ length: 12 }, (_, i) => (
          <text key={i} x={x(i + 1)} y={height - 6} textAnchor="middle" fontSize="12" fill="#555">
            {i + 1}
          </text>
        ))}
        {series.map((s, i) => (
          <g
            key={s.id}
            transform={tie[i]!.rank ? `translate(0 ${tie[i]!.rank * 3})` : undefined}
            strokeDasharray={tie[i]!.rank ? '6 3' : undefined}
          >
            <polyline
              fill="none"
              stroke={COLORS[i % COLORS.length]}
              strokeWidth={2}
              points={s.points.map((p) => `${x(p.month)},${y(p.total)}`).join(' ')}
            />
            {s.points.map((p) => (
              <circle key={p.month} cx={x(p.month)} cy={y(p.total)} r={3} fill={COLORS[i % COLORS.length]}>
                <title>{`${s.name} ${p.month}月 ${p.total}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      {series.length > 1 && (
        <figcaption className="legend">
          {series.map((s, i) => (
            <span key={s.id}>
              <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} />
              {s.name}
              {tie[i]!.with && <span className="muted small">（与{tie[i]!.with}相同）</span>}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

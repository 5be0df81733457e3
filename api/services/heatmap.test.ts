import { describe, expect, it } from 'vitest';
import { cellFromFacts, cellStatus, heatmapCache, worse } from './heatmap';

const now = new Date('2026-06-15T04:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);

describe('heatmap cell states', () => {
  it('the two facts give the same state as the worst of the tasks they summarise', () => {
    const tasks = [
      { status: 'CLOSED', dueAt: inDays(-3) },
      { status: 'OPEN', dueAt: inDays(10) },
      { status: 'SUBMITTED', dueAt: inDays(2) },
    ];
    const worst = tasks.map((t) => cellStatus(t, now)).reduce(worse);
    const open = tasks.filter((t) => !['CLOSED', 'WAIVED', 'OVERDUE', 'CLOSED_LATE'].includes(t.status)).map((t) => t.dueAt.getTime());
    expect(cellFromFacts({ deducted: false, openDueAt: new Date(Math.min(...open)) }, now)).toBe(worst);
    expect(worst).toBe('due-soon');
  });

  it('a task the workflow closed shows on track; a deduction wins over everything; an open past deadline is overdue', () => {
    expect(cellFromFacts({ deducted: false, openDueAt: null }, now)).toBe('on-track');
    expect(cellFromFacts({ deducted: true, openDueAt: inDays(-1) }, now)).toBe('deducted');
    expect(cellFromFacts({ deducted: false, openDueAt: inDays(-1) }, now)).toBe('overdue');
    expect(cellFromFacts({ deducted: false, openDueAt: inDays(20) }, now)).toBe('on-track');
  });
});

describe('heatmapCache', () => {
  const page = { communities: [{ id: 'c1', name: '第1社区' }], statuses: ['o-d'] };

  it('keeps a page until invalidated, then stores nothing during the quiet time', () => {
    let t = 0;
    const cache = heatmapCache({ ttlMs: 60_000, quietMs: 30_000, maxEntries: 10, now: () => t });
    cache.set('2026-5||c1', page);
    expect(cache.get('2026-5||c1')).toBe(page);
    cache.invalidate();
    expect(cache.get('2026-5||c1')).toBeUndefined();
    t = 10_000;
    cache.set('2026-5||c1', page); // the workflow may not have written the new state yet
    expect(cache.get('2026-5||c1')).toBeUndefined();
    t = 31_000;
    cache.set('2026-5||c1', page);
    expect(cache.get('2026-5||c1')).toBe(page);
    t = 31_000 + 60_001;
    expect(cache.get('2026-5||c1')).toBeUndefined(); // writes this process never saw are bounded by the TTL
  });

  it('holds at most maxEntries pages, dropping the oldest', () => {
    const cache = heatmapCache({ ttlMs: 60_000, quietMs: 0, maxEntries: 2 });
    cache.set('a', page);
    cache.set('b', page);
    cache.set('c', page);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe(page);
  });
});

// The officials' queues and overviews: submissions awaiting review, open
// escalations, the heatmap (communities x rubric items), the delivery log,
// and 总览 (heatmap, ranking and the year's trend in one answer). Composed
// from the task and scoreboard services: every number is theirs, nothing is
// recomputed here.
import type { SessionUser } from '../../db/auth-repository';
import type { CommunityDirectory } from '../../db/community-directory';
import type { TaskRepository } from '../../db/task-repository';
import { HEATMAP_PAGE, heatmapView, type HeatmapCache } from './heatmap';
import { currentShanghaiMonth, SCOREBOARD_PAGE, type ScoreboardService } from './scoreboard-service';
import type { TaskService } from './task-service';

/** Rows of the notification delivery log one request shows. */
const DELIVERY_LOG_ROWS = 300;

export function oversightService(deps: {
  tasks: TaskRepository;
  taskService: TaskService;
  scoreboard: ScoreboardService;
  heatmapCache: HeatmapCache;
  directory: CommunityDirectory;
  now: () => Date;
}) {
  const heatmapDeps = { tasks: deps.tasks, cache: deps.heatmapCache, directory: deps.directory, service: deps.taskService };

  return {
    pendingReviews: (user: SessionUser) => deps.taskService.pendingReviews(user),
    openEscalations: (user: SessionUser) => deps.taskService.openEscalations(user),

    /** Acknowledging an escalation does not complete the task. */
    async acknowledge(user: SessionUser, taskId: string) {
      const state = await deps.taskService.acknowledge(user, taskId);
      return { acknowledged: state.acknowledged };
    },

    /** One page of a month's heatmap; `month` is YYYY-MM. */
    heatmap(user: SessionUser, q: { month: string; section?: number; page: number; pageSize: number }) {
      const [year, month] = q.month.split('-').map(Number) as [number, number];
      return heatmapView(heatmapDeps, user, { year, month, section: q.section, page: q.page, pageSize: q.pageSize });
    },

    /** Newest first; secrets are never stored in it. */
    deliveryLog: (user: SessionUser) => deps.tasks.deliveryLog(user.townshipId, DELIVERY_LOG_ROWS),

    /**
     * 总览 of one month (default: this month in Shanghai; a past year without a month: December):
     * the heatmap's first page, the ranking's first page, and each of those communities' total at the end of each month.
     */
    async overview(user: SessionUser, q: { year?: number; month?: number }) {
      const now = deps.now();
      const current = currentShanghaiMonth(now);
      const year = q.year ?? current.year;
      const month = q.month ?? (year === current.year ? current.month : 12);
      const [heatmap, board] = await Promise.all([
        heatmapView(heatmapDeps, user, { year, month, page: 1, pageSize: HEATMAP_PAGE }),
        deps.scoreboard.compute(user, { year, month }, { offset: 0, limit: SCOREBOARD_PAGE }, now),
      ]);
      const series = board.communities.map((c) => ({
        id: c.id,
        name: c.name,
        points: c.totalByMonth.map((total, i) => ({ month: i + 1, total })),
      }));
      return { year, month, heatmap, scoreboard: board, trend: { baseScore: board.baseScore, series } };
    },
  };
}

export type OversightService = ReturnType<typeof oversightService>;

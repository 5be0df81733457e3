// The staff home page on a phone: what is overdue, what is due today, what
// is due this week, each with a live countdown and the points at stake.
import { api } from '../../api/client';
import type { Task } from '../../api/types';
import { Load } from '../../components/status';
import { Countdown, StatusBadge, useNow } from '../../components/widgets';
import { useT, type MessageKey } from '../../i18n';
import { urgencyOf, type Urgency } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

const ORDER: Urgency[] = ['overdue', 'today', 'week', 'later', 'waiting', 'done'];

export function TaskListPage() {
  const t = useT();
  const state = useFetch(() => api.get<{ tasks: Task[] }>('/api/tasks', { scope: 'mine' }), []);
  const now = useNow();
  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">{t('tasks.title')}</h1>
      <Load state={state} route="GET /api/tasks?scope=mine">
        {({ tasks }) => <TaskGroups tasks={tasks} now={now} />}
      </Load>
    </section>
  );
}

function TaskGroups({ tasks, now }: { tasks: Task[]; now: Date }) {
  const t = useT();
  if (tasks.length === 0) return <p className="empty">{t('tasks.empty')}</p>;
  const groups = new Map<Urgency, Task[]>(ORDER.map((u) => [u, []]));
  for (const task of tasks) groups.get(urgencyOf(task, now))!.push(task);
  for (const list of groups.values()) list.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const count = (u: Urgency) => groups.get(u)!.length;
  return (
    <>
      <p className="summary" data-testid="task-summary">{t('tasks.summary', { overdue: count('overdue'), today: count('today'), week: count('week') })}</p>
      {ORDER.filter((u) => count(u) > 0).map((u) => (
        <section key={u} className={`group group-${u}`} aria-labelledby={`group-${u}`}>
          <h2 id={`group-${u}`}>{t(`urgency.${u}` as MessageKey)} <span className="count">{count(u)}</span></h2>
          <ul className="task-list">
            {groups.get(u)!.map((task) => <TaskCard key={task.id} task={task} now={now} />)}
          </ul>
        </section>
      ))}
    </>
  );
}

function TaskCard({ task, now }: { task: Task; now: Date }) {
  const t = useT();
  const live = task.status === 'OPEN' || task.status === 'OVERDUE' || task.status === 'SUBMITTED';
  return (
    <li className="task-card">
      <a href={`#/tasks/${task.id}`} className="task-link">
        <span className="task-title">{task.title}</span>
        <span className="task-meta muted">{task.communityName} · {task.periodLabel}</span>
        <span className="task-row">
          {live ? <Countdown dueAt={task.dueAt} now={now} /> : <StatusBadge status={task.status} />}
          <span className="muted">{t('tasks.progress', { accepted: task.acceptedCount, required: task.requiredCount })}</span>
          {live && task.points > 0 && <span className="risk">{t('tasks.atRisk', { points: task.points })}</span>}
        </span>
      </a>
    </li>
  );
}

// The staff home page on a phone: what is overdue, what is due today, what
// is due this week, each with a live countdown, what is still owed and the
// points at stake. A long list gets a search box and filters.
import { useState } from 'react';
import { api } from '../../api/client';
import type { Task, TaskList } from '../../api/types';
import { Load } from '../../components/status';
import { Countdown, StatusBadge, useNow } from '../../components/widgets';
import { useT, type MessageKey } from '../../i18n';
import { formatDeadline, unitsStillOwed, urgencyOf, type Urgency } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

const ORDER: Urgency[] = ['overdue', 'today', 'week', 'later', 'waiting', 'done'];
/** Above this many tasks the list offers search and filters. */
const FILTER_FROM = 8;

export function TaskListPage() {
  const t = useT();
  const state = useFetch(() => api.get<TaskList>('/api/tasks', { scope: 'mine' }), []);
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

type Filter = 'all' | Urgency | 'rejected';

function TaskGroups({ tasks, now }: { tasks: Task[]; now: Date }) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  if (tasks.length === 0) return <p className="empty">{t('tasks.empty')}</p>;
  const q = query.trim();
  const shown = tasks.filter(
    (task) =>
      (q === '' ||
        [task.title, task.communityName, task.periodLabel, task.subjectName ?? '', task.assigneeName ?? ''].some((s) => s.includes(q))) &&
      (filter === 'all' || (filter === 'rejected' ? task.rejectedReason !== null : urgencyOf(task, now) === filter)),
  );
  const groups = new Map<Urgency, Task[]>(ORDER.map((u) => [u, []]));
  for (const task of shown) groups.get(urgencyOf(task, now))!.push(task);
  for (const list of groups.values()) list.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const all = new Map<Urgency, number>(ORDER.map((u) => [u, 0]));
  for (const task of tasks) all.set(urgencyOf(task, now), all.get(urgencyOf(task, now))! + 1);
  const count = (u: Urgency) => groups.get(u)!.length;
  return (
    <>
      <p className="summary" data-testid="task-summary">
        {t('tasks.summary', { overdue: all.get('overdue')!, today: all.get('today')!, week: all.get('week')! })}
      </p>
      {tasks.length >= FILTER_FROM && (
        <div className="filters" role="search">
          <label htmlFor="task-search">{t('tasks.search')}</label>
          <input
            id="task-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t('tasks.searchHint')}
          />
          <label htmlFor="task-filter">{t('tasks.filter')}</label>
          <select id="task-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">{t('tasks.filterAll')}</option>
            {ORDER.map((u) => (
              <option key={u} value={u}>
                {t(`urgency.${u}` as MessageKey)}（{all.get(u)}）
              </option>
            ))}
            <option value="rejected">{t('tasks.rejectedBadge')}</option>
          </select>
        </div>
      )}
      {shown.length === 0 && <p className="empty">{t('tasks.noMatch')}</p>}
      {ORDER.filter((u) => count(u) > 0).map((u) => (
        <section key={u} className={`group group-${u}`} aria-labelledby={`group-${u}`}>
          <h2 id={`group-${u}`}>
            {t(`urgency.${u}` as MessageKey)} <span className="count">{count(u)}</span>
          </h2>
          <ul className="task-list">
            {groups.get(u)!.map((task) => (
              <TaskCard key={task.id} task={task} now={now} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function TaskCard({ task, now }: { task: Task; now: Date }) {
  const t = useT();
  const live = task.status === 'OPEN' || task.status === 'OVERDUE' || task.status === 'SUBMITTED';
  const owed = live ? unitsStillOwed(task) : 0;
  return (
    <li className="task-card" data-testid="task-card">
      <a href={`#/tasks/${task.id}`} className="task-link">
        <span className="task-title">
          {task.title}
          {task.subjectName && <span className="task-subject">：{task.subjectName}</span>}
        </span>
        <span className="task-meta muted">
          {task.communityName} · {task.periodLabel} · {t('tasks.dueAt', { time: formatDeadline(task.dueAt) })}
        </span>
        <span className="task-row">
          <TaskState task={task} now={now} />
          <span className="muted">{t('tasks.progress', { accepted: task.acceptedCount, required: task.requiredCount })}</span>
          {owed > 0 && task.requiredCount > 1 && (
            <span className="owed" data-testid="units-owed">
              {t('tasks.unitsOwed', { count: owed })}
            </span>
          )}
          {/* Once the workflow has deducted (OVERDUE), the point is already lost: no "at risk" line. */}
          {(task.status === 'OPEN' || task.status === 'SUBMITTED') && task.points > 0 && (
            <span className="risk">{t('tasks.atRisk', { points: task.points })}</span>
          )}
        </span>
        {task.assigneeName && <span className="small muted">{t('tasks.assignee', { name: task.assigneeName })}</span>}
      </a>
    </li>
  );
}

/** The card's state: sent back, deducted (late work still closes it), or the countdown. */
export function TaskState({ task, now }: { task: Task; now: Date }) {
  const t = useT();
  const live = task.status === 'OPEN' || task.status === 'OVERDUE' || task.status === 'SUBMITTED';
  if (!live) return <StatusBadge status={task.status} />;
  return (
    <>
      {task.rejectedReason !== null && (
        <span className="badge badge-rejected" data-testid="rejected-badge">
          {t('tasks.rejectedBadge')}
        </span>
      )}
      {task.status === 'OVERDUE' ? (
        <span className="badge badge-overdue" data-testid="deducted-badge">
          {t('tasks.deductedLateOk')}
        </span>
      ) : (
        <Countdown dueAt={task.dueAt} now={now} />
      )}
    </>
  );
}

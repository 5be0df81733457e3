// Generation of obligation instances (pure, in domain/) and the idempotent
// start of one workflow per instance, with bounded concurrency.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { generateObligationsAcrossVersions, type ObligationInstance } from '../domain';
import type { Database } from '../db/client';
import { planningSource } from '../db/planning-source';
import type { RulebookStore } from '../platform/rulebook-store';
import { startObligationWorkflow } from '../platform/start-obligation';

export interface PlanningActivityDeps {
  db: Database;
  rulebooks: RulebookStore;
  temporal: { client: Client; taskQueue: string };
  /** concurrent workflow starts per activity */
  startConcurrency?: number;
}

export function createPlanningActivities(deps: PlanningActivityDeps) {
  const source = planningSource(deps.db);
  const seasonIds = [...new Set(deps.rulebooks.all().flatMap((r) => r.settings.seasons.map((s) => s.id)))];

  /** Starts one obligation workflow; false when it already exists (or existed: IDs are never reused). */
  const startOne = async (instance: ObligationInstance): Promise<boolean> => {
    const rulebook = deps.rulebooks.forInstant(instance.opensAt);
    if (!rulebook) return false;
    return startObligationWorkflow(deps.temporal, instance, rulebook);
  };

  return {
    async listCommunityIds(): Promise<string[]> {
      return source.listCommunityIds();
    },

    /** `dueAfter` (the planner's workflow time): skip periods whose deadline has already passed. */
    async startObligations(input: {
      communityIds: string[];
      from: string;
      to: string;
      dueAfter?: string;
    }): Promise<{ generated: number; started: number }> {
      const from = new Date(input.from);
      const to = new Date(input.to);
      const communities = await source.load(input.communityIds, seasonIds);
      const instances = communities.flatMap(({ community, subjects, rosters, addedWindows }) =>
        generateObligationsAcrossVersions({ versions: deps.rulebooks.all(), community, subjects, rosters, addedWindows, from, to }),
      );
      // A deadline that passed before the obligation was even planned (a new
      // installation, a long outage) is not the community's fault: never open it.
      const cutoff = input.dueAfter ? Date.parse(input.dueAfter) : -Infinity;
      const due = instances.filter((i) => i.dueAt.getTime() > cutoff);
      const started = await runBounded(due, deps.startConcurrency ?? 16, startOne, (done) => Context.current().heartbeat({ done }));
      return { generated: instances.length, started };
    },
  };
}

/** Runs `task` over items with at most `limit` in flight; returns how many returned true. */
async function runBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<boolean>,
  progress: (done: number) => void,
): Promise<number> {
  let next = 0;
  let count = 0;
  let done = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      if (await task(item)) count++;
      if (++done % 100 === 0) progress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return count;
}

// Part 1: pure obligation generation for the month-boundary burst, no I/O.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { generateObligations, type Rulebook } from '../domain';
import { syntheticCommunities } from './fixtures';

export interface GenerationResult {
  day: string;
  communities: number;
  instances: number;
  perCommunity: number;
  ms: number;
  instancesPerSecond: number;
  /** heap still referenced by the generated instances (after a GC) */
  retainedHeapMb: number;
  /** heapUsed right after generation, before any GC */
  heapAfterMb: number;
}

/** A callable gc() without restarting node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return gc;
}

const MB = 1024 * 1024;

/** Instances that open on `day` (Asia/Shanghai), i.e. the window [day 00:00, next day 00:00). */
export function dayWindow(day: string): { from: Date; to: Date } {
  const from = new Date(`${day}T00:00:00+08:00`);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

export function benchGeneration(rulebook: Rulebook, communityCount: number, day: string): GenerationResult {
  const gc = exposeGc();
  const inputs = syntheticCommunities(communityCount);
  const { from, to } = dayWindow(day);
  // Warm-up on a few communities so the JIT and calendar caches are not on the clock.
  for (const input of inputs.slice(0, 20)) generateObligations({ rulebook, ...input, from, to });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const all = inputs.map((input) => generateObligations({ rulebook, ...input, from, to }));
  const ms = performance.now() - started;
  const heapAfter = process.memoryUsage().heapUsed;
  gc();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  const instances = all.reduce((n, list) => n + list.length, 0);
  return {
    day,
    communities: communityCount,
    instances,
    perCommunity: instances / communityCount,
    ms,
    instancesPerSecond: instances / (ms / 1000),
    retainedHeapMb: retained / MB,
    heapAfterMb: heapAfter / MB,
  };
}

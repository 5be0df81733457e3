// Determinism: histories recorded from real runs of every workflow type
// (scripts/record-histories.ts) are replayed against the current workflow
// code. A change that would break running workflows fails here, in CI.
import { describe, expect, it, inject } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../stack/paths';

const folder = path.join(projectRoot, 'test', 'replay', 'histories');
const files = readdirSync(folder)
  .filter((f) => f.endsWith('.json'))
  .sort();
/** The Temporal CLI's JSON (`temporal workflow show -o json`); the replayer converts it itself. */
const load = (file: string) =>
  JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as {
    events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
  };

describe('recorded workflow histories replay against the current code', () => {
  it('has a recorded history for every workflow type', () => {
    const types = new Set(files.map((f) => load(f).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect([...types].sort()).toEqual([
      'digestWorkflow',
      'notificationWorkflow',
      'obligationWorkflow',
      'planObligationsWorkflow',
      'selfCheckWorkflow',
    ]);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, load(file), file),
    ).resolves.toBeUndefined();
  });
});

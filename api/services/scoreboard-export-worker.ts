// The export's worker thread (started by scoreboard-export.ts): writes each
// workbook it is asked for and posts the file back in chunks. Several exports
// may run at once; they take turns (scoreboard-excel.ts yields every 20,000
// cells).
import { parentPort } from 'node:worker_threads';
import { Writable } from 'node:stream';
import { writeScoreboardWorkbook, type DetailLine } from './scoreboard-excel';
import type { ToExportWorker } from './scoreboard-export';

if (!parentPort) throw new Error('scoreboard-export-worker.ts runs only as a worker thread');
const port = parentPort;

/** The detail lines of one export as they arrive: an async iterable the writer reads from. */
function lineQueue() {
  const parts: Array<readonly DetailLine[]> = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(part: readonly DetailLine[]) {
      parts.push(part);
      notify();
    },
    close() {
      closed = true;
      notify();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<readonly DetailLine[]> {
      for (;;) {
        const part = parts.shift();
        if (part) yield part;
        else if (closed) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

const jobs = new Map<number, { lines: ReturnType<typeof lineQueue>; cancel: AbortController }>();

port.on('message', (message: ToExportWorker) => {
  if (message.kind === 'start') {
    const { job: id, board } = message;
    const job = { lines: lineQueue(), cancel: new AbortController() };
    jobs.set(id, job);
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (!job.cancel.signal.aborted) {
          // A copy: the chunk may share its memory with other buffers, and the copy's memory is handed over, not cloned.
          const bytes = new Uint8Array(chunk);
          port.postMessage({ kind: 'data', job: id, bytes }, [bytes.buffer]);
        }
        done();
      },
    });
    writeScoreboardWorkbook(out, board, job.lines, job.cancel.signal)
      .then(
        () => port.postMessage({ kind: 'done', job: id }),
        (error: unknown) => port.postMessage({ kind: 'failed', job: id, message: String((error as Error)?.message ?? error) }),
      )
      .finally(() => jobs.delete(id));
  } else if (message.kind === 'lines') jobs.get(message.job)?.lines.push(message.lines);
  else if (message.kind === 'end') jobs.get(message.job)?.lines.close();
  else {
    // Cancelled (its stream was destroyed by its reader, or the details could not be read):
    // the writer stops at its next row, and nothing more is sent.
    const job = jobs.get(message.job);
    job?.cancel.abort();
    job?.lines.close();
  }
});

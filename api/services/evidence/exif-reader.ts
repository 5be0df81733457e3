// EXIF is read in a worker thread with a deadline. exifr walks the file's own
// structure and some crafted files send it round in circles for ever (a HEIC
// whose boxes never reach 'meta' loops inside exifr): in the API's thread that
// would freeze every request. The worker is plain JavaScript, loads exifr by
// its resolved path, and is terminated at the deadline or on a memory cap.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const EXIF_TIMEOUT_MS = 3_000;

/** The tags we use; nothing else crosses back from the worker. */
export interface ExifTags {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  OffsetTime?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = require(workerData.exifrPath);
const exifr = loaded.default || loaded;
const wanted = ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTime', 'latitude', 'longitude'];
exifr.parse(workerData.path, { gps: true, reviveValues: false, translateValues: false, xmp: false, icc: false, iptc: false, jfif: false })
  .then((tags) => {
    const picked = {};
    for (const key of wanted) if (tags && tags[key] !== undefined) picked[key] = tags[key];
    parentPort.postMessage({ tags: picked });
  }, (err) => parentPort.postMessage({ error: String((err && err.message) || err) }));
`;

const exifrPath = createRequire(import.meta.url).resolve('exifr');

/** The file's EXIF tags, or undefined when it has none, they are unreadable, or reading them took too long. */
export function readExifTags(path: string, timeoutMs = EXIF_TIMEOUT_MS): Promise<ExifTags | undefined> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, exifrPath },
      // No loaders (tsx, vitest) in the worker: it is plain CommonJS.
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
    let settled = false;
    const finish = (tags: ExifTags | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(tags);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    worker.once('message', (msg: { tags?: ExifTags; error?: string }) => finish(msg.tags));
    worker.once('error', () => finish(undefined));
    worker.once('exit', () => finish(undefined));
  });
}

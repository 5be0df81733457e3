// Office Open XML files (DOCX/XLSX/PPTX) are zip archives, and a zip can
// expand to far more than it weighs. Whoever opens the document later (a
// previewer, a converter, the reviewer's Office) would pay for it, so we
// refuse archives that are too big unpacked, too compressed, too many entries,
// or that name paths outside themselves. Declared sizes can lie, so every
// entry is also inflated and counted (bounded by the same limits).
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { BadRequestError, DomainError } from '../../errors';

export interface ZipLimits {
  /** everything unpacked together */
  maxUncompressedBytes: number;
  /** unpacked size over archive size; real documents are well under 50 */
  maxRatio: number;
  maxEntries: number;
}

export const ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 100 * 1024 * 1024, maxRatio: 200, maxEntries: 1000 };

const MIB = 1024 * 1024;

class ZipRefused extends DomainError {
  constructor(kind: 'invalid' | 'too_large', why: string) {
    super(kind, 'zip_refused', `文档压缩结构异常，已拒绝：${why}`);
  }
}

/** The archive as a file on disk (evidence uploads) or in memory (ledger import, before exceljs inflates it). */
export async function checkOfficeZip(source: string | Buffer, archiveBytes: number, limits: ZipLimits = ZIP_LIMITS): Promise<void> {
  let zip: ZipFile;
  try {
    // validateEntrySizes: yauzl fails the read when an entry inflates to more (or less) than it declared.
    const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
    zip = typeof source === 'string' ? await yauzl.openPromise(source, options) : await yauzl.fromBufferPromise(source, options);
  } catch (err) {
    throw new BadRequestError(`文档已损坏，无法读取 (the document is not a readable zip: ${(err as Error).message})`, 'corrupt_document');
  }
  try {
    await inspect(zip, archiveBytes, limits);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const message = (err as Error).message;
    // yauzl's own refusals of paths that leave the archive.
    if (/relative path|absolute path|invalid characters/.test(message))
      throw new ZipRefused('invalid', `包含越出文档的路径 (entry path escapes the archive: ${message})`);
    if (/too many bytes|too few bytes/.test(message))
      throw new ZipRefused('invalid', `条目实际大小与声明不符 (an entry's size is not what its header declares: ${message})`);
    throw new BadRequestError(`文档已损坏，无法读取 (corrupt document: ${message})`, 'corrupt_document');
  } finally {
    zip.close();
  }
}

async function inspect(zip: ZipFile, archiveBytes: number, limits: ZipLimits): Promise<void> {
  if (zip.entryCount > limits.maxEntries)
    throw new ZipRefused('invalid', `条目数 ${zip.entryCount} 超过 ${limits.maxEntries} (more than ${limits.maxEntries} entries)`);
  // Pass 1: the central directory's claims, cheap to check before inflating anything.
  const entries: Entry[] = [];
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    entries.push(entry);
    declared += entry.uncompressedSize;
    checkTotals(declared, archiveBytes, limits);
  }
  // Pass 2: the truth. The running total stops a liar at the limit, not at the end.
  let actual = 0;
  for (const entry of entries) {
    if (entry.fileName.endsWith('/')) continue;
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream) {
      actual += (chunk as Buffer).length;
      if (actual > limits.maxUncompressedBytes || actual / archiveBytes > limits.maxRatio) {
        stream.destroy();
        checkTotals(actual, archiveBytes, limits);
      }
    }
  }
}

function checkTotals(uncompressed: number, archiveBytes: number, limits: ZipLimits): void {
  if (uncompressed > limits.maxUncompressedBytes) {
    throw new ZipRefused(
      'too_large',
      `解压后超过 ${limits.maxUncompressedBytes / MIB} MB (more than ${limits.maxUncompressedBytes / MIB} MB uncompressed)`,
    );
  }
  if (uncompressed / Math.max(archiveBytes, 1) > limits.maxRatio) {
    throw new ZipRefused('invalid', `压缩比超过 ${limits.maxRatio} 倍 (compression ratio above ${limits.maxRatio}: a zip bomb?)`);
  }
}

// Evidence on the local disk under one root directory: objects at
// <root>/<key>, uploads in flight at <root>/.incoming (same filesystem, so
// publishing a finished upload is a rename: readers never see half a file).
// Evidence is read by this process only: files 0600, folders 0700, and the root
// itself 0700 (which also closes the files an older version left 0644).
import { chmodSync, createReadStream, mkdirSync } from 'node:fs';
import { chmod, link, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { assertSafeKey, type EvidenceStorage, type StoredObject } from './evidence-storage';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

export function createLocalStorage(rootDir: string): EvidenceStorage {
  const root = resolve(rootDir);
  const tempDir = join(root, '.incoming');
  mkdirSync(root, { recursive: true, mode: PRIVATE_DIR });
  try {
    chmodSync(root, PRIVATE_DIR);
  } catch {
    // A mounted folder owned by someone else: its owner decides its mode.
  }

  const pathOf = (key: string): string => {
    assertSafeKey(key);
    const full = resolve(root, key);
    // Belt and braces over assertSafeKey: the object must stay inside the root.
    if (!full.startsWith(root + sep)) throw new Error(`storage key escapes the root: ${key}`);
    return full;
  };

  /**
   * link() refuses to overwrite: an existing object (same content, same key)
   * stays as it is, and a concurrent writer of the same key cannot interleave.
   */
  async function publish(key: string, localPath: string): Promise<{ created: boolean }> {
    const target = pathOf(key);
    try {
      // Inside the try: when the folder cannot be made (disk full, a file in its place) the scratch file goes too.
      await mkdir(dirname(target), { recursive: true, mode: PRIVATE_DIR });
      // The link shares the scratch file's inode, so its mode is the object's.
      await chmod(localPath, PRIVATE_FILE);
      try {
        await link(localPath, target);
        return { created: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { created: false };
        throw err;
      }
    } finally {
      await rm(localPath, { force: true });
    }
  }

  return {
    tempDir,
    putFile: publish,
    async putBuffer(key, data) {
      await mkdir(tempDir, { recursive: true, mode: PRIVATE_DIR });
      const scratch = join(tempDir, `${randomUUID()}.part`);
      try {
        await writeFile(scratch, data, { mode: PRIVATE_FILE });
      } catch (err) {
        // A disk that fills up mid-write leaves the part written so far: it goes, and the write's own error is the answer.
        await rm(scratch, { force: true }).catch(() => {});
        throw err;
      }
      return publish(key, scratch);
    },
    async head(key): Promise<StoredObject | undefined> {
      try {
        const s = await stat(pathOf(key));
        return s.isFile() ? { sizeBytes: s.size } : undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async openRead(key): Promise<Readable> {
      const path = pathOf(key);
      // Fail here (a 404 for the caller) rather than mid-stream.
      await stat(path);
      return createReadStream(path);
    },
    async delete(key) {
      try {
        await unlink(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
  };
}

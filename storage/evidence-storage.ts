// Where evidence bytes live. The interface is the shape of an S3-compatible
// object store (put an object under a key, stream it back, head, delete) so a
// bucket can replace the local disk later without touching the routes. Keys are
// relative, '/'-separated, and never come from the client: the upload service
// builds them as `<communityId>/<sha256>.<ext>`.
import type { Readable } from 'node:stream';

export interface StoredObject {
  sizeBytes: number;
}

export interface EvidenceStorage {
  /**
   * Scratch directory on the local disk for uploads in flight. Local storage
   * keeps it on the same filesystem as the objects so that `putFile` is an
   * atomic rename; an S3 implementation would use the OS temp dir.
   */
  readonly tempDir: string;
  /**
   * Moves a finished local file (inside tempDir) to `key`. The source is gone
   * afterwards whatever happens. Answers false when the key already held an
   * object (content-addressed keys: identical bytes, nothing to write).
   */
  putFile(key: string, localPath: string): Promise<{ created: boolean }>;
  /** Writes small generated content (thumbnails). */
  putBuffer(key: string, data: Buffer): Promise<{ created: boolean }>;
  head(key: string): Promise<StoredObject | undefined>;
  /** A stream of the object; rejects when it does not exist. */
  openRead(key: string): Promise<Readable>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Object keys: path segments of letters, digits, '-', '_' and '.', never '.' or '..'. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  if (segments.length === 0 || segments.some((s) => !SEGMENT.test(s) || s === '..' || s === '.')) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  }
}

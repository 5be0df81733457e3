// Which evidence storage the API uses, from the parsed configuration: an
// S3-compatible bucket when EVIDENCE_S3_BUCKET is set (config/schema.ts has
// already refused a half-configured bucket), else the local disk.
import path from 'node:path';
import type { Config } from '../config';
import type { EvidenceStorage } from './evidence-storage';
import { createLocalStorage } from './local-storage';

export interface ConfiguredStorage {
  storage: EvidenceStorage;
  /** For the start-up log line: where evidence goes, never a key or secret. */
  description: string;
}

export async function evidenceStorageFromConfig(config: Config, dataDir: string): Promise<ConfiguredStorage> {
  const bucket = config.EVIDENCE_S3_BUCKET;
  if (bucket) {
    // Loaded only when used: the AWS SDK is large and warns on Node 20 at load.
    const { createS3Storage } = await import('./s3-storage');
    const storage = createS3Storage({
      endpoint: config.EVIDENCE_S3_ENDPOINT,
      bucket,
      region: config.EVIDENCE_S3_REGION!,
      accessKeyId: config.EVIDENCE_S3_ACCESS_KEY_ID!,
      secretAccessKey: config.EVIDENCE_S3_SECRET_ACCESS_KEY!,
      forcePathStyle: config.EVIDENCE_S3_FORCE_PATH_STYLE,
      // Its own folder: housekeeping deletes whatever is stale in it.
      tempDir: path.join(dataDir, 'evidence-incoming'),
    });
    return { storage, description: `S3 bucket ${bucket} at ${config.EVIDENCE_S3_ENDPOINT ?? 'AWS'} (${config.EVIDENCE_S3_REGION})` };
  }
  const root = config.EVIDENCE_DIR ?? path.join(dataDir, 'evidence');
  return { storage: createLocalStorage(root), description: `local folder ${root}` };
}

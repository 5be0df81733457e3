// Real activity dependencies for tests: the test database, the 2022 rulebook,
// a Temporal client, and notification channels as the test chooses (none by default).
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/client';
import { loadRulebookStore, type RulebookStore } from '../../platform/rulebook-store';
import { notifySetup } from '../../platform/notify-setup';
import { notifyConfigSchema, type NotifyConfig } from '../../notify';
import { projectRoot } from '../../stack/paths';
import type { ActivityDeps } from '../../activities';

let rulebooks: Promise<RulebookStore> | undefined;
export const testRulebooks = () => (rulebooks ??= loadRulebookStore(path.join(projectRoot, 'rulebooks')));

export async function testActivityDeps(opts: {
  db: Database;
  client: Client;
  taskQueue: string;
  notify?: Partial<NotifyConfig>;
}): Promise<ActivityDeps> {
  return {
    db: opts.db,
    rulebooks: await testRulebooks(),
    temporal: { client: opts.client, taskQueue: opts.taskQueue },
    notify: notifySetup(notifyConfigSchema.parse(opts.notify ?? {}), 'http://duban.test'),
  };
}

// Where the embedded stack keeps its binaries and data: inside the project,
// so a clone is self-contained and `rm -rf .duban .tools` resets everything.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Downloaded tools (Temporal CLI and test server). */
export const toolsDir = path.join(projectRoot, '.tools');
/** Persistent data of `npm start`: PostgreSQL cluster, Temporal SQLite file, uploads. */
export const dataDir = path.join(projectRoot, '.duban');

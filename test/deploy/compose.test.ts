// docker-compose.yml is validated by docker-compose itself (Debian's 1.29,
// which needs no Docker daemon for `config`), then its resolved form is read
// for the promises docs/deploy.md makes about the topology.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../stack/paths';
import { ensureDockerCompose } from '../../stack/provision';

const required = {
  POSTGRES_PASSWORD: 'compose-test-password',
  LEDGER_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  SESSION_SECRET: 'x'.repeat(40),
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  ports?: unknown[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  environment?: Record<string, string>;
}

function compose(env: Record<string, string>) {
  const bin = ensureDockerCompose((line) => console.log(line));
  // Only PATH and the variables given: nothing from the developer's shell leaks into the check.
  return spawnSync(bin, ['-f', path.join(projectRoot, 'docker-compose.yml'), 'config'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
}

describe('docker-compose.yml', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    const result = compose(required);
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.status).toBe(0);
    services = (parse(result.stdout) as { services: Record<string, Service> }).services;
  }, 600_000);

  it('is valid and holds the production topology', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'migrate',
      'postgresql',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    // Official images, pinned to a version (never :latest).
    for (const name of ['postgresql', 'temporal', 'temporal-schema', 'temporal-namespace', 'temporal-ui']) {
      expect(services[name]!.image, name).toMatch(/^(postgres|temporalio\/(server|admin-tools|ui)):\d+\.\d+/);
    }
    expect(services.temporal!.image).toBe('temporalio/server:1.32.2');
    expect(services.migrate!.build).toBeDefined();
  });

  it('comes up in order: schema before server, migrations and namespace before api and workers', () => {
    const condition = (service: string, on: string) => services[service]!.depends_on?.[on]?.condition;
    expect(condition('temporal-schema', 'postgresql')).toBe('service_healthy');
    expect(condition('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    expect(condition('temporal-namespace', 'temporal')).toBe('service_healthy');
    expect(condition('migrate', 'postgresql')).toBe('service_healthy');
    for (const app of ['api', 'worker']) {
      expect(condition(app, 'migrate')).toBe('service_completed_successfully');
      expect(condition(app, 'temporal-namespace')).toBe('service_completed_successfully');
    }
    for (const name of ['postgresql', 'temporal', 'api', 'worker']) expect(services[name]!.healthcheck?.test, name).toBeDefined();
  });

  it('lets the workers scale: no fixed container name and no published port', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
    expect(services.worker!.command).toEqual(['node', '--import', 'tsx', 'worker/main.ts']);
    expect(services.worker!.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('refuses to resolve without the secrets, naming the missing one', () => {
    const { POSTGRES_PASSWORD: _omitted, ...rest } = required;
    const result = compose(rest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('POSTGRES_PASSWORD');
  });
});

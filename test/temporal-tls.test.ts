// TLS to the Temporal frontend (TEMPORAL_TLS_*): the API's client and the
// worker's native connection present the client certificate and check the
// server's against the CA. The Temporal CLI's dev server has no TLS, so the
// far end here is a real TLS server on loopback that requires a client
// certificate signed by the test CA (openssl makes the certificates) and
// records who completed the handshake; it speaks no gRPC, so each connection
// then fails, as a connection to a wrong server must.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { connectTemporalClient, connectWorkerConnection, temporalTls, TemporalUnreachableError } from '../platform/temporal';

const dir = mkdtempSync(path.join(os.tmpdir(), 'duban-tls-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, a server certificate for temporal.internal and 127.0.0.1, and a client certificate for each of two CAs. */
function makeCertificates() {
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
    );
  }
  // X.509 v3 throughout (an extension file makes openssl write v3): the worker's TLS stack (rustls) refuses v1.
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:temporal.internal,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  const leaf = (name: string, ca: string, ext: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl(
      'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2',
      '-extfile', ext, '-out', `${name}.pem`,
    ); // prettier-ignore
  };
  leaf('server', 'ca', 'server.ext');
  leaf('duban-api', 'ca', 'client.ext');
  leaf('stranger', 'other-ca', 'client.ext');
}

describe('TLS to Temporal (TEMPORAL_TLS_*)', () => {
  let server: tls.Server;
  let address: string;
  const handshakes: string[] = [];

  beforeAll(async () => {
    makeCertificates();
    server = tls.createServer({
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.pem')),
      ca: readFileSync(file('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    });
    server.on('secureConnection', (socket) => {
      handshakes.push(String(socket.getPeerCertificate().subject.CN));
      socket.destroy();
    });
    server.on('tlsClientError', () => handshakes.push('refused'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (client: string) =>
    parseConfig({
      TEMPORAL_TLS_CA_FILE: file('ca.pem'),
      TEMPORAL_TLS_CERT_FILE: file(`${client}.pem`),
      TEMPORAL_TLS_KEY_FILE: file(`${client}.key`),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });

  it('the client (API) and the native connection (worker) present the configured certificate', async () => {
    const tlsOptions = temporalTls(config('duban-api'));
    handshakes.length = 0;
    await expect(connectTemporalClient(address, 'default', tlsOptions)).rejects.toBeInstanceOf(TemporalUnreachableError);
    expect(handshakes).toContain('duban-api');
    handshakes.length = 0;
    await expect(connectWorkerConnection(address, tlsOptions)).rejects.toBeInstanceOf(TemporalUnreachableError);
    expect(handshakes).toContain('duban-api');
  }, 60_000);

  it('a certificate from another CA is refused by the server, and nothing connects without TLS settings', async () => {
    handshakes.length = 0;
    await expect(connectTemporalClient(address, 'default', temporalTls(config('stranger')))).rejects.toBeInstanceOf(
      TemporalUnreachableError,
    );
    expect(handshakes).not.toContain('stranger');
    expect(temporalTls(parseConfig({}))).toBeUndefined();
  }, 60_000);

  it('refuses half a client certificate at start, and names an unreadable file', () => {
    expect(() => parseConfig({ TEMPORAL_TLS_CERT_FILE: file('duban-api.pem') })).toThrow(
      'TEMPORAL_TLS_KEY_FILE is required too: the client certificate and its key go together (mTLS)',
    );
    expect(() => temporalTls(parseConfig({ TEMPORAL_TLS_CA_FILE: file('missing.pem') }))).toThrow(
      /cannot read TEMPORAL_TLS_CA_FILE \(.*missing\.pem\)/,
    );
  });
});

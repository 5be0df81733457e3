// The embedded mail default for `npm start`: when no SMTP server is
// configured, reminders go to this loopback SMTP server, which stores each
// message as an .eml file (the raw message, readable by any mail client) under
// <DUBAN_DATA_DIR>/mail. Nothing is delivered. `npm run mail` and the admin
// notifications page list what arrived.
//
// smtp-server and mailparser are loaded on first use, so that code which only
// imports this module (the API) does not need them until capture is on.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export interface MailCapture {
  host: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

/** Largest message accepted (evidence is never mailed; reminders are a few kB). */
const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

export async function startMailCapture(opts: { dir: string; port?: number; host?: string }): Promise<MailCapture> {
  const { SMTPServer } = await import('smtp-server');
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dir, { recursive: true });
  const server = new SMTPServer({
    // Loopback only, no credentials: nothing else can reach it.
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error('message too large for the local mail capture'), { responseCode: 552 }));
        }
        try {
          // Written under a temporary name, then renamed: a reader never sees half a message.
          const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`;
          const tmp = path.join(opts.dir, `.${name}.tmp`);
          writeFileSync(tmp, Buffer.concat(chunks));
          renameSync(tmp, path.join(opts.dir, name));
          callback(null, `stored as ${name}`);
        } catch (error) {
          // 4xx: the sender (the notification activity) retries later.
          callback(
            Object.assign(new Error(`local mail capture cannot write ${opts.dir}: ${(error as Error).message}`), { responseCode: 451 }),
          );
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return { host, port, dir: opts.dir, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface CapturedMailSummary {
  /** File name: the id used to open one message. */
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  /** X-Duban-Key: the outbox row this message belongs to. */
  key?: string;
}

export interface CapturedMail extends CapturedMailSummary {
  text: string;
}

const MAIL_ID = /^[0-9TZ-]+-[0-9a-f]{8}\.eml$/;

/** Newest first; `limit` bounds the work (each file is parsed). A missing folder is an empty list. */
export async function listCapturedMail(dir: string, limit = 200): Promise<CapturedMailSummary[]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => MAIL_ID.test(n));
  } catch {
    return [];
  }
  names.sort().reverse();
  const out: CapturedMailSummary[] = [];
  for (const name of names.slice(0, limit)) {
    const mail = await readCapturedMail(dir, name);
    if (mail) {
      const { text: _text, ...summary } = mail;
      out.push(summary);
    }
  }
  return out;
}

/** One message, parsed; undefined for an id that is not a captured message (no path tricks). */
export async function readCapturedMail(dir: string, id: string): Promise<CapturedMail | undefined> {
  if (!MAIL_ID.test(id)) return undefined;
  const file = path.join(dir, id);
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch {
    return undefined;
  }
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(raw);
  const addresses = (a: typeof mail.to) => (a ? (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ') : '');
  const key = mail.headers.get('x-duban-key');
  return {
    id,
    receivedAt: statSync(file).mtime.toISOString(),
    from: addresses(mail.from),
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    ...(typeof key === 'string' ? { key } : {}),
    text: mail.text ?? '',
  };
}

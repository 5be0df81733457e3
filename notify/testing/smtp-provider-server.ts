import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// Loopback SMTP server with AUTH (PLAIN/LOGIN) that parses every accepted mail
// with mailparser. It can be started on a given port, so a test can take it
// down and bring it back on the same address (outage simulation).

export interface SmtpProviderServer {
  readonly port: number;
  readonly mails: ParsedMail[];
  close(): Promise<void>;
}

/**
 * `fullMailboxes`: recipients answered with 452 (a transient "mailbox full"), as
 * a real server would; the test may empty the set to let them through again.
 */
/**
 * `stall`: the next `count` messages are taken (parsed and kept) but the 250
 * reply only comes after `ms`, as when a server accepts and the answer is lost.
 */
/**
 * Faults for the fault suite, each for the next `count` sessions or messages
 * (the test may change them while the server runs):
 * `refuse`: MAIL FROM answered with `code` (4xx: try again later, 5xx: refused for good);
 * `slowGreeting`: the 220 greeting comes only after `ms` (a client with a shorter timeout gives up before anything is sent);
 * `dropAfterData`: the message is taken (parsed and kept), then the connection is cut with no reply.
 */
export async function startSmtpProviderServer(opts: {
  user: string;
  pass: string;
  port?: number;
  mails?: ParsedMail[];
  fullMailboxes?: Set<string>;
  stall?: { count: number; ms: number };
  refuse?: { count: number; code: number; message: string };
  slowGreeting?: { count: number; ms: number };
  dropAfterData?: { count: number };
}): Promise<SmtpProviderServer> {
  const mails = opts.mails ?? [];
  // Client sockets by remote port, so a session can be cut without a reply.
  const sockets = new Map<number, Socket>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.user && auth.password === opts.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onConnect(_session, callback) {
      const slow = opts.slowGreeting;
      if (slow && slow.count > 0) {
        slow.count -= 1;
        setTimeout(() => callback(), slow.ms).unref();
      } else callback();
    },
    onMailFrom(_address, _session, callback) {
      const refuse = opts.refuse;
      if (refuse && refuse.count > 0) {
        refuse.count -= 1;
        return callback(Object.assign(new Error(refuse.message), { responseCode: refuse.code }));
      }
      return callback();
    },
    onRcptTo(address, _session, callback) {
      if (opts.fullMailboxes?.has(address.address))
        return callback(Object.assign(new Error('4.2.2 Mailbox full, try again later'), { responseCode: 452 }));
      return callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          const drop = opts.dropAfterData;
          if (drop && drop.count > 0) {
            drop.count -= 1;
            sockets.get(session.remotePort)?.destroy();
          } else if (opts.stall && opts.stall.count > 0) {
            opts.stall.count -= 1;
            setTimeout(() => callback(), opts.stall.ms).unref();
          } else callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.server.on('connection', (socket: Socket) => {
    const remotePort = socket.remotePort ?? 0;
    sockets.set(remotePort, socket);
    socket.once('close', () => sockets.delete(remotePort));
  });
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config';
import { classifySmtpReply } from '../error-codes';
import { InDoubtSendError, PermanentSendError, sendErrorFor, type SendError } from '../errors';
import { redactText, trimBody } from '../redact';
import type { Channel, OutboundMessage, SendContext, SendResult } from '../types';

// Email over SMTP with nodemailer. UTF-8 everywhere: nodemailer encodes the
// Chinese subject as RFC 2047 words and the bodies as quoted-printable/base64.

interface SmtpLikeError {
  code?: string;
  timeoutType?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * SMTP 5xx replies and bad credentials cannot get better by waiting; 4xx and
 * a refused connection can. A session that went silent or was cut once it was
 * under way (socket timeout, connection closed) may have delivered the mail
 * before the server's 250 got lost: in doubt, never resent blindly.
 */
export function classifySmtpError(e: unknown, secrets: Array<string | undefined>): SendError {
  const err = (e ?? {}) as SmtpLikeError;
  const details = {
    provider: 'smtp' as const,
    code: err.responseCode ? String(err.responseCode) : err.code,
    raw: err.response ? trimBody(redactText(err.response, secrets), 500) : undefined,
  };
  const msg = redactText(`smtp: ${err.code ?? 'error'}: ${err.message ?? String(e)}`, secrets);
  if (err.responseCode) {
    // EAUTH / EENVELOPE / EMESSAGE come with the server's reply: 4xx (greylisting) waits, 5xx is final.
    return sendErrorFor(classifySmtpReply(err.responseCode), msg, details);
  }
  if (err.code === 'EAUTH' || err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return new PermanentSendError(msg, details);
  const midSession =
    (err.code === 'ETIMEDOUT' && err.timeoutType === 'SOCKET_TIMEOUT') ||
    (err.code === 'ECONNECTION' && /closed unexpectedly/i.test(err.message ?? ''));
  if (midSession) return new InDoubtSendError(msg, details);
  return sendErrorFor({ kind: 'transient' }, msg, details);
}

export function createEmailChannel(config: SmtpConfig, id = 'email'): Channel & { close(): void } {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    // Idle timer twice as long: armed together with the greeting's, it could fire first on a busy
    // event loop, and a server that never greeted (nothing sent) was then taken as in doubt, never resent.
    socketTimeout: 2 * config.timeoutMs,
    // Never send credentials in clear text to a remote host; loopback test servers are exempt.
    requireTLS: !config.secure && !['127.0.0.1', 'localhost', '::1'].includes(config.host),
  });
  const secrets = [config.pass];

  return {
    id,
    medium: 'email',
    provider: 'smtp',
    close: () => transport.close(),
    async send(message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
      if (message.medium !== 'email') {
        throw new PermanentSendError(`smtp: cannot send a ${message.medium} message`, { provider: 'smtp' });
      }
      if (message.to.length === 0) throw new PermanentSendError('smtp: no recipient address', { provider: 'smtp' });
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          textEncoding: 'base64',
          // Unique per message (the outbox row id), so receiving systems and an operator can tell copies apart.
          ...(ctx.ref ? { messageId: `<${ctx.ref}@${messageIdDomain(config.from)}>` } : {}),
          // Lets an operator match a mailbox copy with the outbox row.
          headers: { 'X-Duban-Key': ctx.key },
        });
        return {
          provider: 'smtp',
          messageId: info.messageId,
          raw: trimBody(redactText(String(info.response ?? ''), secrets)),
          acceptedAt: ctx.now?.() ?? new Date(),
        };
      } catch (e) {
        throw classifySmtpError(e, secrets);
      }
    },
  };
}

/** The sender's domain for Message-IDs (RFC 5322 §3.6.4: id-left@id-right); "duban.local" if none can be read. */
function messageIdDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'duban.local';
}

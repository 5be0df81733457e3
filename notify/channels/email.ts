import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config';
import { PermanentSendError, TransientSendError, type SendError } from '../errors';
import { redactText, trimBody } from '../redact';
import type { Channel, OutboundMessage, SendContext, SendResult } from '../types';

// Email over SMTP with nodemailer. UTF-8 everywhere: nodemailer encodes the
// Chinese subject as RFC 2047 words and the bodies as quoted-printable/base64.

interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** SMTP 5xx replies and bad credentials cannot get better by waiting; 4xx and socket trouble can. */
export function classifySmtpError(e: unknown, secrets: Array<string | undefined>): SendError {
  const err = (e ?? {}) as SmtpLikeError;
  const details = {
    provider: 'smtp' as const,
    code: err.responseCode ? String(err.responseCode) : err.code,
    raw: err.response ? trimBody(redactText(err.response, secrets), 500) : undefined,
  };
  const msg = redactText(`smtp: ${err.code ?? 'error'}: ${err.message ?? String(e)}`, secrets);
  if (err.code === 'EAUTH' || err.code === 'EENVELOPE' || err.code === 'EMESSAGE') {
    // EENVELOPE with a 4xx reply (greylisting) is still worth retrying.
    if (err.responseCode && err.responseCode < 500) return new TransientSendError(msg, details);
    return new PermanentSendError(msg, details);
  }
  if (err.responseCode && err.responseCode >= 500) return new PermanentSendError(msg, details);
  return new TransientSendError(msg, details);
}

export function createEmailChannel(config: SmtpConfig, id = 'email'): Channel & { close(): void } {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
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

import { PermanentSendError } from '../errors';
import type { OutboundMessage, ProviderKind, SmsMessage } from '../types';

// Mainland mobile numbers: 1 followed by 10 digits. Anything else cannot be
// delivered by a domestic SMS template, so it is a permanent error up front.
const MAINLAND_MOBILE = /^1\d{10}$/;

export function normaliseMobile(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
  return MAINLAND_MOBILE.test(digits) ? digits : null;
}

export function requireSms(message: OutboundMessage, provider: ProviderKind): SmsMessage & { mobiles: string[] } {
  if (message.medium !== 'sms') {
    throw new PermanentSendError(`${provider}: cannot send a ${message.medium} message`, { provider });
  }
  const mobiles = message.phoneNumbers.map(normaliseMobile);
  if (mobiles.length === 0 || mobiles.some((m) => m === null)) {
    throw new PermanentSendError(`${provider}: invalid mainland mobile number`, { provider, code: 'INVALID_MOBILE' });
  }
  return { ...message, mobiles: mobiles as string[] };
}

export function templateCodeFor(templates: Record<string, string>, message: SmsMessage, provider: ProviderKind): string {
  const code = templates[message.event];
  if (!code) throw new PermanentSendError(`${provider}: no approved template for ${message.event}`, { provider });
  return code;
}

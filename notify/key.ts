import type { NotifyEvent, Recipient } from './events';

// Business key of one notification: the same event, recipient and channel give
// the same key on every retry, so the outbox can tell "already sent". Readable
// on purpose (an operator can see what a row is about) and free of Node
// built-ins so workflows can compute it too. Parts are URI-encoded so that a
// ":" inside an id cannot make two different triples collide.

export function notificationKey(event: Pick<NotifyEvent, 'id' | 'type'>, recipient: Pick<Recipient, 'userId'>, channelId: string): string {
  const enc = encodeURIComponent;
  return `ntf:v1:${enc(event.type)}:${enc(event.id)}:${enc(recipient.userId)}:${enc(channelId)}`;
}

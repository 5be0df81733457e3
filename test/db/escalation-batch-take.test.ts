// Which delivery sends which held escalation row, on the real PostgreSQL.
// A row held after one batch was taken must go out with its own delivery: a
// delivery whose row another batch already took must not take it (it would
// send nothing, and the row would wait in its batch forever; CI saw this as
// one message listing six of seven tasks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { holdForEscalationBatch, takeIntoEscalationBatch } from '../../db/notification-outbox';
import { connectTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await connectTestStack();
});
afterAll(async () => stack?.close());

describe('taking held escalations into a batch', () => {
  const hold = (userId: string, key: string) =>
    holdForEscalationBatch(stack.db, { businessKey: key, event: 'escalation', userId, recipient: '书记', body: key });
  const batchOf = async (key: string) =>
    (await stack.db.notification.findUnique({ where: { businessKey: key }, select: { batchKey: true } }))?.batchKey;

  it('the owner takes every row held so far; a row held later is left for its own delivery, not for one whose row is taken', async () => {
    const userId = randomUUID();
    const keys = Array.from({ length: 7 }, (_, i) => `${userId}:row${i + 1}`);
    for (const key of keys.slice(0, 6)) await hold(userId, key);

    expect(await takeIntoEscalationBatch(stack.db, { userId, ownKey: keys[0]!, batchKey: 'A', upTo: new Date() })).toBe(true);
    await hold(userId, keys[6]!);

    // Row 3's delivery wakes after the batch A took its row: it sends nothing and takes nothing.
    expect(await takeIntoEscalationBatch(stack.db, { userId, ownKey: keys[2]!, batchKey: 'C', upTo: new Date() })).toBe(false);
    expect(await batchOf(keys[6]!)).toBeNull();

    // Row 7's delivery owns a batch of its own.
    expect(await takeIntoEscalationBatch(stack.db, { userId, ownKey: keys[6]!, batchKey: 'G', upTo: new Date() })).toBe(true);
    expect(await Promise.all(keys.map(batchOf))).toEqual(['A', 'A', 'A', 'A', 'A', 'A', 'G']);

    // A retry of the owner finds its batch and adds nothing held since (the batch may already have gone out).
    const late = `${userId}:row8`;
    await hold(userId, late);
    expect(await takeIntoEscalationBatch(stack.db, { userId, ownKey: keys[0]!, batchKey: 'A', upTo: new Date() })).toBe(true);
    expect(await batchOf(late)).toBeNull();
  });

  it('seven deliveries waking together: each row is in exactly one batch, and that batch is owned by a delivery that sends it', async () => {
    const userId = randomUUID();
    const keys = Array.from({ length: 7 }, (_, i) => `${userId}:row${i + 1}`);
    for (const key of keys) await hold(userId, key);
    const owners = await Promise.all(
      keys.map((ownKey) => takeIntoEscalationBatch(stack.db, { userId, ownKey, batchKey: `batch-of-${ownKey}`, upTo: new Date() })),
    );
    expect(owners.filter(Boolean)).toHaveLength(1);
    const owner = keys[owners.indexOf(true)]!;
    expect(await Promise.all(keys.map(batchOf))).toEqual(keys.map(() => `batch-of-${owner}`));
  });
});

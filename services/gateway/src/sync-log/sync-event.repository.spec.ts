import { randomUUID } from 'node:crypto';

import { type SyncEvent } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { SyncEventRepository } from './sync-event.repository';

function buildEvent(overrides: Partial<SyncEvent> = {}): SyncEvent {
  return {
    eventId: randomUUID(),
    accountId: 'account-1',
    channel: 'shopify',
    channelOrderId: '820982911946154508',
    orderNumber: '#1042',
    stage: 'qbo',
    status: 'posted',
    message: 'Posted as sales receipt 1042',
    occurredAt: '2025-07-02T16:31:00Z',
    ...overrides,
  };
}

function eventIds(events: Array<{ eventId: string }>): string[] {
  return events.map((event) => event.eventId);
}

describe(SyncEventRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let sut: SyncEventRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    sut = new SyncEventRepository(database);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  function newAccountId(): string {
    return `account-${randomUUID()}`;
  }

  async function recordAll(events: SyncEvent[]): Promise<void> {
    for (const event of events) {
      await sut.record(event);
    }
  }

  describe('record', () => {
    it('stores an event', async () => {
      const event = buildEvent({ accountId: newAccountId() });

      await sut.record(event);

      expect(await sut.list({ accountId: event.accountId, limit: 10 })).toEqual([
        expect.objectContaining({ eventId: event.eventId, message: event.message }),
      ]);
    });

    it('keeps the applied rules and entity', async () => {
      const event = buildEvent({
        accountId: newAccountId(),
        entity: 'refund',
        entityId: '509562969',
        appliedRules: ['Map PayPal deposits', 'Wholesale class'],
      });

      await sut.record(event);

      const [stored] = await sut.list({ accountId: event.accountId, limit: 10 });

      expect(stored).toMatchObject({
        entity: 'refund',
        entityId: '509562969',
        appliedRules: ['Map PayPal deposits', 'Wholesale class'],
      });
    });

    it('stores occurredAt as a date', async () => {
      const event = buildEvent({ accountId: newAccountId() });

      await sut.record(event);

      const [stored] = await sut.list({ accountId: event.accountId, limit: 10 });

      expect(stored!.occurredAt).toEqual(new Date('2025-07-02T16:31:00Z'));
    });

    it('stores a republished event once', async () => {
      const event = buildEvent({ accountId: newAccountId() });

      await sut.record(event);
      await sut.record(event);

      expect(await sut.list({ accountId: event.accountId, limit: 10 })).toHaveLength(1);
    });

    it('keeps the first copy of a republished event', async () => {
      const event = buildEvent({ accountId: newAccountId() });

      await sut.record(event);
      await sut.record({ ...event, message: 'A later copy' });

      const [stored] = await sut.list({ accountId: event.accountId, limit: 10 });

      expect(stored!.message).toBe(event.message);
    });

    it('stores concurrent copies once', async () => {
      const event = buildEvent({ accountId: newAccountId() });

      await Promise.all(Array.from({ length: 10 }, () => sut.record(event)));

      expect(await sut.list({ accountId: event.accountId, limit: 10 })).toHaveLength(1);
    });

    it('rejects an event without a message', async () => {
      await expect(sut.record(buildEvent({ message: '' }))).rejects.toThrow(/message/);
    });
  });

  describe('list', () => {
    const accountId = newAccountId();
    const early = buildEvent({
      accountId,
      channelOrderId: '1',
      occurredAt: '2025-07-01T08:00:00Z',
    });
    const failed = buildEvent({
      accountId,
      channelOrderId: '2',
      status: 'failed',
      message: 'QuickBooks fault 6000',
      occurredAt: '2025-07-02T08:00:00Z',
    });
    const late = buildEvent({ accountId, channelOrderId: '1', occurredAt: '2025-07-03T08:00:00Z' });

    beforeAll(async () => {
      await recordAll([failed, late, early]);
      await sut.record(
        buildEvent({ accountId: newAccountId(), occurredAt: '2025-07-02T09:00:00Z' }),
      );
    });

    it("returns only that account's events", async () => {
      const events = await sut.list({ accountId, limit: 10 });

      expect(new Set(events.map((event) => event.accountId))).toEqual(new Set([accountId]));
    });

    it('orders events newest first', async () => {
      expect(eventIds(await sut.list({ accountId, limit: 10 }))).toEqual([
        late.eventId,
        failed.eventId,
        early.eventId,
      ]);
    });

    it('filters by status', async () => {
      expect(eventIds(await sut.list({ accountId, status: 'failed', limit: 10 }))).toEqual([
        failed.eventId,
      ]);
    });

    it('filters by channel order id', async () => {
      expect(eventIds(await sut.list({ accountId, channelOrderId: '1', limit: 10 }))).toEqual([
        late.eventId,
        early.eventId,
      ]);
    });

    it('includes an event at the since time', async () => {
      const since = new Date(failed.occurredAt);

      expect(eventIds(await sut.list({ accountId, since, limit: 10 }))).toEqual([
        late.eventId,
        failed.eventId,
      ]);
    });

    it('combines filters', async () => {
      const since = new Date('2025-07-02T00:00:00Z');

      expect(
        eventIds(await sut.list({ accountId, channelOrderId: '1', since, limit: 10 })),
      ).toEqual([late.eventId]);
    });

    it('returns the newest events up to the limit', async () => {
      expect(eventIds(await sut.list({ accountId, limit: 2 }))).toEqual([
        late.eventId,
        failed.eventId,
      ]);
    });

    it('returns nothing for an unknown account', async () => {
      expect(await sut.list({ accountId: newAccountId(), limit: 10 })).toEqual([]);
    });

    it('leaves out the database _id', async () => {
      const [event] = await sut.list({ accountId, limit: 1 });

      expect(event).not.toHaveProperty('_id');
    });
  });

  describe('deleteOlderThan', () => {
    const cutoff = new Date('2025-06-25T00:00:00Z');

    beforeEach(async () => {
      await database.collection('sync_events').deleteMany({});
    });

    it('returns the number of deleted events', async () => {
      await recordAll([
        buildEvent({ occurredAt: '2025-06-17T00:00:00Z' }),
        buildEvent({ occurredAt: '2025-06-24T23:59:59Z' }),
        buildEvent({ occurredAt: '2025-06-26T00:00:00Z' }),
      ]);

      expect(await sut.deleteOlderThan(cutoff)).toBe(2);
    });

    it('keeps newer events', async () => {
      const newer = buildEvent({ occurredAt: '2025-06-26T00:00:00Z' });

      await recordAll([buildEvent({ occurredAt: '2025-06-17T00:00:00Z' }), newer]);
      await sut.deleteOlderThan(cutoff);

      expect(eventIds(await sut.list({ accountId: 'account-1', limit: 10 }))).toEqual([
        newer.eventId,
      ]);
    });

    it('keeps an event at the cutoff', async () => {
      await sut.record(buildEvent({ occurredAt: cutoff.toISOString() }));

      expect(await sut.deleteOlderThan(cutoff)).toBe(0);
    });

    it('deletes across accounts', async () => {
      await recordAll([
        buildEvent({ accountId: newAccountId(), occurredAt: '2025-06-17T00:00:00Z' }),
        buildEvent({ accountId: newAccountId(), occurredAt: '2025-06-18T00:00:00Z' }),
      ]);

      expect(await sut.deleteOlderThan(cutoff)).toBe(2);
    });

    it('lets a purged event id be stored again', async () => {
      const event = buildEvent({ occurredAt: '2025-06-17T00:00:00Z' });

      await sut.record(event);
      await sut.deleteOlderThan(cutoff);
      await sut.record({ ...event, occurredAt: '2025-06-26T00:00:00Z' });

      expect(await sut.list({ accountId: 'account-1', limit: 10 })).toHaveLength(1);
    });
  });
});

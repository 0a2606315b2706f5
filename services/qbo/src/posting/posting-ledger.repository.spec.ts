import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { ExclusiveClaimRepository } from '../common/exclusive-claim.repository';
import { type LedgerKey, ledgerId, PostingLedgerRepository } from './posting-ledger.repository';

const STALE_AFTER_MILLISECONDS = 30_000;

function newKey(): LedgerKey {
  return {
    accountId: 'account-1',
    channel: 'shopify',
    channelOrderId: randomUUID(),
    documentKind: 'sales_receipt',
  };
}

describe(PostingLedgerRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let sut: PostingLedgerRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    sut = new PostingLedgerRepository(database, new ExclusiveClaimRepository(database));
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  /** Moves the entry's claim time back, as if its replica had stopped that long ago. */
  async function backdateClaim(key: LedgerKey, milliseconds: number): Promise<void> {
    await database
      .collection('posting_ledger')
      .updateOne(key, { $set: { claimedAt: new Date(Date.now() - milliseconds) } });
  }

  describe('claim', () => {
    it('claims a new key', async () => {
      const result = await sut.claim(newKey(), 'request-1', STALE_AFTER_MILLISECONDS);

      expect(result.outcome).toBe('claimed');
    });

    it('reports a first claim as not landed', async () => {
      const result = await sut.claim(newKey(), 'request-1', STALE_AFTER_MILLISECONDS);

      expect(result).toMatchObject({ mayHaveLanded: false });
    });

    it('stores a pending entry with one attempt', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);

      expect(await sut.findByKey(key)).toMatchObject({
        state: 'pending',
        requestId: 'request-1',
        attempts: 1,
      });
    });

    it('returns already_posted for a posted key', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markPosted(key, { realmId: '9341453908', documentId: '145', documentTotal: 2958 });

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.outcome).toBe('already_posted');
    });

    it('returns the posted document with already_posted', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markPosted(key, { realmId: '9341453908', documentId: '145', documentTotal: 2958 });

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.entry).toMatchObject({ documentId: '145', documentTotal: 2958 });
    });

    it('returns busy while another claim is pending', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.outcome).toBe('busy');
    });

    it('leaves a busy entry unchanged', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(await sut.findByKey(key)).toMatchObject({ requestId: 'request-1', attempts: 1 });
    });

    it('takes over a stale pending claim', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result).toMatchObject({ outcome: 'claimed', mayHaveLanded: true });
    });

    it('counts the attempt of a takeover', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);
      await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect((await sut.findByKey(key))!.attempts).toBe(2);
    });

    it('keeps the first requestId on takeover', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.entry.requestId).toBe('request-1');
    });

    it('renews the claim time on takeover', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);
      await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      const result = await sut.claim(key, 'request-3', STALE_AFTER_MILLISECONDS);

      expect(result.outcome).toBe('busy');
    });

    it('re-claims a failed key at once', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markFailed(key, 'QuickBooks fault 6000: business rule');

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result).toMatchObject({ outcome: 'claimed', mayHaveLanded: true });
    });

    it('sets a re-claimed failed key pending', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markFailed(key, 'QuickBooks fault 6000: business rule');
      await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(await sut.findByKey(key)).toMatchObject({ state: 'pending', attempts: 2 });
    });

    it('gives a retry after a rejection a new requestId', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markFailed(key, 'QuickBooks fault 6140: duplicate document number', 1);

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.entry.requestId).not.toBe('request-1');
    });

    it('keeps the requestId after an interrupted attempt', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.release(key, 'No response from QuickBooks');

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.entry.requestId).toBe('request-1');
    });

    it('re-claims a released key at once', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.release(key, 'No answer from QuickBooks');

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result).toMatchObject({ outcome: 'claimed', mayHaveLanded: true });
    });

    it('lets one of ten concurrent claims win', async () => {
      const key = newKey();

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.claim(key, `request-${index}`, STALE_AFTER_MILLISECONDS),
        ),
      );

      expect(results.filter((result) => result.outcome === 'claimed')).toHaveLength(1);
    });

    it('reports the nine losers busy', async () => {
      const key = newKey();

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.claim(key, `request-${index}`, STALE_AFTER_MILLISECONDS),
        ),
      );

      expect(results.filter((result) => result.outcome === 'busy')).toHaveLength(9);
    });

    it('stores one entry for ten concurrent claims', async () => {
      const key = newKey();

      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.claim(key, `request-${index}`, STALE_AFTER_MILLISECONDS),
        ),
      );

      expect(await database.collection('posting_ledger').countDocuments(key)).toBe(1);
    });

    it('lets one of ten concurrent takeovers win', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.claim(key, `request-${index}`, STALE_AFTER_MILLISECONDS),
        ),
      );

      expect(results.filter((result) => result.outcome === 'claimed')).toHaveLength(1);
    });

    it('counts one attempt for ten concurrent takeovers', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.claim(key, `request-${index}`, STALE_AFTER_MILLISECONDS),
        ),
      );

      expect((await sut.findByKey(key))!.attempts).toBe(2);
    });

    it('lets one of ten concurrent re-claims of a failed key win', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markFailed(key, 'QuickBooks fault 6000: business rule');

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.claim(key, `request-${index}`, STALE_AFTER_MILLISECONDS),
        ),
      );

      expect(results.filter((result) => result.outcome === 'claimed')).toHaveLength(1);
    });

    it('takes over again after a second stale claim', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);
      await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);

      const result = await sut.claim(key, 'request-3', STALE_AFTER_MILLISECONDS);

      expect(result).toMatchObject({ outcome: 'claimed', entry: { attempts: 3 } });
    });

    it('takes over an entry whose takeover stopped half way', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);
      // A replica inserted the claim for attempt 2, then stopped before updating the entry.
      await database.collection('exclusive_claims').insertOne({
        _id: `${ledgerId(key)}#2` as never,
        purpose: 'posting',
        createdAt: new Date(Date.now() - STALE_AFTER_MILLISECONDS - 1_000),
      });

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result).toMatchObject({ outcome: 'claimed', entry: { attempts: 2 } });
    });

    it('waits for a takeover still in progress', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await backdateClaim(key, STALE_AFTER_MILLISECONDS + 1_000);
      await database.collection('exclusive_claims').insertOne({
        _id: `${ledgerId(key)}#2` as never,
        purpose: 'posting',
        createdAt: new Date(),
      });

      const result = await sut.claim(key, 'request-2', STALE_AFTER_MILLISECONDS);

      expect(result.outcome).toBe('busy');
    });

    it('keeps keys of other document kinds apart', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);

      const result = await sut.claim(
        { ...key, documentKind: 'refund_receipt' },
        'request-2',
        STALE_AFTER_MILLISECONDS,
      );

      expect(result.outcome).toBe('claimed');
    });
  });

  describe('markPosted', () => {
    it('stores the document and clears the last error', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.release(key, 'timed out');
      await sut.markPosted(key, {
        realmId: '9341453908',
        documentId: '145',
        docNumber: '1042',
        documentTotal: 2958,
      });

      const entry = await sut.findByKey(key);

      expect(entry).toMatchObject({ state: 'posted', documentId: '145', docNumber: '1042' });
      expect(entry).not.toHaveProperty('lastError');
    });
  });

  describe('markFailed', () => {
    it('stores the reason cut to 2000 characters', async () => {
      const key = newKey();

      await sut.claim(key, 'request-1', STALE_AFTER_MILLISECONDS);
      await sut.markFailed(key, 'x'.repeat(3000));

      expect((await sut.findByKey(key))!.lastError).toHaveLength(2000);
    });
  });

  describe('findByKey', () => {
    it('returns null for an unknown key', async () => {
      expect(await sut.findByKey(newKey())).toBeNull();
    });
  });
});

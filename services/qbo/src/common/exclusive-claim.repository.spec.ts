import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { ExclusiveClaimRepository } from './exclusive-claim.repository';

describe(ExclusiveClaimRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let sut: ExclusiveClaimRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    sut = new ExclusiveClaimRepository(database);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  function newClaimId(): string {
    return `claim-${randomUUID()}`;
  }

  describe('tryClaim', () => {
    it('grants a new claim', async () => {
      expect(await sut.tryClaim(newClaimId(), 'posting')).toBe(true);
    });

    it('rejects a claim already granted', async () => {
      const claimId = newClaimId();

      await sut.tryClaim(claimId, 'posting');

      expect(await sut.tryClaim(claimId, 'posting')).toBe(false);
    });

    it('grants one of ten concurrent claims', async () => {
      const claimId = newClaimId();

      const results = await Promise.all(
        Array.from({ length: 10 }, () => sut.tryClaim(claimId, 'posting')),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('stores the purpose', async () => {
      const claimId = newClaimId();

      await sut.tryClaim(claimId, 'qbo-token-refresh');

      expect(
        await database.collection('exclusive_claims').findOne({ _id: claimId as never }),
      ).toMatchObject({ purpose: 'qbo-token-refresh' });
    });
  });

  describe('release', () => {
    it('lets the claim be granted again', async () => {
      const claimId = newClaimId();

      await sut.tryClaim(claimId, 'posting');
      await sut.release(claimId);

      expect(await sut.tryClaim(claimId, 'posting')).toBe(true);
    });

    it('accepts a claim that was never granted', async () => {
      await expect(sut.release(newClaimId())).resolves.toBeUndefined();
    });
  });

  describe('deleteOlderThan', () => {
    beforeEach(async () => {
      await database.collection('exclusive_claims').deleteMany({});
    });

    /** Inserts a claim as if it had been granted `ageMilliseconds` ago. */
    async function insertClaim(claimId: string, ageMilliseconds: number): Promise<void> {
      await database.collection('exclusive_claims').insertOne({
        _id: claimId as never,
        purpose: 'posting',
        createdAt: new Date(Date.now() - ageMilliseconds),
      });
    }

    it('returns the number of deleted claims', async () => {
      await insertClaim(newClaimId(), 120_000);
      await insertClaim(newClaimId(), 90_000);
      await insertClaim(newClaimId(), 1_000);

      expect(await sut.deleteOlderThan(new Date(Date.now() - 60_000))).toBe(2);
    });

    it('frees a deleted claim', async () => {
      const claimId = newClaimId();

      await insertClaim(claimId, 120_000);
      await sut.deleteOlderThan(new Date(Date.now() - 60_000));

      expect(await sut.tryClaim(claimId, 'posting')).toBe(true);
    });

    it('keeps a newer claim', async () => {
      const claimId = newClaimId();

      await insertClaim(claimId, 1_000);
      await sut.deleteOlderThan(new Date(Date.now() - 60_000));

      expect(await sut.tryClaim(claimId, 'posting')).toBe(false);
    });
  });
});

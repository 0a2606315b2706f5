import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { RuleSetRepository } from './rule-set.repository';

describe(RuleSetRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let sut: RuleSetRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    sut = new RuleSetRepository(database);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  function newAccountId(): string {
    return `account-${randomUUID()}`;
  }

  describe('findByAccountId', () => {
    it('returns null when none is stored', async () => {
      expect(await sut.findByAccountId(newAccountId())).toBeNull();
    });

    it('returns the stored rule set', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbd');

      expect(await sut.findByAccountId(accountId)).toMatchObject({
        accountId,
        target: 'qbd',
        version: 1,
      });
    });

    it('leaves out the database _id', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');

      expect(await sut.findByAccountId(accountId)).not.toHaveProperty('_id');
    });
  });

  describe('putTarget', () => {
    it('creates version 1', async () => {
      expect((await sut.putTarget(newAccountId(), 'qbo')).version).toBe(1);
    });

    it('increments the version on each change', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');
      await sut.putTarget(accountId, 'qbd');

      expect((await sut.putTarget(accountId, 'qbo')).version).toBe(3);
    });

    it('increments the version when the target stays the same', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');

      expect((await sut.putTarget(accountId, 'qbo')).version).toBe(2);
    });

    it('returns the new target', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');

      expect((await sut.putTarget(accountId, 'qbd')).target).toBe('qbd');
    });

    it('returns no database _id', async () => {
      expect(await sut.putTarget(newAccountId(), 'qbo')).not.toHaveProperty('_id');
    });

    it('sets updatedAt to the time of the change', async () => {
      const before = Date.now();
      const ruleSet = await sut.putTarget(newAccountId(), 'qbo');

      expect(new Date(ruleSet.updatedAt).getTime()).toBeGreaterThanOrEqual(before);
    });

    it('keeps one document per account', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');
      await sut.putTarget(accountId, 'qbd');

      expect(await database.collection('rule_sets').countDocuments({ accountId })).toBe(1);
    });

    it('keeps accounts apart', async () => {
      const first = newAccountId();

      await sut.putTarget(first, 'qbo');
      await sut.putTarget(first, 'qbo');

      expect((await sut.putTarget(newAccountId(), 'qbd')).version).toBe(1);
    });

    // FerretDB 1.24.2 on SQLite runs findAndModify as a read followed by a write without
    // isolation. Ten concurrent putTarget calls on a stored rule set return repeated versions and
    // can leave the stored version far below 11 (2 in one run here), so a version no longer
    // identifies one change.
    it.todo('gives concurrent changes distinct versions');
  });
});

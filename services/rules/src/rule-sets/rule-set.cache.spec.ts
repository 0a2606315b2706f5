import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { RuleSetCache } from './rule-set.cache';
import { RuleSetRepository } from './rule-set.repository';

describe(RuleSetCache.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let repository: RuleSetRepository;
  let sut: RuleSetCache;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    repository = new RuleSetRepository(database);
    await ensureIndexes(database);
  });

  beforeEach(() => {
    sut = new RuleSetCache(repository);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  afterAll(async () => {
    await database.close();
  });

  function newAccountId(): string {
    return `account-${randomUUID()}`;
  }

  /** Fakes only `Date`, so mongoose and the database driver keep their real timers. */
  function fakeClock(): void {
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
      now: Date.now(),
    });
  }

  describe('get', () => {
    it('returns a default rule set when none is stored', async () => {
      const accountId = newAccountId();

      expect(await sut.get(accountId)).toEqual({
        accountId,
        target: 'qbo',
        version: 0,
        updatedAt: new Date(0),
      });
    });

    it('stores nothing for the default', async () => {
      const accountId = newAccountId();

      await sut.get(accountId);

      expect(await repository.findByAccountId(accountId)).toBeNull();
    });

    it('returns the stored rule set', async () => {
      const accountId = newAccountId();

      await repository.putTarget(accountId, 'qbd');

      expect(await sut.get(accountId)).toMatchObject({ target: 'qbd', version: 1 });
    });

    it('reuses its copy within two seconds', async () => {
      const accountId = newAccountId();

      await repository.putTarget(accountId, 'qbo');
      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');

      expect((await sut.get(accountId)).version).toBe(1);
    });

    it('reuses a default within two seconds', async () => {
      const accountId = newAccountId();

      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');

      expect((await sut.get(accountId)).version).toBe(0);
    });

    it('reads again after two seconds', async () => {
      const accountId = newAccountId();

      fakeClock();
      await repository.putTarget(accountId, 'qbo');
      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');
      jest.setSystemTime(Date.now() + 2_001);

      expect((await sut.get(accountId)).version).toBe(2);
    });

    it('keeps accounts apart', async () => {
      const first = newAccountId();
      const second = newAccountId();

      await repository.putTarget(first, 'qbd');
      await sut.get(first);

      expect((await sut.get(second)).target).toBe('qbo');
    });
  });

  describe('forget', () => {
    it('makes the next get read the stored version', async () => {
      const accountId = newAccountId();

      await repository.putTarget(accountId, 'qbo');
      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');
      sut.forget(accountId);

      expect(await sut.get(accountId)).toMatchObject({ target: 'qbd', version: 2 });
    });

    it('replaces a cached default with the stored rule set', async () => {
      const accountId = newAccountId();

      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');
      sut.forget(accountId);

      expect((await sut.get(accountId)).version).toBe(1);
    });

    it('leaves other accounts cached', async () => {
      const first = newAccountId();
      const second = newAccountId();

      await repository.putTarget(second, 'qbo');
      await sut.get(second);
      await repository.putTarget(second, 'qbd');
      sut.forget(first);

      expect((await sut.get(second)).version).toBe(1);
    });

    it('accepts an account it never cached', () => {
      expect(() => sut.forget(newAccountId())).not.toThrow();
    });
  });
});

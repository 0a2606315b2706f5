import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { type Rule } from '../engine/rule.model';
import { RuleSetCache } from './rule-set.cache';
import { RuleSetRepository } from './rule-set.repository';

const classRule: Rule = {
  ruleId: 'class',
  name: 'Class',
  enabled: true,
  type: 'map_value',
  scope: { connectionIds: [] },
  conditions: [],
  action: { kind: 'class', value: 'Retail', from: '' },
};

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
    it('returns an empty rule set when none is stored', async () => {
      const accountId = newAccountId();

      expect(await sut.get(accountId)).toMatchObject({
        accountId,
        target: 'qbo',
        version: 0,
        rules: [],
        problems: [],
      });
    });

    it('compiles the stored rules', async () => {
      const accountId = newAccountId();

      await repository.change(accountId, (current) => ({ ...current, rules: [classRule] }), 'add');
      const ruleSet = await sut.get(accountId);

      expect(ruleSet.compiled?.ruleCount).toBe(1);
      expect(ruleSet.version).toBe(1);
    });

    it('reports rules that no longer compile', async () => {
      const accountId = newAccountId();
      const broken = {
        ...classRule,
        conditions: [
          {
            join: 'and' as const,
            field: 'gone',
            comparison: 'equals' as const,
            value: 'x',
            values: [],
          },
        ],
      };

      await repository.change(accountId, (current) => ({ ...current, rules: [broken] }), 'add');
      const ruleSet = await sut.get(accountId);

      expect(ruleSet.compiled).toBeUndefined();
      expect(ruleSet.problems[0]).toMatchObject({ ruleName: 'Class', path: 'conditions[0]' });
    });

    it('reuses its copy within two seconds', async () => {
      const accountId = newAccountId();

      await repository.putTarget(accountId, 'qbo');
      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');

      expect((await sut.get(accountId)).version).toBe(1);
    });

    it('reads again after two seconds', async () => {
      const accountId = newAccountId();

      fakeClock();
      await repository.putTarget(accountId, 'qbo');
      await sut.get(accountId);
      await repository.putTarget(accountId, 'qbd');
      jest.setSystemTime(Date.now() + 2_001);

      expect(await sut.get(accountId)).toMatchObject({ version: 2, target: 'qbd' });
    });

    it('keeps the compiled rules while the version is unchanged', async () => {
      const accountId = newAccountId();

      fakeClock();
      await repository.change(accountId, (current) => ({ ...current, rules: [classRule] }), 'add');
      const first = await sut.get(accountId);

      jest.setSystemTime(Date.now() + 2_001);

      expect((await sut.get(accountId)).compiled).toBe(first.compiled);
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

    it('accepts an account it never cached', () => {
      expect(() => sut.forget(newAccountId())).not.toThrow();
    });
  });
});

import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { type Rule } from '../engine/rule.model';
import { RULES_PER_CHUNK, RuleSetChangeRejected, RuleSetRepository } from './rule-set.repository';

function memoRule(ruleId: string, value = ruleId): Rule {
  return {
    ruleId,
    name: `Memo ${ruleId}`,
    enabled: true,
    type: 'map_value',
    scope: { connectionIds: [] },
    conditions: [],
    action: { kind: 'memo', value, from: '' },
  };
}

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

    it('returns the new target', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');

      expect((await sut.putTarget(accountId, 'qbd')).target).toBe('qbd');
    });

    it('returns no database _id', async () => {
      expect(await sut.putTarget(newAccountId(), 'qbo')).not.toHaveProperty('_id');
    });

    it('keeps the rules', async () => {
      const accountId = newAccountId();

      await sut.change(accountId, (current) => ({ ...current, rules: [memoRule('a')] }), 'add a');
      await sut.putTarget(accountId, 'qbd');

      expect((await sut.latest(accountId))?.rules).toEqual([memoRule('a')]);
    });

    it('keeps accounts apart', async () => {
      const first = newAccountId();

      await sut.putTarget(first, 'qbo');
      await sut.putTarget(first, 'qbo');

      expect((await sut.putTarget(newAccountId(), 'qbd')).version).toBe(1);
    });

    it('gives concurrent changes distinct versions', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          sut.putTarget(accountId, index % 2 === 0 ? 'qbo' : 'qbd'),
        ),
      );
      const versions = results.map((result) => result.version).sort((a, b) => a - b);

      expect(versions).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect((await sut.latestHeader(accountId))?.version).toBe(11);
    });
  });

  describe('change', () => {
    it('keeps every one of concurrent rule additions', async () => {
      const accountId = newAccountId();
      const ids = Array.from({ length: 8 }, (_, index) => `rule-${index}`);

      await Promise.all(
        ids.map((id) =>
          sut.change(
            accountId,
            (current) => ({ ...current, rules: [...current.rules, memoRule(id)] }),
            `add ${id}`,
          ),
        ),
      );
      const latest = await sut.latest(accountId);

      expect(latest?.version).toBe(8);
      expect(latest?.rules.map((rule) => rule.ruleId).sort()).toEqual(ids);
    });

    it('repairs a version stored without its head', async () => {
      const accountId = newAccountId();

      await sut.putTarget(accountId, 'qbo');
      // A writer that stopped between its two inserts leaves version 2 without a head.
      await database.collection('rule_set_versions').insertOne({
        _id: `${accountId}|2`,
        accountId,
        target: 'qbd',
        version: 2,
        updatedAt: new Date(),
        rules: [memoRule('orphan')],
        change: 'interrupted',
      } as never);
      const next = await sut.change(accountId, (current) => current, 'after the interruption');

      expect(next.version).toBe(3);
      expect(next.rules.map((rule) => rule.ruleId)).toEqual(['orphan']);
      expect((await sut.listVersions(accountId, 10)).map((version) => version.version)).toEqual([
        3, 2, 1,
      ]);
    });

    it('stores a large rule set in chunks', async () => {
      const accountId = newAccountId();
      const rules = Array.from({ length: RULES_PER_CHUNK * 2 + 5 }, (_, index) =>
        memoRule(`rule-${index}`),
      );

      await sut.change(accountId, (current) => ({ ...current, rules }), 'import');
      const latest = await sut.latest(accountId);
      const summary = await sut.listVersions(accountId, 1);

      expect(latest?.rules.map((rule) => rule.ruleId)).toEqual(rules.map((rule) => rule.ruleId));
      expect(summary[0]?.ruleCount).toBe(rules.length);
      expect(await database.collection('rule_set_chunks').countDocuments({ accountId })).toBe(3);
    });

    it('stores nothing when the change is rejected', async () => {
      const accountId = newAccountId();

      await expect(
        sut.change(
          accountId,
          () => {
            throw new RuleSetChangeRejected('no');
          },
          'rejected',
        ),
      ).rejects.toThrow('no');
      expect(await sut.latest(accountId)).toBeNull();
    });

    it('records the description and the restored version', async () => {
      const accountId = newAccountId();

      await sut.change(accountId, (current) => current, 'first', undefined);
      const restored = await sut.change(accountId, (current) => current, 'restored version 1', 1);

      expect(restored).toMatchObject({ version: 2, change: 'restored version 1', restoredFrom: 1 });
    });
  });

  describe('versions', () => {
    it('lists versions newest first with rule counts', async () => {
      const accountId = newAccountId();

      await sut.change(accountId, (current) => ({ ...current, rules: [memoRule('a')] }), 'add a');
      await sut.change(
        accountId,
        (current) => ({ ...current, rules: [...current.rules, memoRule('b')] }),
        'add b',
      );

      expect(await sut.listVersions(accountId, 10)).toEqual([
        expect.objectContaining({ version: 2, change: 'add b', ruleCount: 2 }),
        expect.objectContaining({ version: 1, change: 'add a', ruleCount: 1 }),
      ]);
    });

    it('finds an old version with its rules', async () => {
      const accountId = newAccountId();

      await sut.change(
        accountId,
        (current) => ({ ...current, rules: [memoRule('a', 'old')] }),
        'v1',
      );
      await sut.change(
        accountId,
        (current) => ({ ...current, rules: [memoRule('a', 'new')] }),
        'v2',
      );

      expect((await sut.findVersion(accountId, 1))?.rules[0]?.action.value).toBe('old');
    });
  });
});

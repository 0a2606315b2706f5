import { randomUUID } from 'node:crypto';

import { AppLogger, createRootLogger } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { RuleHitRecorder } from './rule-hit.recorder';

const HOUR = 60 * 60 * 1000;

describe(RuleHitRecorder.name, () => {
  const infra = withInfrastructure();
  let database: Connection;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  function newRecorder(): RuleHitRecorder {
    return new RuleHitRecorder(database, new AppLogger(createRootLogger('rules', 'silent')));
  }

  function newAccountId(): string {
    return `account-${randomUUID()}`;
  }

  it('sums hits per rule after a flush', async () => {
    const sut = newRecorder();
    const accountId = newAccountId();
    const at = new Date('2026-01-01T10:15:00Z');

    sut.record(accountId, ['a', 'b'], at);
    sut.record(accountId, ['a'], new Date(at.getTime() + 1_000));
    await sut.flush();
    const totals = await sut.totals(accountId);

    expect(totals.get('a')).toEqual({ count: 2, lastHitAt: new Date(at.getTime() + 1_000) });
    expect(totals.get('b')?.count).toBe(1);
  });

  it('counts nothing before a flush', async () => {
    const sut = newRecorder();
    const accountId = newAccountId();

    sut.record(accountId, ['a']);

    expect((await sut.totals(accountId)).size).toBe(0);
  });

  it('replaces its hour document on later flushes', async () => {
    const sut = newRecorder();
    const accountId = newAccountId();
    const at = new Date('2026-01-01T10:15:00Z');

    sut.record(accountId, ['a'], at);
    await sut.flush();
    sut.record(accountId, ['a'], at);
    await sut.flush();

    expect((await sut.totals(accountId)).get('a')?.count).toBe(2);
    expect(await database.collection('rule_hits').countDocuments({ accountId })).toBe(1);
  });

  it('keeps hours apart and writes a finished hour', async () => {
    const sut = newRecorder();
    const accountId = newAccountId();
    const at = new Date('2026-01-01T10:59:00Z');

    sut.record(accountId, ['a'], at);
    sut.record(accountId, ['a'], new Date(at.getTime() + HOUR));
    await sut.flush();

    expect((await sut.totals(accountId)).get('a')?.count).toBe(2);
    expect(await database.collection('rule_hits').countDocuments({ accountId })).toBe(2);
  });

  it('adds up the replicas', async () => {
    const accountId = newAccountId();
    const first = newRecorder();
    const second = newRecorder();

    first.record(accountId, ['a']);
    second.record(accountId, ['a']);
    await first.flush();
    await second.flush();

    expect((await first.totals(accountId)).get('a')?.count).toBe(2);
  });

  it('purges hours before the cutoff', async () => {
    const sut = newRecorder();
    const accountId = newAccountId();

    sut.record(accountId, ['old'], new Date('2020-01-01T00:00:00Z'));
    await sut.flush();
    await sut.purgeBefore(new Date('2021-01-01T00:00:00Z'));

    expect((await sut.totals(accountId)).size).toBe(0);
  });
});

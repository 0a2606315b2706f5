import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection, Types } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { EntityReferenceRepository } from './entity-reference.repository';

describe(EntityReferenceRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    // Registers the model, so that its unique index exists before the first test writes.
    new EntityReferenceRepository(database);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  /** Returns a repository with an empty memory, as in another replica or after a restart. */
  function freshRepository(): EntityReferenceRepository {
    return new EntityReferenceRepository(database);
  }

  it('stores a reference under its name key', async () => {
    const realmId = randomUUID();

    await freshRepository().save(realmId, 'customer', '  Ada   Lovelace ', '41');
    const stored = await database
      .collection('qbo_entity_references')
      .findOne({ _id: `${realmId}|customer|ada lovelace` as never });

    expect(stored?.qboId).toBe('41');
  });

  it('finds a stored reference from another replica', async () => {
    const realmId = randomUUID();

    await freshRepository().save(realmId, 'item', 'name:Widget', '7');

    expect(await freshRepository().find(realmId, 'item', 'NAME:widget')).toBe('7');
  });

  it('repoints a reference saved again', async () => {
    const realmId = randomUUID();

    await freshRepository().save(realmId, 'item', 'name:Gadget', '8');
    await freshRepository().save(realmId, 'item', 'name:Gadget', '9');

    expect(await freshRepository().find(realmId, 'item', 'name:Gadget')).toBe('9');
  });

  it('finds a reference stored with a generated id', async () => {
    const realmId = randomUUID();

    await database.collection('qbo_entity_references').insertOne({
      _id: new Types.ObjectId(),
      realmId,
      kind: 'customer',
      key: 'grace hopper',
      qboId: '12',
      name: 'Grace Hopper',
      updatedAt: new Date(),
    });

    expect(await freshRepository().find(realmId, 'customer', 'Grace Hopper')).toBe('12');
  });

  it('repoints a reference stored with a generated id', async () => {
    const realmId = randomUUID();

    await database.collection('qbo_entity_references').insertOne({
      _id: new Types.ObjectId(),
      realmId,
      kind: 'customer',
      key: 'alan turing',
      qboId: '13',
      name: 'Alan Turing',
      updatedAt: new Date(),
    });
    await freshRepository().save(realmId, 'customer', 'Alan Turing', '14');

    expect(await freshRepository().find(realmId, 'customer', 'Alan Turing')).toBe('14');
  });

  it('forgets every reference of a realm', async () => {
    const realmId = randomUUID();
    const repository = freshRepository();

    await repository.save(realmId, 'customer', 'Forgotten', '15');
    await repository.forgetRealm(realmId);

    expect(await repository.find(realmId, 'customer', 'Forgotten')).toBeUndefined();
    expect(await freshRepository().find(realmId, 'customer', 'Forgotten')).toBeUndefined();
  });
});

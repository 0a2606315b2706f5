import { withInfrastructure } from '@qbsync/testing';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';

import { type BatchMemberDocument, claimBatch, findUnclaimed } from '../src/database';

interface BatchDocument {
  _id: string;
  day: string;
}

describe('claimBatch', () => {
  const infra = withInfrastructure();
  let connection: Connection;
  let batches: Model<BatchDocument>;
  let members: Model<BatchMemberDocument>;

  beforeAll(async () => {
    const url = new URL(infra.mongoUri);

    url.pathname = '/batch-claim';
    connection = await mongoose.createConnection(url.toString()).asPromise();
    batches = connection.model<BatchDocument>(
      'Batch',
      new Schema<BatchDocument>({ _id: String, day: String }, { collection: 'batches' }),
    );
    members = connection.model<BatchMemberDocument>(
      'BatchMember',
      new Schema<BatchMemberDocument>({ _id: String, batchId: String }, { collection: 'members' }),
    );
  });

  // The servers are started for this file alone, so the test database is not dropped.
  afterAll(async () => {
    await connection.close();
  });

  beforeEach(async () => {
    await batches.deleteMany({});
    await members.deleteMany({});
  });

  it('claims the batch and its members', async () => {
    const claimed = await claimBatch(batches, members, { _id: 'b1', day: '2025-07-01' }, [
      'o1',
      'o2',
    ]);

    expect(claimed).toBe(true);
    expect(await batches.countDocuments({ _id: 'b1' })).toBe(1);
    expect(await members.find({ batchId: 'b1' }).sort({ _id: 1 }).lean()).toEqual([
      { _id: 'o1', batchId: 'b1' },
      { _id: 'o2', batchId: 'b1' },
    ]);
  });

  it('rejects a batch id taken first', async () => {
    await claimBatch(batches, members, { _id: 'b1', day: '2025-07-01' }, ['o1']);

    const claimed = await claimBatch(batches, members, { _id: 'b1', day: '2025-07-02' }, ['o2']);

    expect(claimed).toBe(false);
    expect(await members.countDocuments({ _id: 'o2' })).toBe(0);
    expect((await batches.findById('b1').lean())?.day).toBe('2025-07-01');
  });

  it('leaves a member in its first batch', async () => {
    await claimBatch(batches, members, { _id: 'b1', day: '2025-07-01' }, ['o1']);

    const claimed = await claimBatch(batches, members, { _id: 'b2', day: '2025-07-01' }, [
      'o1',
      'o2',
    ]);

    expect(claimed).toBe(true);
    expect((await members.findById('o1').lean())?.batchId).toBe('b1');
    expect((await members.findById('o2').lean())?.batchId).toBe('b2');
  });

  it('claims the members of racing batches once', async () => {
    const orderIds = ['o1', 'o2', 'o3', 'o4'];
    const results = await Promise.all(
      ['b1', 'b2', 'b3'].map((id) =>
        claimBatch(batches, members, { _id: id, day: '2025-07-01' }, orderIds),
      ),
    );

    expect(results).toEqual([true, true, true]);
    expect(await members.countDocuments({ _id: { $in: orderIds } })).toBe(orderIds.length);
  });

  it('finds the unclaimed candidates', async () => {
    const candidates = connection.model<BatchDocument>(
      'Candidate',
      new Schema<BatchDocument>({ _id: String, day: String }, { collection: 'candidates' }),
    );

    await candidates.deleteMany({});
    await candidates.insertMany([
      { _id: 'o1', day: '2025-07-01' },
      { _id: 'o2', day: '2025-07-01' },
      { _id: 'o3', day: '2025-07-02' },
    ]);
    await claimBatch(batches, members, { _id: 'b1', day: '2025-07-01' }, ['o2']);

    const unclaimed = await findUnclaimed<BatchDocument, Pick<BatchDocument, '_id'>>(
      candidates,
      members,
      { _id: 1 },
    );

    expect(unclaimed.map((entry) => entry._id).sort()).toEqual(['o1', 'o3']);
    expect(unclaimed[0]).not.toHaveProperty('day');
  });
});

import { type Model, type ProjectionType } from 'mongoose';

import { isDuplicateKeyError } from './database';

/** A batch's claim on one member: the member's id as `_id`, so each member is claimed once. */
export interface BatchMemberDocument {
  _id: string;
  batchId: string;
}

/**
 * Inserts `batch`, then claims each of `memberIds` for it. Every decision is an insert with a
 * chosen `_id`, so two replicas racing on one batch or one member cannot both win, because
 * FerretDB 1.24 has no transactions to guard a read and a write. Returns false, claiming no member, when a batch
 * with the same `_id` exists already. A member another batch claimed first stays in that batch.
 */
export async function claimBatch<Batch extends { _id: string }>(
  batches: Model<Batch>,
  members: Model<BatchMemberDocument>,
  batch: Batch,
  memberIds: readonly string[],
): Promise<boolean> {
  try {
    await batches.collection.insertOne(batch as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }

    throw error;
  }

  for (const id of memberIds) {
    try {
      await members.collection.insertOne({ _id: id, batchId: batch._id } as never);
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }

  return true;
}

/**
 * Returns the `projection` of each document in `candidates` whose `_id` no batch has claimed as a
 * member, in the collection's natural order.
 */
export async function findUnclaimed<
  Candidate extends { _id: string },
  Result extends { _id: string },
>(
  candidates: Model<Candidate>,
  members: Model<BatchMemberDocument>,
  projection: ProjectionType<Candidate>,
): Promise<Result[]> {
  const found = await candidates.find({}, projection).lean<Result[]>().exec();
  const claimed = new Set(
    (
      await members
        .find({ _id: { $in: found.map((entry) => entry._id) } }, { _id: 1 })
        .lean<Array<{ _id: string }>>()
        .exec()
    ).map((entry) => entry._id),
  );

  return found.filter((candidate) => !claimed.has(candidate._id));
}

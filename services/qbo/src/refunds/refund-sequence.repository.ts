import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model, Schema } from 'mongoose';

/** Owner of the `sequence`-th refund number of one order: a channel refund id. Never updated. */
interface RefundSequenceDocument {
  /** `<accountId>|<channel>|<channelOrderId>|<sequence>`. */
  _id: string;
  channelRefundId: string;
  createdAt: Date;
}

const REFUND_SEQUENCE_MODEL = 'QboRefundSequence';

const refundSequenceSchema = new Schema<RefundSequenceDocument>(
  {
    _id: { type: String, required: true },
    channelRefundId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'qbo_refund_sequences', versionKey: false },
);

/** More refunds of one order than any channel allows; reaching it means the data is corrupt. */
const MAX_REFUNDS_PER_ORDER = 1000;

export interface RefundOrderKey {
  accountId: string;
  channel: string;
  channelOrderId: string;
}

/**
 * Numbers the refunds of an order 0, 1, 2... in the order they first arrive, so their documents
 * are `100`, `100-1`, `100-2`. A number is taken by inserting its document with a chosen `_id`,
 * which only one caller can do, so concurrent refunds never share a number and a redelivered
 * refund finds the number it already holds.
 */
@Injectable()
export class RefundSequenceRepository {
  private readonly model: Model<RefundSequenceDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<RefundSequenceDocument>(
      REFUND_SEQUENCE_MODEL,
      refundSequenceSchema,
    );
  }

  async assign(order: RefundOrderKey, channelRefundId: string): Promise<number> {
    const prefix = [order.accountId, order.channel, order.channelOrderId].join('|');
    const assigned = await this.model
      .find({ _id: { $regex: `^${escapeRegex(prefix)}\\|` } })
      .lean<RefundSequenceDocument[]>()
      .exec();
    const own = assigned.find((entry) => entry.channelRefundId === channelRefundId);

    if (own) {
      return sequenceOf(own._id);
    }

    for (let sequence = assigned.length; sequence < MAX_REFUNDS_PER_ORDER; sequence++) {
      try {
        await this.model.collection.insertOne({
          _id: `${prefix}|${sequence}`,
          channelRefundId,
          createdAt: new Date(),
        } as never);

        return sequence;
      } catch (error) {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }

        const holder = await this.model
          .findOne({ _id: `${prefix}|${sequence}` })
          .lean<RefundSequenceDocument>()
          .exec();

        if (holder?.channelRefundId === channelRefundId) {
          return sequence;
        }
      }
    }

    throw new Error(
      `Order ${order.channel} ${order.channelOrderId} has more than ${MAX_REFUNDS_PER_ORDER} refunds`,
    );
  }
}

function sequenceOf(id: string): number {
  return Number(id.slice(id.lastIndexOf('|') + 1));
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

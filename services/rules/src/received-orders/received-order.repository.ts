import { Inject, Injectable } from '@nestjs/common';
import { type Order } from '@qbsync/contracts';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  RECEIVED_ORDER_MODEL,
  type ReceivedOrderDocument,
  receivedOrderId,
  receivedOrderSchema,
} from './received-order.schema';

const DUPLICATE_KEY = 11000;

export interface ReceivedOrderQuery {
  accountId: string;
  connectionId?: string;
  since: Date;
  limit: number;
}

/** Insert-only store of recently received orders; the retention job deletes old ones. */
@Injectable()
export class ReceivedOrderRepository {
  private readonly model: Model<ReceivedOrderDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<ReceivedOrderDocument>(RECEIVED_ORDER_MODEL, receivedOrderSchema);
  }

  /** Keeps an order; a second delivery of the same order version is ignored. */
  async record(order: Order, receivedAt = new Date()): Promise<void> {
    const document: ReceivedOrderDocument = {
      _id: receivedOrderId(order),
      accountId: order.accountId,
      connectionId: order.connectionId,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      receivedAt,
      order,
    };

    try {
      await this.model.collection.insertOne(document as never);
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) {
        throw error;
      }
    }
  }

  /**
   * Finds the newest kept version of one order by its channel order id or its order number
   * (as the channel shows it, with or without a leading #).
   */
  async findOne(
    accountId: string,
    reference: string,
    connectionId?: string,
  ): Promise<Order | null> {
    const trimmed = reference.trim();
    const numbers = trimmed.startsWith('#')
      ? [trimmed, trimmed.slice(1)]
      : [trimmed, `#${trimmed}`];
    const filter = {
      accountId,
      ...(connectionId ? { connectionId } : {}),
      $or: [{ channelOrderId: trimmed }, { orderNumber: { $in: numbers } }],
    };
    const found = await this.model
      .findOne(filter, { _id: 0, order: 1 })
      .sort({ receivedAt: -1 })
      .lean<{ order: Order }>()
      .exec();

    return found?.order ?? null;
  }

  /** Returns the newest order received for the account, for a preview that names none. */
  async findNewest(accountId: string, connectionId?: string): Promise<Order | null> {
    const found = await this.model
      .findOne({ accountId, ...(connectionId ? { connectionId } : {}) }, { _id: 0, order: 1 })
      .sort({ receivedAt: -1 })
      .lean<{ order: Order }>()
      .exec();

    return found?.order ?? null;
  }

  /** Lists orders received since `since`, newest first, at most `limit`. */
  async list(query: ReceivedOrderQuery): Promise<Order[]> {
    const found = await this.model
      .find(
        {
          accountId: query.accountId,
          ...(query.connectionId ? { connectionId: query.connectionId } : {}),
          receivedAt: { $gte: query.since },
        },
        { _id: 0, order: 1 },
      )
      .sort({ receivedAt: -1 })
      .limit(query.limit)
      .lean<{ order: Order }[]>()
      .exec();

    return found.map((document) => document.order);
  }

  /** Deletes orders received before `cutoff`; returns how many. */
  async purgeBefore(cutoff: Date): Promise<number> {
    const result = await this.model.deleteMany({ receivedAt: { $lt: cutoff } }).exec();

    return result.deletedCount;
  }
}

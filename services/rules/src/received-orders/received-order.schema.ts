import { type Order } from '@qbsync/contracts';
import { Schema } from 'mongoose';

/**
 * An order as the rules service received it, kept for preview and replay for a limited number of
 * days. Its `_id` is `<accountId>|<channel>|<channelOrderId>|<updatedAt>`, so a redelivered
 * message inserts nothing new, and an order edited on the channel is kept once per edit.
 */
export interface ReceivedOrderDocument {
  _id: string;
  accountId: string;
  connectionId: string;
  channelOrderId: string;
  orderNumber: string;
  receivedAt: Date;
  order: Order;
}

export const RECEIVED_ORDER_MODEL = 'ReceivedOrder';

export const receivedOrderSchema = new Schema<ReceivedOrderDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    channelOrderId: { type: String, required: true },
    orderNumber: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    order: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'received_orders', versionKey: false, minimize: false },
);
receivedOrderSchema.index({ accountId: 1, receivedAt: -1 });
receivedOrderSchema.index({ accountId: 1, channelOrderId: 1 });
receivedOrderSchema.index({ accountId: 1, orderNumber: 1 });
receivedOrderSchema.index({ receivedAt: 1 });

export function receivedOrderId(order: Order): string {
  return `${order.accountId}|${order.channel}|${order.channelOrderId}|${order.updatedAt}`;
}

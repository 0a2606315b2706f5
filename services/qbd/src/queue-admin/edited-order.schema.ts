import { type OrderReady } from '@qbsync/contracts';
import { Schema } from 'mongoose';

/**
 * The latest revision of an order that was edited on the channel after its QuickBooks Desktop
 * document posted. It is kept until the user replaces the document, because the channel sends
 * an edit once and the replace request names only the order.
 */
export interface EditedOrderDocument {
  /** `<accountId>|<channel>|<channel order id>`. */
  _id: string;
  accountId: string;
  ready: OrderReady;
  /** The queue entry of the posted document the revision would replace. */
  postedEntryId: string;
  detectedAt: Date;
}

export const EDITED_ORDER_MODEL = 'QbdEditedOrder';

export const editedOrderSchema = new Schema<EditedOrderDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    ready: { type: Schema.Types.Mixed, required: true },
    postedEntryId: { type: String, required: true },
    detectedAt: { type: Date, required: true },
  },
  { collection: 'qbd_edited_orders', versionKey: false, minimize: false },
);

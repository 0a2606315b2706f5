import type { z } from 'zod';

import {
  inventoryAdjustmentReadySchema,
  inventoryAdjustmentSchema,
} from '../inventory/inventory-adjustment.schema';
import {
  inventoryPushResultSchema,
  inventoryPushSchema,
  inventoryReportedSchema,
} from '../inventory/inventory.schema';
import {
  orderReadySchema,
  payoutReadySchema,
  refundReadySchema,
} from '../messages/order-ready.schema';
import { syncEventSchema } from '../messages/sync-event.schema';
import { orderSchema } from '../order/order.schema';
import { payoutSchema } from '../payout/payout.schema';
import { refundSchema } from '../refund/refund.schema';
import { Subjects } from './catalogue';

/**
 * Contract of every JetStream subject, which consumers validate each message against. A test parses
 * the previous release's recorded messages with it, so a rolling upgrade meets no rejected message.
 */
export const MessageSchemas = {
  [Subjects.OrderReceived]: orderSchema,
  [Subjects.OrderReadyForQbo]: orderReadySchema,
  [Subjects.OrderReadyForQbd]: orderReadySchema,
  [Subjects.RefundReceived]: refundSchema,
  [Subjects.RefundReadyForQbo]: refundReadySchema,
  [Subjects.RefundReadyForQbd]: refundReadySchema,
  [Subjects.PayoutReceived]: payoutSchema,
  [Subjects.PayoutReadyForQbo]: payoutReadySchema,
  [Subjects.PayoutReadyForQbd]: payoutReadySchema,
  [Subjects.InventoryReported]: inventoryReportedSchema,
  [Subjects.InventoryPushRequested]: inventoryPushSchema,
  [Subjects.InventoryPushCompleted]: inventoryPushResultSchema,
  [Subjects.InventoryAdjustmentReceived]: inventoryAdjustmentSchema,
  [Subjects.InventoryAdjustmentReadyForQbd]: inventoryAdjustmentReadySchema,
  [Subjects.SyncEventRecorded]: syncEventSchema,
} as const satisfies Record<string, z.ZodType>;

export type StreamedSubject = keyof typeof MessageSchemas;

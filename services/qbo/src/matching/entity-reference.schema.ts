import { Schema } from 'mongoose';

/** Kinds of QuickBooks list entries the service matches orders against. */
export type EntityKind =
  'customer' | 'item' | 'account' | 'class' | 'department' | 'tax_code' | 'payment_method';

/**
 * A QuickBooks list entry this service found or created, keyed by the normalised name it was
 * matched on, so the next order with the same name spends no API call.
 */
export interface EntityReferenceDocument {
  realmId: string;
  kind: EntityKind;
  key: string;
  qboId: string;
  name: string;
  updatedAt: Date;
}

export const ENTITY_REFERENCE_MODEL = 'QboEntityReference';

export const entityReferenceSchema = new Schema<EntityReferenceDocument>(
  {
    realmId: { type: String, required: true },
    kind: {
      type: String,
      required: true,
      enum: ['customer', 'item', 'account', 'class', 'department', 'tax_code', 'payment_method'],
    },
    key: { type: String, required: true },
    qboId: { type: String, required: true },
    name: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'qbo_entity_references', versionKey: false },
);
entityReferenceSchema.index({ realmId: 1, kind: 1, key: 1 }, { unique: true });

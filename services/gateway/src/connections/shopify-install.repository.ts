import { Inject, Injectable } from '@nestjs/common';
import { type ConnectionSettingsInput } from '@qbsync/contracts';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model, Schema } from 'mongoose';

import { type ConnectionDocument, connectionSchema } from '../accounts/account.schema';

/** A Shopify install in progress: the `state` handed to Shopify, checked on the callback. */
export interface ShopifyInstallStateDocument {
  state: string;
  accountId: string;
  connectionId: string;
  shopDomain: string;
  /** Connection settings and backfill days sent when the install started, applied on connect. */
  settings?: Partial<ConnectionSettingsInput>;
  backfillDays?: number;
  expiresAt: Date;
}

export const shopifyInstallStateSchema = new Schema<ShopifyInstallStateDocument>(
  {
    state: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    shopDomain: { type: String, required: true },
    settings: { type: Schema.Types.Mixed },
    backfillDays: { type: Number },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'shopify_install_states', versionKey: false },
);
shopifyInstallStateSchema.index({ state: 1 }, { unique: true });

export const SHOPIFY_INSTALL_STATE_MODEL = 'ShopifyInstallState';

/** Install states, and the Shopify connections an uninstall webhook names by shop domain. */
@Injectable()
export class ShopifyInstallRepository {
  private readonly states: Model<ShopifyInstallStateDocument>;
  private readonly connections: Model<ConnectionDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) database: Connection) {
    this.states = database.model<ShopifyInstallStateDocument>(
      SHOPIFY_INSTALL_STATE_MODEL,
      shopifyInstallStateSchema,
    );
    this.connections = database.model<ConnectionDocument>('Connection', connectionSchema);
  }

  /**
   * Stores a new state and deletes expired ones. FerretDB has no TTL indexes, so expired states
   * are removed here instead of by the database.
   */
  async saveState(state: ShopifyInstallStateDocument): Promise<void> {
    await this.states.deleteMany({ expiresAt: { $lt: new Date() } });
    await this.states.create(state);
  }

  /** Reads and deletes a state in one step, so a state value works once. */
  async takeState(state: string): Promise<ShopifyInstallStateDocument | null> {
    return this.states.findOneAndDelete({ state }).lean<ShopifyInstallStateDocument>().exec();
  }

  /** Lists the Shopify connections of a shop that are not disconnected, in every account. */
  async findConnectedShop(shopDomain: string): Promise<ConnectionDocument[]> {
    return this.connections
      .find({ kind: 'shopify', shopDomain, status: { $ne: 'disconnected' } }, { _id: 0 })
      .lean<ConnectionDocument[]>()
      .exec();
  }
}

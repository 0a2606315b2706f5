import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  ENTITY_REFERENCE_MODEL,
  type EntityKind,
  type EntityReferenceDocument,
  entityReferenceSchema,
} from './entity-reference.schema';

/** Normalises a name for matching: trimmed, inner whitespace collapsed, case folded. */
export function matchKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

@Injectable()
export class EntityReferenceRepository {
  private readonly model: Model<EntityReferenceDocument>;
  private readonly memory = new Map<string, string>();

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<EntityReferenceDocument>(
      ENTITY_REFERENCE_MODEL,
      entityReferenceSchema,
    );
  }

  async find(realmId: string, kind: EntityKind, name: string): Promise<string | undefined> {
    const key = matchKey(name);
    const memoryKey = `${realmId}|${kind}|${key}`;
    const remembered = this.memory.get(memoryKey);

    if (remembered) {
      return remembered;
    }

    const document = await this.model
      .findOne({ realmId, kind, key })
      .lean<EntityReferenceDocument>()
      .exec();

    if (document) {
      this.memory.set(memoryKey, document.qboId);
    }

    return document?.qboId;
  }

  async save(realmId: string, kind: EntityKind, name: string, qboId: string): Promise<void> {
    const key = matchKey(name);

    try {
      await this.model.updateOne(
        { realmId, kind, key },
        { $set: { qboId, name, updatedAt: new Date() } },
        { upsert: true },
      );
    } catch (error) {
      // Two orders found the same entry at once and both upserted it; one insert won, which is
      // the same reference.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }

    this.memory.set(`${realmId}|${kind}|${key}`, qboId);
  }

  /**
   * Drops every reference of a company after QuickBooks reported one as invalid (deleted or
   * merged there), so each is looked up again; the fault does not say which name it was.
   */
  async forgetRealm(realmId: string): Promise<void> {
    for (const key of this.memory.keys()) {
      if (key.startsWith(`${realmId}|`)) {
        this.memory.delete(key);
      }
    }

    await this.model.deleteMany({ realmId });
  }

  /** Drops a reference QuickBooks reported as invalid, so the next order looks it up again. */
  async forget(realmId: string, kind: EntityKind, name: string): Promise<void> {
    const key = matchKey(name);

    this.memory.delete(`${realmId}|${kind}|${key}`);
    await this.model.deleteOne({ realmId, kind, key });
  }
}

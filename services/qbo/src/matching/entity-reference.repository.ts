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

/**
 * The QuickBooks ids of customers, items and list entries by the name they were matched on, in
 * memory and in the database. A reference's `_id` is `<realmId>|<kind>|<match key>`, so a look-up
 * reads by `_id`, which FerretDB 1.24 on SQLite serves from its index while a filter on other
 * fields scans the collection. References stored by earlier versions have generated ids and are
 * found by their fields, only in realms that still contain such references.
 */
@Injectable()
export class EntityReferenceRepository {
  private readonly model: Model<EntityReferenceDocument>;
  private readonly memory = new Map<string, string>();
  /** Whether each realm contains references with generated ids (see `hasLegacyReferences`). */
  private readonly legacyRealms = new Map<string, Promise<boolean>>();

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<EntityReferenceDocument>(
      ENTITY_REFERENCE_MODEL,
      entityReferenceSchema,
    );
  }

  async find(realmId: string, kind: EntityKind, name: string): Promise<string | undefined> {
    const key = matchKey(name);
    const id = referenceId(realmId, kind, key);
    const remembered = this.memory.get(id);

    if (remembered) {
      return remembered;
    }

    let document = await this.model.collection.findOne<EntityReferenceDocument>({
      _id: id as never,
    });

    if (!document && (await this.hasLegacyReferences(realmId))) {
      document = await this.model.findOne({ realmId, kind, key }).lean<EntityReferenceDocument>();
    }

    if (document) {
      this.memory.set(id, document.qboId);
    }

    return document?.qboId;
  }

  async save(realmId: string, kind: EntityKind, name: string, qboId: string): Promise<void> {
    const key = matchKey(name);
    const id = referenceId(realmId, kind, key);
    const updatedAt = new Date();

    try {
      await this.model.collection.insertOne({
        _id: id,
        realmId,
        kind,
        key,
        qboId,
        name,
        updatedAt,
      } as never);
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }

      // The name has a reference already: saved by another order at the same time (the same
      // entry), or earlier under a generated id. The reference follows the latest match.
      await this.model.updateOne({ realmId, kind, key }, { $set: { qboId, name, updatedAt } });
    }

    this.memory.set(id, qboId);
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
    this.legacyRealms.set(realmId, Promise.resolve(false));
  }

  /** Drops a reference QuickBooks reported as invalid, so the next order looks it up again. */
  async forget(realmId: string, kind: EntityKind, name: string): Promise<void> {
    const key = matchKey(name);

    this.memory.delete(referenceId(realmId, kind, key));
    await this.model.deleteOne({ realmId, kind, key });
  }

  /**
   * Checks once per realm and process whether the realm contains references stored with generated
   * ids, which only a query by fields finds.
   *
   * NOTE: in such a realm every look-up of a name not yet referenced still runs that query, which
   * scans the collection. Giving the old references name-key ids in a migration would end it.
   */
  private hasLegacyReferences(realmId: string): Promise<boolean> {
    let known = this.legacyRealms.get(realmId);

    if (!known) {
      known = this.model.collection
        .findOne({ realmId, _id: { $type: 'objectId' } }, { projection: { _id: 1 } })
        .then((found) => found !== null)
        .catch((error: unknown) => {
          this.legacyRealms.delete(realmId);
          throw error;
        });
      this.legacyRealms.set(realmId, known);
    }

    return known;
  }
}

function referenceId(realmId: string, kind: EntityKind, key: string): string {
  return `${realmId}|${kind}|${key}`;
}

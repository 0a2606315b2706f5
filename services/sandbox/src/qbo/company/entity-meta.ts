import { formatQboDateTime } from '../../common/qbo-time';
import { type JsonObject } from './company';

/** Adds the fields QBO sets on every entity it returns: Id, SyncToken, MetaData, domain, sparse. */
export function withEntityMeta(
  fields: JsonObject,
  id: string,
  syncToken: number,
  createdAt: Date,
  updatedAt: Date = createdAt,
): JsonObject {
  return {
    ...fields,
    domain: 'QBO',
    sparse: false,
    Id: id,
    SyncToken: String(syncToken),
    MetaData: {
      CreateTime: formatQboDateTime(createdAt),
      LastUpdatedTime: formatQboDateTime(updatedAt),
    },
  };
}

/** Returns a `{value, name}` reference to a stored object. */
export function referenceTo(id: string, name: unknown): { value: string; name?: string } {
  return typeof name === 'string' ? { value: id, name } : { value: id };
}

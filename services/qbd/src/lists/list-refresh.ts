import { Injectable } from '@nestjs/common';
import { AppLogger } from '@qbsync/platform';

import { type CompanyFileFeatures } from '../company/company-file.schema';
import { CompanyFileRepository } from '../company/company-file.repository';
import { ITERATED_LISTS, LIST_TYPES, listQuery, type ListType } from '../qbxml/qbxml-queries';
import { type QbxmlResponse, STATUS_NO_MATCH } from '../qbxml/qbxml-response';
import { type InFlightRequest } from '../session/session.schema';
import { ListCopyRepository, toListEntry } from './list-copy.repository';

/** QuickBooks' status when the company file or edition lacks the feature a request needs. */
const STATUS_FEATURE_OFF = 3250;

/** Progress of a session's list read: lists not read yet and iterators still open. */
export interface ListCursor {
  pending: ListType[];
  iterators: Partial<Record<ListType, string>>;
  startedAt: Date;
  /** Set for a read of changes only: entries modified since this time (ISO, no zone). */
  fromModifiedDate?: string;
}

const FEATURE_OF_LIST: Partial<Record<ListType, keyof CompanyFileFeatures>> = {
  InventorySite: 'inventorySites',
  UnitOfMeasureSet: 'unitsOfMeasure',
  Currency: 'multicurrency',
  PriceLevel: 'priceLevels',
};

/**
 * Reads the company file's lists into the local copy. A full read queries every list at once and
 * pages through the large ones with iterators (`MaxReturned` 100). A read of changes queries
 * only customers and items modified since the last read.
 */
@Injectable()
export class ListRefresh {
  private readonly logger: AppLogger;

  constructor(
    private readonly lists: ListCopyRepository,
    private readonly companyFiles: CompanyFileRepository,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ListRefresh.name);
  }

  /** Returns the cursor of a new read: full when `lastRefresh` is older than `fullAfter`. */
  start(lastRefresh: Date | undefined, fullAfterMilliseconds: number, now: Date): ListCursor {
    if (!lastRefresh || now.getTime() - lastRefresh.getTime() > fullAfterMilliseconds) {
      return { pending: [...LIST_TYPES], iterators: {}, startedAt: now };
    }

    // Five minutes of overlap cover clock differences between this service and QuickBooks.
    const since = new Date(lastRefresh.getTime() - 5 * 60_000);

    return {
      pending: ['Customer', 'Item'],
      iterators: {},
      startedAt: now,
      fromModifiedDate: since.toISOString().slice(0, 19),
    };
  }

  /** The requests of the next message: every list not read yet, and the next page of each open one. */
  requests(
    cursor: ListCursor,
    prefix: string,
  ): { requests: string[]; inFlight: InFlightRequest[] } {
    const requests: string[] = [];
    const inFlight: InFlightRequest[] = [];
    const add = (listType: ListType, iteratorId?: string): void => {
      const requestId = `${prefix}${requests.length + 1}`;
      const since = ITERATED_LISTS.has(listType) ? cursor.fromModifiedDate : undefined;

      requests.push(listQuery(listType, requestId, iteratorId, since));
      inFlight.push({ requestId, purpose: 'list', listType });
    };

    for (const listType of cursor.pending) {
      add(listType);
    }

    for (const [listType, iteratorId] of Object.entries(cursor.iterators)) {
      add(listType as ListType, iteratorId);
    }

    return { requests, inFlight };
  }

  /**
   * Stores one list response and advances the cursor. Returns the cursor, or undefined when every
   * list has been read, in which case the company file's refresh time and features are saved.
   */
  async apply(
    accountId: string,
    cursor: ListCursor,
    answered: Array<{ listType: ListType; response: QbxmlResponse | undefined }>,
  ): Promise<ListCursor | undefined> {
    const next: ListCursor = { ...cursor, pending: [], iterators: {} };
    const features: CompanyFileFeatures = {};
    const now = new Date();

    for (const { listType, response } of answered) {
      const feature = FEATURE_OF_LIST[listType];

      if (!response) {
        // No response for this list, so it is queried again in the next message.
        next.pending.push(listType);
        continue;
      }

      if (response.statusCode === STATUS_FEATURE_OFF) {
        if (feature) {
          features[feature] = false;
        }

        continue;
      }

      if (response.statusCode !== 0 && response.statusCode !== STATUS_NO_MATCH) {
        this.logger.warn('QuickBooks did not return a list', {
          accountId,
          listType,
          statusCode: response.statusCode,
          reason: response.statusMessage,
        });
        continue;
      }

      if (feature) {
        features[feature] = true;
      }

      const entries = response.records
        .map((record) => toListEntry(accountId, listType, record.type, record.fields, now))
        .filter((entry) => entry !== undefined);

      await this.lists.upsertMany(entries);

      if (
        ITERATED_LISTS.has(listType) &&
        response.iteratorId &&
        (response.iteratorRemainingCount ?? 0) > 0
      ) {
        next.iterators[listType] = response.iteratorId;
      }
    }

    const companyFile = await this.companyFiles.findByAccountId(accountId);
    const mergedFeatures = { ...companyFile?.features, ...features };

    if (next.pending.length > 0 || Object.keys(next.iterators).length > 0) {
      await this.companyFiles.update(accountId, { features: mergedFeatures });

      return next;
    }

    if (!cursor.fromModifiedDate) {
      for (const listType of LIST_TYPES) {
        await this.lists.deleteNotRefreshedSince(accountId, listType, cursor.startedAt);
      }
    }

    await this.companyFiles.update(accountId, {
      features: mergedFeatures,
      listsRefreshedAt: cursor.fromModifiedDate
        ? (companyFile?.listsRefreshedAt ?? now)
        : cursor.startedAt,
    });

    return undefined;
  }
}

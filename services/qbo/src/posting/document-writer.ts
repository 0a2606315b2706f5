import { Injectable } from '@nestjs/common';

import { quoteQueryValue } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { QboBatchClient } from '../api/qbo-batch.client';
import { stableRequestId } from '../api/request-id';
import { CompanySettingsService } from '../matching/company-settings.service';
import { EntityReferenceRepository } from '../matching/entity-reference.repository';
import { type QboTransaction } from '../matching/qbo-entities';
import { type QboSession } from '../matching/qbo-session';

/** QuickBooks' fault for a reference to an entity that does not exist. */
const INVALID_REFERENCE_FAULT = '2500';
/** QuickBooks' fault for a reference to an entity made inactive. */
const OBJECT_NOT_FOUND_FAULT = '610';
/** QuickBooks' fault for an update whose SyncToken is not the latest. */
const STALE_OBJECT_FAULT = '5010';

/** How to recognise a document an earlier, unanswered attempt may have created. */
export interface LandedMarker {
  /** The earlier attempt may have reached QuickBooks. */
  mayHaveLanded: boolean;
  /** Text the document's PrivateNote contains, naming the channel document. */
  note: string;
  docNumber?: string;
  txnDate: string;
  /**
   * The batch item's `bId`: the posting ledger key of the document, so a batch item names its
   * order. The requestid when absent.
   */
  batchItemId?: string;
}

/**
 * Creates and updates QuickBooks Online transactions. Creates go through the batch client, which
 * sends a lone create at once and gathers creates of one company that wait together into batch
 * calls. A create first looks for a document that an unanswered attempt created. A create
 * rejected for a deleted or inactive reference reloads the company lists, looks every name up
 * again and is sent once more. An update rejected as stale reads the latest version and is
 * applied to it once more.
 */
@Injectable()
export class DocumentWriter {
  constructor(
    private readonly references: EntityReferenceRepository,
    private readonly company: CompanySettingsService,
    private readonly batches: QboBatchClient,
  ) {}

  /**
   * Creates an `entity` from the body `build` returns. `build` runs again after QuickBooks reports
   * an invalid reference, because the remembered ids it used are then forgotten.
   */
  async create(
    session: QboSession,
    entity: string,
    build: () => Promise<Record<string, unknown>>,
    requestId: string,
    marker: LandedMarker,
  ): Promise<QboTransaction> {
    if (marker.mayHaveLanded) {
      const landed = await this.findLanded(session, entity, marker);

      if (landed) {
        return landed;
      }
    }

    try {
      return await this.post(session, entity, await build(), requestId, marker.batchItemId);
    } catch (error) {
      if (
        !(error instanceof QboFaultError) ||
        (error.code !== INVALID_REFERENCE_FAULT && error.code !== OBJECT_NOT_FOUND_FAULT)
      ) {
        throw error;
      }

      // A remembered customer or item, or a cached account, tax code or other list entry, was
      // deleted or made inactive in QuickBooks, and the fault does not say which. The refused
      // request created nothing, and QuickBooks would replay its fault for the same requestid,
      // so the retry carries an id derived from it.
      await this.references.forgetRealm(session.realmId);
      await this.company.reloadLists(session, `QuickBooks fault ${error.code} on a ${entity}`);

      return this.post(
        session,
        entity,
        await build(),
        stableRequestId(requestId, 'after-invalid-reference'),
        marker.batchItemId,
      );
    }
  }

  /**
   * Applies `changes` to the entity `id` as a sparse update. On 5010 (someone saved it since it was
   * read) it reads the latest version and applies the same changes to it, once.
   */
  async update<T extends { Id: string; SyncToken: string }>(
    session: QboSession,
    entity: string,
    id: string,
    changes: Record<string, unknown>,
  ): Promise<T> {
    const path = entity.toLowerCase();

    for (let attempt = 1; ; attempt++) {
      const current = await session.read<Record<string, T>>(`${path}/${encodeURIComponent(id)}`);
      const body = { ...changes, Id: id, SyncToken: current[entity]!.SyncToken, sparse: true };

      try {
        const updated = await session.create<Record<string, T>>(
          path,
          body,
          stableRequestId('update', entity, id, current[entity]!.SyncToken),
        );

        return updated[entity]!;
      } catch (error) {
        if (!(error instanceof QboFaultError) || error.code !== STALE_OBJECT_FAULT || attempt > 1) {
          throw error;
        }
      }
    }
  }

  private async post(
    session: QboSession,
    entity: string,
    body: Record<string, unknown>,
    requestId: string,
    batchItemId: string | undefined,
  ): Promise<QboTransaction> {
    const created = await session.withAuthRetry((accessToken) =>
      this.batches.create<Record<string, QboTransaction>>({
        realmId: session.realmId,
        accessToken,
        entity,
        body,
        requestId,
        itemId: batchItemId,
      }),
    );

    return created[entity]!;
  }

  /** Looks for the document by number, else by date, whose memo names the channel document. */
  private async findLanded(
    session: QboSession,
    entity: string,
    marker: LandedMarker,
  ): Promise<QboTransaction | undefined> {
    const condition =
      marker.docNumber !== undefined
        ? `DocNumber = ${quoteQueryValue(marker.docNumber)}`
        : `TxnDate = ${quoteQueryValue(marker.txnDate)}`;
    const candidates = await session.query<QboTransaction>(
      entity,
      `select * from ${entity} where ${condition}`,
    );

    return candidates.find((document) => document.PrivateNote?.includes(marker.note));
  }
}

import { Injectable } from '@nestjs/common';
import { AppLogger } from '@qbsync/platform';

import { ListCopyRepository, nameKey, toListEntry } from '../lists/list-copy.repository';
import { dispositionFor, MAX_TRANSIENT_RETRIES } from '../posting/qbd-status-fixes';
import { fieldText, type QbxmlResponse, STATUS_NO_MATCH } from '../qbxml/qbxml-response';
import { type QueueEntryDocument } from '../queue/queue-entry.schema';
import { type QueueResultDocument } from '../queue/queue-result.schema';
import { QueueRepository } from '../queue/queue.repository';
import { type XmlNode } from '../xml/safe-xml';
import { OutcomePublisher } from './outcome-publisher';
import { type InFlightRequest } from './session.schema';

/** QuickBooks' status for a TxnID or ListID that names no record. */
const STATUS_NOT_FOUND = 3120;
/** Updates of EditSequence conflicts (3200) retried before the modify fails. */
const MAX_EDIT_SEQUENCE_RETRIES = 3;

export interface ProcessedCounts {
  posted: number;
  failed: number;
  lookedUp: number;
  /** True when an entry became (or stayed) unknown, so the next selection looks for lookups. */
  leftUnknown: boolean;
}

/**
 * Applies QuickBooks' responses to the queue. A posted entry stores its TxnID or ListID. A failure
 * goes to the failed lane with QuickBooks' status and the fix, and keeps its dependents waiting. A
 * transient failure waits for a later session, and a lookup of a lost response settles what
 * already landed.
 */
@Injectable()
export class ResponseProcessor {
  private readonly logger: AppLogger;

  constructor(
    private readonly queue: QueueRepository,
    private readonly lists: ListCopyRepository,
    private readonly outcomes: OutcomePublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ResponseProcessor.name);
  }

  async apply(
    accountId: string,
    ticket: string,
    inFlight: InFlightRequest[],
    responses: Map<string, QbxmlResponse>,
  ): Promise<ProcessedCounts> {
    const entryIds = inFlight.map((request) => request.entryId).filter((id): id is string => !!id);
    const entries = new Map(
      (await this.queue.findByIds(entryIds)).map((entry) => [entry._id, entry]),
    );
    const counts: ProcessedCounts = { posted: 0, failed: 0, lookedUp: 0, leftUnknown: false };
    const posted: Array<{ entry: QueueEntryDocument; result: QueueResultDocument }> = [];
    const unanswered: string[] = [];
    // Entries of this message that did not post. A request that failed because one of them did
    // waits for that entry instead of failing on its own.
    const notPosted = new Set<string>();

    for (const request of inFlight) {
      const entry = request.entryId ? entries.get(request.entryId) : undefined;

      if (!entry) {
        continue;
      }

      const response = responses.get(request.requestId);

      if (!response) {
        unanswered.push(entry._id);
        notPosted.add(entry._id);
        continue;
      }

      if (request.purpose === 'lookup') {
        counts.lookedUp += 1;
        // A lookup that finds nothing requeues the entry; one that fails keeps it unknown.
        counts.leftUnknown ||= response.statusCode !== 0 && response.statusCode !== STATUS_NO_MATCH;
        const found = await this.applyLookup(entry, response);

        if (found) {
          posted.push({ entry, result: found });
        }

        continue;
      }

      if (request.purpose === 'refresh') {
        await this.applyRefresh(entry, response);
        continue;
      }

      if (response.statusCode === 0) {
        posted.push({ entry, result: resultOf(entry, response.records[0]?.fields ?? {}) });
        continue;
      }

      if (entry.requestName === 'TxnDel' && response.statusCode === STATUS_NOT_FOUND) {
        // The document is gone already: the user deleted it, or this request did before its
        // response was lost. Either way the revision may post.
        posted.push({ entry, result: { ...resultOf(entry, {}), qbId: 'deleted' } });
        continue;
      }

      notPosted.add(entry._id);

      if (entry.dependsOn.some((id) => notPosted.has(id))) {
        await this.queue.setState([entry._id], 'queued', {
          status: { code: response.statusCode, message: response.statusMessage },
        });
        continue;
      }

      const failed = await this.applyFailure(entry, response, ticket);

      // A name QuickBooks reports as taken is looked up before it counts as a failure.
      counts.leftUnknown ||= response.statusCode === 3100 && entry.listType !== undefined;

      counts.failed += failed ? 1 : 0;
    }

    await this.markPosted(accountId, posted);
    counts.posted += posted.length;

    if (unanswered.length > 0) {
      this.logger.warn(
        'QuickBooks returned no response to some requests; they are looked up next',
        {
          accountId,
          count: unanswered.length,
        },
      );
      await this.queue.setState(unanswered, 'unknown');
      counts.leftUnknown = true;
    }

    return counts;
  }

  private async markPosted(
    accountId: string,
    posted: Array<{ entry: QueueEntryDocument; result: QueueResultDocument }>,
  ): Promise<void> {
    if (posted.length === 0) {
      return;
    }

    // The results are stored first, because an entry with a result is never sent again, even if
    // the service stops before its state is set to posted.
    await this.queue.storeResults(posted.map(({ result }) => result));

    const created = posted
      .filter(({ entry }) => entry.listType && entry.requestName.endsWith('Add'))
      .map(({ entry, result }) =>
        toListEntry(
          accountId,
          entry.listType!,
          `${entry.requestName.replace(/Add$/, '')}Ret`,
          {
            ListID: result.qbId,
            FullName: entry.listName,
            EditSequence: result.editSequence,
            IsActive: 'true',
          },
          new Date(),
        ),
      )
      .filter((entry) => entry !== undefined);

    await Promise.all([
      this.queue.setState(
        posted.map(({ entry }) => entry._id),
        'posted',
        { status: { code: 0, message: 'Status OK' } },
      ),
      this.lists.insertCreated(created),
      ...posted.map(({ entry, result }) => this.outcomes.posted(entry, result)),
    ]);
  }

  /** Returns the result when the lost request's record is in QuickBooks; requeues it otherwise. */
  private async applyLookup(
    entry: QueueEntryDocument,
    response: QbxmlResponse,
  ): Promise<QueueResultDocument | undefined> {
    const records = response.statusCode === 0 ? response.records : [];
    const match = entry.listName
      ? records.find(
          (record) =>
            nameKey(fieldText(record.fields, 'FullName') ?? '') === nameKey(entry.listName!),
        )
      : records.find((record) =>
          (fieldText(record.fields, 'Memo') ?? '').includes(entry.lookup?.memoStamp ?? '\u0000'),
        );

    if (match) {
      this.logger.info(
        'A request whose response was lost had reached QuickBooks; it is not sent again',
        {
          accountId: entry.accountId,
          entryId: entry._id,
        },
      );

      return resultOf(entry, match.fields);
    }

    if (response.statusCode !== 0 && response.statusCode !== STATUS_NO_MATCH) {
      // The lookup itself failed, so the entry stays unknown and the next session looks again.
      this.logger.warn('QuickBooks could not look up a request whose response was lost', {
        accountId: entry.accountId,
        entryId: entry._id,
        statusCode: response.statusCode,
        reason: response.statusMessage,
      });

      return undefined;
    }

    if (entry.status?.code === 3100 && entry.listName) {
      // The add returned that the name is taken, and no customer or item has it. So a vendor,
      // employee or other name has it, which only the user can resolve.
      await this.fail(entry, entry.status, dispositionFor(3100, entry.requestName).fix);

      return undefined;
    }

    await this.queue.setState([entry._id], 'queued');

    return undefined;
  }

  private async applyRefresh(entry: QueueEntryDocument, response: QbxmlResponse): Promise<void> {
    const record = response.records[0];

    if (response.statusCode !== 0 || !record) {
      await this.fail(
        entry,
        {
          code: response.statusCode,
          message: `The customer could not be read again: ${response.statusMessage}`,
        },
        dispositionFor(3140, entry.requestName).fix,
      );

      return;
    }

    const listEntry = toListEntry(
      entry.accountId,
      'Customer',
      record.type,
      record.fields,
      new Date(),
    );

    if (listEntry) {
      await this.lists.upsertMany([listEntry]);
    }

    await this.queue.setState([entry._id], 'queued', {
      status: { code: 0, message: 'EditSequence read again' },
    });
  }

  /** Returns true when the entry went to the failed lane. */
  private async applyFailure(
    entry: QueueEntryDocument,
    response: QbxmlResponse,
    ticket: string,
  ): Promise<boolean> {
    const status = { code: response.statusCode, message: response.statusMessage };
    const disposition = dispositionFor(response.statusCode, entry.requestName);

    if (response.statusCode === 3100 && entry.listName && entry.requestName.endsWith('Add')) {
      // The name may belong to a customer or item the list copy has not seen yet: look it up.
      await this.queue.setState([entry._id], 'unknown', { status });

      return false;
    }

    if (disposition.action === 'refresh_and_retry' && entry.attempts < MAX_EDIT_SEQUENCE_RETRIES) {
      await this.queue.setState([entry._id], 'queued', { status, ticket }, true);

      return false;
    }

    if (disposition.action === 'retry') {
      const giveUp = entry.transientFailures + 1 >= MAX_TRANSIENT_RETRIES;

      await this.queue.recordTransientFailure(entry._id, status, disposition.fix, giveUp, ticket);
      if (!giveUp) {
        this.logger.warn('QuickBooks rejected a request for now; the next session retries it', {
          accountId: entry.accountId,
          entryId: entry._id,
          statusCode: status.code,
          reason: status.message,
        });

        return false;
      }

      await this.outcomes.failed(entry, status, disposition.fix);
      await this.holdDependents(entry, status, disposition.fix);

      return true;
    }

    await this.fail(entry, status, disposition.fix);

    return true;
  }

  private async fail(
    entry: QueueEntryDocument,
    status: { code: number; message: string },
    fix: string,
  ): Promise<void> {
    await this.queue.setState([entry._id], 'failed', { status, fix });
    await this.outcomes.failed(entry, status, fix);
    await this.holdDependents(entry, status, fix);
  }

  /** Holds everything that waits on a failed entry, directly or through another held entry. */
  private async holdDependents(
    failed: QueueEntryDocument,
    status: { code: number; message: string },
    fix: string,
  ): Promise<void> {
    let causes = [{ ...failed, state: 'failed' as const, status, fix }];

    while (causes.length > 0) {
      const next: QueueEntryDocument[] = [];

      for (const cause of causes) {
        const dependents = (await this.queue.findDependents(failed.accountId, [cause._id])).filter(
          (dependent) => dependent.state === 'queued',
        );

        for (const dependent of dependents) {
          await this.queue.setState([dependent._id], 'held', {
            status: { code: 0, message: `waits on ${cause._id}, which failed` },
            fix,
          });
          await this.outcomes.held(dependent, cause);
          next.push({ ...dependent, state: 'held', status: cause.status, fix });
        }
      }

      causes = next as typeof causes;
    }
  }
}

/** Reads the id, EditSequence, RefNumber and total of the record QuickBooks returned. */
function resultOf(entry: QueueEntryDocument, fields: XmlNode): QueueResultDocument {
  const qbId = fieldText(fields, 'TxnID') ?? fieldText(fields, 'ListID') ?? '';

  return {
    _id: entry._id,
    accountId: entry.accountId,
    qbId,
    editSequence: fieldText(fields, 'EditSequence'),
    refNumber: fieldText(fields, 'RefNumber'),
    total: totalOf(fields),
    postedAt: new Date(),
  };
}

/** QuickBooks' total of a transaction; an invoice returns its subtotal and tax separately. */
function totalOf(fields: XmlNode): string | undefined {
  const total = fieldText(fields, 'TotalAmount') ?? fieldText(fields, 'Amount');

  if (total !== undefined) {
    return total;
  }

  const subtotal = fieldText(fields, 'Subtotal');

  if (subtotal === undefined) {
    return undefined;
  }

  const tax = fieldText(fields, 'SalesTaxTotal') ?? '0';
  // Both are AMTTYPE values with at most two decimals, so cents are exact.
  const cents = Math.round(Number(subtotal) * 100) + Math.round(Number(tax) * 100);

  return (cents / 100).toFixed(2);
}

import { Injectable } from '@nestjs/common';

import { type CompanyFileDocument } from '../company/company-file.schema';
import { type ListEntryDocument } from '../lists/list-entry.schema';
import { ListCopyRepository, nameKey } from '../lists/list-copy.repository';
import { dispositionFor } from '../posting/qbd-status-fixes';
import { listEntryQuery, type QueriedTxnType, txnLookupQuery } from '../qbxml/qbxml-queries';
import { wrapRequest } from '../qbxml/qbxml-requests';
import { type QueueEntryDocument, type QueueIndexDocument } from '../queue/queue-entry.schema';
import { QueueRepository } from '../queue/queue.repository';
import { OutcomePublisher } from './outcome-publisher';
import { type InFlightRequest, type SessionDocument } from './session.schema';

/** Status codes after which an entry waits for the next session instead of being resent now. */
const NEXT_SESSION_CODES = new Set([3175, 3176, 3180]);
const PLACEHOLDER = /\{\{TxnID:([^}]+)\}\}/g;

/** List look-ups of one selection, read with one query per list and then served from memory. */
class ListLookup {
  private readonly cache = new Map<string, ListEntryDocument[]>();

  constructor(
    private readonly lists: ListCopyRepository,
    private readonly accountId: string,
  ) {}

  async prefetch(wanted: Array<{ listType: string; name: string }>): Promise<void> {
    const byType = new Map<string, string[]>();

    for (const { listType, name } of wanted) {
      if (!this.cache.has(`${listType}|${nameKey(name)}`)) {
        byType.set(listType, [...(byType.get(listType) ?? []), name]);
      }
    }

    for (const [listType, names] of byType) {
      const found = await this.lists.findByNames(this.accountId, listType, names);

      for (const [key, entries] of found) {
        this.cache.set(`${listType}|${key}`, entries);
      }
    }
  }

  async find(listType: string, name: string): Promise<ListEntryDocument[]> {
    const key = `${listType}|${nameKey(name)}`;
    const cached = this.cache.get(key);

    if (cached) {
      return cached;
    }

    const found = await this.lists.findByName(this.accountId, listType, name);

    this.cache.set(key, found);

    return found;
  }
}

export interface SelectedWork {
  requests: string[];
  inFlight: InFlightRequest[];
  /** Entries settled without a request: found in the list copy, held or failed pre-flight. */
  settled: { posted: number; failed: number };
}

/**
 * Chooses the next requests of a session: lookups of requests whose response was lost come
 * first, then queued entries in queue order whose dependencies have posted. Entries that cannot
 * post (a missing reference, a feature the file lacks, a failed dependency) are settled here
 * without a round trip to QuickBooks.
 */
@Injectable()
export class WorkSelector {
  constructor(
    private readonly queue: QueueRepository,
    private readonly lists: ListCopyRepository,
    private readonly outcomes: OutcomePublisher,
  ) {}

  async select(
    session: SessionDocument,
    companyFile: CompanyFileDocument,
    batchSize: number,
  ): Promise<SelectedWork> {
    const prefix = `${session.stats.messages + 1}.`;
    const unknownFound = session.unknownPossible
      ? await this.queue.findInState(session.accountId, 'unknown', batchSize)
      : [];
    // A TxnDel cannot be looked up, but sending it again is safe because QuickBooks returns 3120 for a
    // transaction that is already gone, which counts as deleted.
    const deletions = unknownFound.filter((entry) => entry.requestName === 'TxnDel');
    const unknown = unknownFound.filter((entry) => entry.requestName !== 'TxnDel');

    await this.queue.setState(
      deletions.map((entry) => entry._id),
      'queued',
    );

    if (unknown.length > 0) {
      return this.lookups(unknown, prefix);
    }

    const settled = { posted: 0, failed: 0 };

    // A few rounds, because settling entries without QuickBooks can free their dependents.
    for (let round = 0; round < 5; round += 1) {
      const selected = await this.selectQueued(session, companyFile, batchSize, prefix);

      settled.posted += selected.settled.posted;
      settled.failed += selected.settled.failed;

      if (selected.requests.length > 0 || !selected.settledAny) {
        return { requests: selected.requests, inFlight: selected.inFlight, settled };
      }
    }

    return { requests: [], inFlight: [], settled };
  }

  private lookups(entries: QueueEntryDocument[], prefix: string): SelectedWork {
    const work: SelectedWork = { requests: [], inFlight: [], settled: { posted: 0, failed: 0 } };

    entries.forEach((entry, index) => {
      const requestId = `${prefix}${index + 1}`;

      if (entry.listType && entry.listName) {
        work.requests.push(listEntryQuery(entry.listType, requestId, entry.listName));
      } else if (entry.lookup) {
        work.requests.push(
          txnLookupQuery(entry.lookup.txnType as QueriedTxnType, requestId, entry.lookup),
        );
      } else {
        return;
      }

      work.inFlight.push({ requestId, purpose: 'lookup', entryId: entry._id });
    });

    return work;
  }

  private async selectQueued(
    session: SessionDocument,
    companyFile: CompanyFileDocument,
    batchSize: number,
    prefix: string,
  ): Promise<SelectedWork & { settledAny: boolean }> {
    const candidates = await this.queue.findInState(
      session.accountId,
      'queued',
      Math.max(batchSize * 4, 100),
    );
    const alreadyPosted = await this.queue.findResults(candidates.map((entry) => entry._id));
    const dependencyIds = [...new Set(candidates.flatMap((entry) => entry.dependsOn))];
    const dependencies = new Map(
      (await this.queue.findIndex(dependencyIds)).map((entry) => [entry._id, entry]),
    );
    const results = await this.queue.findResults(dependencyIds);
    const lookup = new ListLookup(this.lists, session.accountId);

    await lookup.prefetch(
      candidates.flatMap((entry) => [
        ...(entry.listType && entry.listName
          ? [{ listType: entry.listType, name: entry.listName }]
          : []),
        ...entry.references,
      ]),
    );
    const work: SelectedWork & { settledAny: boolean } = {
      requests: [],
      inFlight: [],
      settled: { posted: 0, failed: 0 },
      settledAny: false,
    };
    const inMessage = new Set<string>();

    for (const entry of candidates) {
      if (work.requests.length >= batchSize) {
        break;
      }

      if (alreadyPosted.has(entry._id)) {
        // QuickBooks has it; only the state update was lost.
        await this.queue.setState([entry._id], 'posted');
        work.settled.posted += 1;
        continue;
      }

      if (
        entry.ticket === session._id &&
        entry.status !== undefined &&
        NEXT_SESSION_CODES.has(entry.status.code)
      ) {
        continue;
      }

      const blocking = this.blockingDependency(entry, dependencies, inMessage);

      if (blocking === 'wait') {
        continue;
      }

      if (blocking) {
        await this.hold(entry, blocking);
        work.settled.failed += 1;
        work.settledAny = true;
        continue;
      }

      const settled = await this.settleWithoutQuickBooks(entry, companyFile, lookup);

      if (settled) {
        work.settled[settled] += 1;
        work.settledAny = true;
        if (settled === 'posted') {
          inMessage.add(entry._id);
        }

        continue;
      }

      const requestId = `${prefix}${work.requests.length + 1}`;

      if (entry.status?.code === 3200 && entry.listType === 'Customer' && entry.listName) {
        // EditSequence was out of date: read the record again, then the modify goes out.
        work.requests.push(listEntryQuery('Customer', requestId, entry.listName));
        work.inFlight.push({ requestId, purpose: 'refresh', entryId: entry._id });
        continue;
      }

      const body = await this.resolvePlaceholders(entry, results, lookup);

      if (body === undefined) {
        continue;
      }

      work.requests.push(wrapRequest(entry.requestName, requestId, body));
      work.inFlight.push({ requestId, purpose: 'post', entryId: entry._id });
      inMessage.add(entry._id);
    }

    return work;
  }

  /**
   * Returns the failed dependency that blocks `entry`, 'wait' while a dependency is pending, or
   * undefined when every dependency has posted or goes out earlier in the same message (which
   * QuickBooks processes in order). A TxnID is only known after posting, so a dependency whose
   * TxnID the body needs must have posted already.
   */
  private blockingDependency(
    entry: QueueEntryDocument,
    dependencies: Map<string, QueueIndexDocument>,
    inMessage: Set<string>,
  ): QueueIndexDocument | 'wait' | undefined {
    for (const id of entry.dependsOn) {
      const dependency = dependencies.get(id);

      if (!dependency) {
        return 'wait';
      }

      if (dependency.state === 'failed' || dependency.state === 'held') {
        return dependency;
      }

      if (dependency.state === 'posted') {
        continue;
      }

      const needsTxnId = entry.body.includes(`{{TxnID:${id}}}`);

      if (dependency.state === 'skipped' && !needsTxnId) {
        // A skipped customer or item may exist in QuickBooks already; the request names it.
        continue;
      }

      if (dependency.state === 'skipped' || dependency.state === 'cancelled') {
        return dependency;
      }

      if (inMessage.has(id) && !needsTxnId) {
        continue;
      }

      return 'wait';
    }

    return undefined;
  }

  private async hold(entry: QueueEntryDocument, cause: QueueIndexDocument): Promise<void> {
    await this.queue.setState([entry._id], 'held', {
      status: { code: 0, message: `waits on ${cause._id}, which ${cause.state}` },
      fix: cause.fix,
    });
    await this.outcomes.held(entry, cause);
  }

  /**
   * Posts a customer or item that the list copy shows QuickBooks already has, and fails an entry
   * whose references or features the company file lacks. Returns what it did, or undefined.
   */
  private async settleWithoutQuickBooks(
    entry: QueueEntryDocument,
    companyFile: CompanyFileDocument,
    lookup: ListLookup,
  ): Promise<'posted' | 'failed' | undefined> {
    if (entry.listType && entry.listName && entry.requestName.endsWith('Add')) {
      const [existing] = await lookup.find(entry.listType, entry.listName);

      if (existing && existing.nameKey === nameKey(entry.listName)) {
        await this.queue.storeResults([
          {
            _id: entry._id,
            accountId: entry.accountId,
            qbId: existing.listId,
            postedAt: new Date(),
          },
        ]);
        await this.queue.setState([entry._id], 'posted');

        return 'posted';
      }
    }

    for (const feature of entry.features) {
      if (companyFile.features[feature as keyof typeof companyFile.features] === false) {
        await this.fail(
          entry,
          3250,
          `The request uses ${describeFeature(feature)}, which this company file has turned off or its QuickBooks edition lacks`,
        );

        return 'failed';
      }
    }

    if (!companyFile.listsRefreshedAt) {
      return undefined;
    }

    for (const reference of entry.references) {
      const found = await lookup.find(reference.listType, reference.name);
      const active = found.filter((candidate) => candidate.active);

      if (active.length === 1) {
        continue;
      }

      if (active.length > 1) {
        await this.fail(
          entry,
          3140,
          `${reference.listType} "${reference.name}", named by ${reference.source}, matches ${active.length} QuickBooks entries: ${active.map((candidate) => candidate.fullName).join(', ')}. Name it by its full name`,
        );

        return 'failed';
      }

      const state = found.length > 0 ? 'inactive' : 'missing';

      await this.fail(
        entry,
        3140,
        `There is an invalid reference to QuickBooks ${reference.listType} "${reference.name}" (${state}), named by ${reference.source}`,
      );

      return 'failed';
    }

    return undefined;
  }

  private async fail(entry: QueueEntryDocument, code: number, message: string): Promise<void> {
    const fix = dispositionFor(code, entry.requestName).fix;
    const status = { code, message };

    await this.queue.setState([entry._id], 'failed', { status, fix });
    await this.outcomes.failed({ ...entry, status, fix }, status, fix);
  }

  private async resolvePlaceholders(
    entry: QueueEntryDocument,
    results: Map<string, { qbId: string }>,
    lookup: ListLookup,
  ): Promise<string | undefined> {
    let missing = false;
    let body = entry.body.replace(PLACEHOLDER, (_match, id: string) => {
      const result = results.get(id);

      if (!result) {
        missing = true;

        return '';
      }

      return result.qbId;
    });

    if (body.includes('{{EditSequence}}') && entry.listName) {
      const [customer] = await lookup.find('Customer', entry.listName);

      if (!customer?.editSequence) {
        return undefined;
      }

      body = body.replace('{{EditSequence}}', customer.editSequence);
    }

    return missing ? undefined : body;
  }
}

function describeFeature(feature: string): string {
  switch (feature) {
    case 'inventorySites':
      return 'inventory sites (QuickBooks Enterprise with Advanced Inventory)';
    case 'unitsOfMeasure':
      return 'units of measure (the multiple-U/M-per-item preference)';
    default:
      return feature;
  }
}

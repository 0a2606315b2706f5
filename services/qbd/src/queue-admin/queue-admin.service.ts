import { Inject, Injectable } from '@nestjs/common';
import {
  type QbdQueueAction,
  type QbdQueueActionResult,
  type QbdQueueEntry,
  type QbdQueueList,
  type QbdQueuePage,
  type QbdQueueState,
} from '@qbsync/contracts';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { type QbdConfig } from '../qbd.config';
import { type QueueEntryDocument, type QueueState } from '../queue/queue-entry.schema';
import { QueueRepository } from '../queue/queue.repository';
import { OutcomePublisher } from '../session/outcome-publisher';
import { SessionRepository } from '../session/session.repository';

/** States a list without a state filter shows: the work that is pending, done or stuck. */
const LISTED_STATES: QueueState[] = ['queued', 'posted', 'failed', 'held', 'unknown'];

/** A queue action the entry's state does not allow, with the reason for the user. */
export class QueueActionError extends Error {
  /** `not_found` when the entry does not exist for the account, so the gateway returns 404. */
  constructor(
    message: string,
    readonly code: 'invalid_request' | 'not_found' = 'invalid_request',
  ) {
    super(message);
    this.name = 'QueueActionError';
  }
}

/**
 * The Queue tab's work: pages of a company file's queue by state, and the retry, skip and cancel
 * actions. Every action publishes a sync event per entry it changed.
 */
@Injectable()
export class QueueAdmin {
  private readonly logger: AppLogger;

  constructor(
    private readonly queue: QueueRepository,
    private readonly sessions: SessionRepository,
    private readonly outcomes: OutcomePublisher,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QueueAdmin.name);
  }

  async list(request: QbdQueueList): Promise<QbdQueuePage> {
    const sent = await this.sentIds(request.accountId);
    const afterSeq = request.cursor === undefined ? undefined : Number(request.cursor);

    if (afterSeq !== undefined && !Number.isFinite(afterSeq)) {
      throw new QueueActionError(
        `cursor "${request.cursor}" is invalid; pass the nextCursor of the previous page`,
      );
    }

    const filter =
      request.state === 'sent'
        ? { states: ['queued' as const], onlyIds: [...sent] }
        : request.state === 'queued'
          ? { states: ['queued' as const], exceptIds: [...sent] }
          : { states: request.state ? [request.state] : LISTED_STATES };
    // One more than the page, to know whether another page follows.
    const found = await this.queue.findPage(request.accountId, filter, afterSeq, request.limit + 1);
    const page = found.slice(0, request.limit);
    const results = await this.queue.findResults(
      page.filter((entry) => entry.state === 'posted').map((entry) => entry._id),
    );

    return {
      entries: page.map((entry) => toQueueEntry(entry, sent, results.get(entry._id)?.qbId)),
      nextCursor: found.length > request.limit ? String(page.at(-1)!.seq) : undefined,
    };
  }

  async act(request: QbdQueueAction): Promise<QbdQueueActionResult> {
    const [entry] = await this.queue.findByIds([request.entryId]);

    if (!entry || entry.accountId !== request.accountId) {
      throw new QueueActionError(
        `queue entry ${request.entryId} not found for account ${request.accountId}; list the queue to find its id`,
        'not_found',
      );
    }

    if ((await this.sentIds(request.accountId)).has(entry._id)) {
      throw new QueueActionError(
        `queue entry ${entry._id} is in the message the Web Connector is processing; wait for the session to end, then try again`,
      );
    }

    switch (request.action) {
      case 'retry':
        return this.retry(entry);
      case 'skip':
        return this.skip(entry);
      default:
        return this.cancel(entry);
    }
  }

  /**
   * Queues a failed entry again, or undoes the skip of a skipped one, and releases the entries held
   * behind it. Entries cancelled along with a skip stay cancelled and post again on re-sync.
   */
  private async retry(entry: QueueEntryDocument): Promise<QbdQueueActionResult> {
    if (entry.state !== 'failed' && entry.state !== 'skipped') {
      throw new QueueActionError(
        `queue entry ${entry._id} is ${entry.state}; only a failed or skipped entry can be retried${entry.state === 'held' ? ', so retry the failed entry it waits on' : ''}`,
      );
    }

    if (!(await this.queue.requeue(entry._id, ['failed', 'skipped']))) {
      throw new QueueActionError(`queue entry ${entry._id} changed meanwhile; reload the queue`);
    }

    await this.outcomes.queueAction(
      entry,
      'retry',
      `The ${entry.state} ${entry.requestName} was queued again by the user and goes out in the next Web Connector session`,
    );

    const changed: QbdQueueActionResult['changed'] = [{ entryId: entry._id, state: 'queued' }];

    for (const dependent of await this.dependentsInStates(entry, ['held'])) {
      if (await this.queue.requeue(dependent._id, ['held'])) {
        changed.push({ entryId: dependent._id, state: 'queued' });
      }
    }

    this.logger.info('Queue entry retried', {
      accountId: entry.accountId,
      entryId: entry._id,
      released: changed.length - 1,
    });

    return { action: 'retry', changed };
  }

  /**
   * Marks an entry done without posting it. Dependents that only name a skipped customer or item
   * are released, because the name may already exist in QuickBooks. Dependents that need the
   * skipped document's TxnID (a payment, a card refund, a deposit) cannot post and are cancelled.
   */
  private async skip(entry: QueueEntryDocument): Promise<QbdQueueActionResult> {
    if (!['failed', 'held', 'queued', 'unknown'].includes(entry.state)) {
      throw new QueueActionError(
        `queue entry ${entry._id} is ${entry.state}; only a queued, failed, held or unknown entry can be skipped`,
      );
    }

    await this.queue.setState([entry._id], 'skipped', {
      status: { code: 0, message: 'skipped by the user' },
    });
    await this.outcomes.queueAction(
      entry,
      'skip',
      `The ${entry.requestName} was skipped by the user and not posted to QuickBooks Desktop`,
    );

    const changed: QbdQueueActionResult['changed'] = [{ entryId: entry._id, state: 'skipped' }];
    const direct = await this.queue.findDependents(entry.accountId, [entry._id]);

    for (const dependent of direct) {
      // A skipped TxnDel leaves the old document in QuickBooks, so the revision waiting on the
      // deletion would post the order a second time.
      if (entry.requestName === 'TxnDel' || dependent.body.includes(`{{TxnID:${entry._id}}}`)) {
        changed.push(
          ...(await this.cancelTree(dependent, `it needs ${entry._id}, which was skipped`)),
        );
      } else if (
        dependent.state === 'held' &&
        (await this.queue.requeue(dependent._id, ['held']))
      ) {
        changed.push({ entryId: dependent._id, state: 'queued' });
      }
    }

    return { action: 'skip', changed };
  }

  /** Removes an entry that has not posted, and everything that waits on it, from the queue. */
  private async cancel(entry: QueueEntryDocument): Promise<QbdQueueActionResult> {
    if (!['failed', 'held', 'queued', 'unknown'].includes(entry.state)) {
      throw new QueueActionError(
        `queue entry ${entry._id} is ${entry.state}; only a queued, failed, held or unknown entry can be cancelled`,
      );
    }

    if (entry.state === 'unknown') {
      this.logger.warn('A cancelled entry may have reached QuickBooks before its session broke', {
        accountId: entry.accountId,
        entryId: entry._id,
      });
    }

    const done = new Set<string>();
    const changed = await this.cancelTree(entry, 'cancelled by the user', done);

    // Deletions of a replace that the cancelled entries waited on would remove the posted
    // document with nothing to take its place, so they are cancelled with them.
    for (const deletion of await this.pendingDeletionsBefore(changed.map((item) => item.entryId))) {
      changed.push(
        ...(await this.cancelTree(
          deletion,
          `the revision that replaces its document was cancelled`,
        )),
      );
    }

    return { action: 'cancel', changed };
  }

  /** Returns the TxnDel entries not yet posted or cancelled that `ids` wait on, directly or not. */
  private async pendingDeletionsBefore(ids: string[]): Promise<QueueEntryDocument[]> {
    const deletions = new Map<string, QueueEntryDocument>();
    const seen = new Set(ids);
    let frontier = ids;

    while (frontier.length > 0) {
      const entries = await this.queue.findByIds(frontier);
      const prerequisites = entries
        .flatMap((entry) => entry.dependsOn)
        .filter((id) => !seen.has(id));

      prerequisites.forEach((id) => seen.add(id));
      frontier = [];

      for (const prerequisite of await this.queue.findByIds(prerequisites)) {
        if (prerequisite.requestName !== 'TxnDel') {
          continue;
        }

        if (['queued', 'held', 'failed', 'unknown'].includes(prerequisite.state)) {
          deletions.set(prerequisite._id, prerequisite);
        }

        frontier.push(prerequisite._id);
      }
    }

    return [...deletions.values()];
  }

  /**
   * Cancels `root` and every entry that waits on it. Entries in `done` (cancelled earlier in the
   * same action) and entries that already posted, were skipped or were cancelled are left alone.
   */
  private async cancelTree(
    root: QueueEntryDocument,
    reason: string,
    done = new Set<string>(),
  ): Promise<QbdQueueActionResult['changed']> {
    const changed: QbdQueueActionResult['changed'] = [];
    let level: Array<{ entry: QueueEntryDocument; reason: string }> = [{ entry: root, reason }];

    while (level.length > 0) {
      const next: typeof level = [];

      for (const { entry, reason: why } of level) {
        if (done.has(entry._id) || ['cancelled', 'skipped', 'posted'].includes(entry.state)) {
          continue;
        }

        done.add(entry._id);
        await this.queue.setState([entry._id], 'cancelled', {
          status: { code: 0, message: why },
        });
        await this.outcomes.queueAction(
          entry,
          'cancel',
          `The ${entry.requestName} was removed from the QuickBooks Desktop queue: ${why}`,
        );
        changed.push({ entryId: entry._id, state: 'cancelled' });

        for (const dependent of await this.queue.findDependents(entry.accountId, [entry._id])) {
          next.push({ entry: dependent, reason: `it waits on ${entry._id}, which was cancelled` });
        }
      }

      level = next;
    }

    return changed;
  }

  /** Entries in `states` that wait on `entry`, directly or through each other. */
  private async dependentsInStates(
    entry: QueueEntryDocument,
    states: QueueState[],
  ): Promise<QueueEntryDocument[]> {
    const found = new Map<string, QueueEntryDocument>();
    let frontier = [entry._id];

    while (frontier.length > 0) {
      const dependents = (await this.queue.findDependents(entry.accountId, frontier)).filter(
        (dependent) => states.includes(dependent.state) && !found.has(dependent._id),
      );

      for (const dependent of dependents) {
        found.set(dependent._id, dependent);
      }

      frontier = dependents.map((dependent) => dependent._id);
    }

    return [...found.values()];
  }

  /**
   * Ids of the entries sent in a live Web Connector session whose response has not arrived. A session
   * silent for longer than the lock idle time has lost its lock, and the next session looks its
   * requests up, so they count as queued again.
   */
  private async sentIds(accountId: string): Promise<Set<string>> {
    const liveSince = Date.now() - this.config.QBD_SESSION_LOCK_IDLE_SECONDS * 1000;
    const sessions = (await this.sessions.findUnclosed(accountId)).filter(
      (session) =>
        new Date(session.lastSeenAt).getTime() >= liveSince &&
        new Date(session.expiresAt).getTime() > Date.now(),
    );

    return new Set(
      sessions.flatMap((session) =>
        session.inFlight
          .filter((request) => request.purpose === 'post' && request.entryId)
          .map((request) => request.entryId!),
      ),
    );
  }
}

function toQueueEntry(
  entry: QueueEntryDocument,
  sent: Set<string>,
  qbId: string | undefined,
): QbdQueueEntry {
  const state: QbdQueueState =
    entry.state === 'queued' && sent.has(entry._id) ? 'sent' : entry.state;

  return {
    entryId: entry._id,
    state,
    kind: entry.kind,
    requestName: entry.requestName,
    entity: entry.origin?.entity,
    channel: entry.origin?.channel,
    channelOrderId: entry.origin?.channelOrderId || undefined,
    orderNumber: entry.origin?.orderNumber || undefined,
    entityId: entry.origin?.entityId,
    listName: entry.listName,
    dependsOn: entry.dependsOn,
    attempts: entry.attempts,
    transientFailures: entry.transientFailures,
    statusCode: entry.status?.code,
    statusMessage: entry.status?.message,
    fix: entry.fix,
    qbId,
    createdAt: new Date(entry.createdAt).toISOString(),
    updatedAt: new Date(entry.updatedAt).toISOString(),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { type QboConfig } from '../qbo.config';
import { QboApiClient } from './qbo-api.client';
import { parseFaultBody, QboFaultError } from './qbo-api.errors';
import { stableRequestId } from './request-id';

/** Intuit's maximum number of operations in one batch call. */
export const MAX_BATCH_OPERATIONS = 30;

/**
 * Single creates of one realm and replica that may be in flight at once. They post a lone create
 * at once and use the request budget the batch calls leave (460 of Intuit's 500 a minute next to
 * 40 batch calls) for creates beyond what the pending batch call takes.
 */
const MAX_SINGLE_CREATES_IN_FLIGHT = 3;

/** One create to send in a batch. */
export interface BatchCreate {
  realmId: string;
  accessToken: string;
  /** Entity name as QuickBooks writes it in JSON, such as `SalesReceipt` or `Customer`. */
  entity: string;
  body: unknown;
  /**
   * The create's own stable requestid, derived from its ledger key. It is the requestid of a
   * create sent alone, and the batch's requestid is derived from its members' ids.
   */
  requestId: string;
  /**
   * The item's `bId` in a batch, such as the posting ledger key of the order, so that the item
   * names its order in QuickBooks' response and in logs. `requestId` when absent.
   */
  itemId?: string;
}

interface PendingCreate extends BatchCreate {
  itemId: string;
  resolve(entity: unknown): void;
  reject(error: Error): void;
}

interface BatchItemResponse {
  bId?: string;
  Fault?: unknown;
  [entity: string]: unknown;
}

/** The creates of one realm waiting in this replica, and the calls it has in flight for them. */
interface RealmQueue {
  waiting: PendingCreate[];
  /**
   * Set while a batch call waits for the rate governor. The call takes its members when admitted.
   */
  batchPending: boolean;
  /** Batch calls admitted and still waiting for their response. */
  batchesSending: number;
  singlesInFlight: number;
  /** Set while the first waiting create lingers for others to join it. */
  lingerTimer?: NodeJS.Timeout;
  lingered: boolean;
}

/**
 * Sends creates of one realm as batch calls when several are waiting and alone otherwise. A create
 * that arrives while nothing else is waiting or in flight goes out at once as a single create.
 * Creates that arrive while calls are in flight wait up to QBO_BATCH_LINGER_MS for others. Then
 * a batch call goes to the rate governor, which spaces batch calls 1.5 seconds apart (40 a
 * minute), and takes up to 30 of the creates waiting when the governor admits it. One batch call
 * per realm waits for admission in each replica, and up to three single creates go out next to it
 * for the creates it will not take. A batch call counts against the batch limit and the request
 * limits.
 *
 * Each caller gets its own item's result: the created entity, or a QboFaultError built from that
 * item's fault, because a batch returned with HTTP 200 can still contain failed items.
 *
 * Exactly once: QuickBooks replays a whole batch for a repeated batch requestid, but a retried
 * create usually lands in a batch with other members and so another requestid. A caller whose
 * create failed with QboTransportError or a 5xx must therefore look the document up (DocNumber or
 * private note) before creating it again, as the posting ledger does for unknown outcomes.
 *
 * Usage from posting code:
 *   const created = await batchClient.create<{ SalesReceipt: QboSalesReceipt }>({
 *     realmId, accessToken, entity: 'SalesReceipt', body, requestId, itemId: ledgerKey });
 */
@Injectable()
export class QboBatchClient {
  private readonly logger: AppLogger;
  private readonly realms = new Map<string, RealmQueue>();

  constructor(
    private readonly client: QboApiClient,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboBatchClient.name);
  }

  /** Queues one create and resolves with the item's response, such as `{ SalesReceipt: {...} }`. */
  create<T>(create: BatchCreate): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.queueOf(create.realmId);

      queue.waiting.push({
        ...create,
        itemId: create.itemId ?? create.requestId,
        resolve: resolve as (entity: unknown) => void,
        reject,
      });
      this.dispatch(create.realmId, queue);
    });
  }

  private queueOf(realmId: string): RealmQueue {
    let queue = this.realms.get(realmId);

    if (!queue) {
      queue = {
        waiting: [],
        batchPending: false,
        batchesSending: 0,
        singlesInFlight: 0,
        lingered: false,
      };
      this.realms.set(realmId, queue);
    }

    return queue;
  }

  /**
   * Starts the calls the realm's queue allows now. Several waiting creates start a batch call
   * once 30 wait, once the first has lingered, or once nothing else is in flight. A create
   * waiting alone goes out as a single create when nothing else is in flight or it has lingered.
   * While a batch call waits for admission, creates beyond the 30 it takes go out as single
   * creates.
   */
  private dispatch(realmId: string, queue: RealmQueue): void {
    for (;;) {
      const { waiting } = queue;

      if (waiting.length === 0) {
        this.stopLingering(queue);
        if (!queue.batchPending && queue.batchesSending === 0 && queue.singlesInFlight === 0) {
          this.realms.delete(realmId);
        }

        return;
      }

      const idle = !queue.batchPending && queue.batchesSending === 0 && queue.singlesInFlight === 0;

      if (
        !queue.batchPending &&
        waiting.length > 1 &&
        (waiting.length >= MAX_BATCH_OPERATIONS || queue.lingered || idle)
      ) {
        this.stopLingering(queue);
        this.startBatch(realmId, queue);
        continue;
      }

      const singleDue = queue.batchPending
        ? waiting.length > MAX_BATCH_OPERATIONS
        : waiting.length === 1 && (idle || queue.lingered || queue.batchesSending > 0);

      if (singleDue && queue.singlesInFlight < MAX_SINGLE_CREATES_IN_FLIGHT) {
        this.sendSingle(realmId, queue, waiting.shift()!);
        continue;
      }

      if (!queue.batchPending) {
        this.startLingering(realmId, queue);
      }

      return;
    }
  }

  private startLingering(realmId: string, queue: RealmQueue): void {
    if (queue.lingerTimer || queue.lingered) {
      return;
    }

    queue.lingerTimer = setTimeout(() => {
      queue.lingerTimer = undefined;
      queue.lingered = true;
      this.dispatch(realmId, queue);
    }, this.config.QBO_BATCH_LINGER_MS);
  }

  private stopLingering(queue: RealmQueue): void {
    if (queue.lingerTimer) {
      clearTimeout(queue.lingerTimer);
      queue.lingerTimer = undefined;
    }

    queue.lingered = false;
  }

  private sendSingle(realmId: string, queue: RealmQueue, member: PendingCreate): void {
    queue.singlesInFlight += 1;
    this.client
      .request<Record<string, unknown>>({
        realmId,
        accessToken: member.accessToken,
        method: 'POST',
        path: member.entity.toLowerCase(),
        body: member.body,
        requestId: member.requestId,
      })
      .then(
        (created) => member.resolve(created),
        (error: unknown) => member.reject(error as Error),
      )
      .finally(() => {
        queue.singlesInFlight -= 1;
        this.dispatch(realmId, queue);
      });
  }

  /**
   * Sends a batch call whose members are the first 30 creates waiting when the rate governor
   * admits it. A call that fails before admission fails those 30 instead, so a governor that keeps
   * failing cannot start batch after batch.
   */
  private startBatch(realmId: string, queue: RealmQueue): void {
    let members: PendingCreate[] | undefined;
    const admit = (): PendingCreate[] => {
      members = queue.waiting.splice(0, MAX_BATCH_OPERATIONS);
      queue.batchPending = false;
      queue.batchesSending += 1;
      // The next batch call may wait for its admission while this one is sent.
      queueMicrotask(() => this.dispatch(realmId, queue));

      return members;
    };

    queue.batchPending = true;
    void this.sendBatch(realmId, queue, admit)
      .catch((error: unknown) => {
        const failed = members ?? queue.waiting.splice(0, MAX_BATCH_OPERATIONS);

        this.logger.warn('QuickBooks batch call failed', {
          realmId,
          operations: failed.length,
          reason: (error as Error).message,
        });
        for (const member of failed) {
          member.reject(error as Error);
        }
      })
      .finally(() => {
        if (members) {
          queue.batchesSending -= 1;
        } else {
          queue.batchPending = false;
        }

        this.dispatch(realmId, queue);
      });
  }

  private async sendBatch(
    realmId: string,
    queue: RealmQueue,
    admit: () => PendingCreate[],
  ): Promise<void> {
    let members: PendingCreate[] = [];
    const response = await this.client.request<{ BatchItemResponse?: BatchItemResponse[] }>({
      realmId,
      accessToken: queue.waiting[0]!.accessToken,
      method: 'POST',
      path: 'batch',
      prepare: () => {
        members = admit();
        const unique = dropRepeatedItems(members);

        return {
          // Every member's token is valid for the realm; the newest one lives longest.
          accessToken: members[members.length - 1]!.accessToken,
          body: {
            BatchItemRequest: unique.map((member) => ({
              bId: member.itemId,
              operation: 'create',
              [member.entity]: member.body,
            })),
          },
          requestId: stableRequestId('batch', ...unique.map((member) => member.requestId).sort()),
        };
      },
    });

    this.settle(members, response.BatchItemResponse ?? []);
  }

  /** Hands each member the response entry with its bId. */
  private settle(members: PendingCreate[], items: BatchItemResponse[]): void {
    const byId = new Map(items.map((item) => [String(item.bId), item]));

    for (const member of members) {
      const item = byId.get(member.itemId);

      if (!item) {
        member.reject(
          new QboFaultError(500, 'Unknown', [
            {
              code: 'missing-batch-item',
              message: `The batch response has no item with bId ${member.itemId}`,
            },
          ]),
        );
      } else if (item.Fault) {
        // A SystemFault item is a server failure that may pass on retry; others are final.
        const status = (item.Fault as { type?: string }).type === 'SystemFault' ? 500 : 400;

        const fault = parseFaultBody(status, JSON.stringify({ Fault: item.Fault }));

        this.client.reportStaleReference(member.realmId, fault);
        member.reject(fault);
      } else {
        const { bId: _bId, ...entity } = item;

        member.resolve(entity);
      }
    }
  }
}

/** Two members with one bId are the same create (a retry that overlapped); send it once. */
function dropRepeatedItems(members: PendingCreate[]): PendingCreate[] {
  const seen = new Set<string>();

  return members.filter((member) => {
    if (seen.has(member.itemId)) {
      return false;
    }

    seen.add(member.itemId);

    return true;
  });
}

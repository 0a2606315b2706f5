import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { type QboConfig } from '../qbo.config';
import { QboApiClient } from './qbo-api.client';
import { parseFaultBody, QboFaultError } from './qbo-api.errors';
import { stableRequestId } from './request-id';

/** Intuit's maximum number of operations in one batch call. */
export const MAX_BATCH_OPERATIONS = 30;

/** One create to send in a batch. */
export interface BatchCreate {
  realmId: string;
  accessToken: string;
  /** Entity name as QuickBooks writes it in JSON, such as `SalesReceipt` or `Customer`. */
  entity: string;
  body: unknown;
  /**
   * The create's own stable requestid, derived from its ledger key. It becomes the item's `bId`,
   * and the batch's requestid is derived from its members' ids.
   */
  requestId: string;
}

interface PendingCreate extends BatchCreate {
  resolve(entity: unknown): void;
  reject(error: Error): void;
}

interface BatchItemResponse {
  bId?: string;
  Fault?: unknown;
  [entity: string]: unknown;
}

/**
 * Coalesces creates of one realm into batch calls: up to 30 operations per call, sent when 30 are
 * waiting or QBO_BATCH_LINGER_MS after the first one arrived. Each caller gets its own item's
 * result: the created entity, or a QboFaultError built from that item's fault, because a batch
 * returned with HTTP 200 can still contain failed items.
 *
 * Exactly once: QuickBooks replays a whole batch for a repeated batch requestid, but a retried
 * create usually lands in a batch with other members and so another requestid. A caller whose
 * create failed with QboTransportError or a 5xx must therefore look the document up (DocNumber or
 * private note) before creating it again, as the posting ledger does for unknown outcomes.
 *
 * Usage from posting code:
 *   const created = await batchClient.create<{ SalesReceipt: QboSalesReceipt }>({
 *     realmId, accessToken, entity: 'SalesReceipt', body, requestId });
 */
@Injectable()
export class QboBatchClient {
  private readonly logger: AppLogger;
  private readonly queues = new Map<string, PendingCreate[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

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
      const queue = this.queues.get(create.realmId) ?? [];

      queue.push({ ...create, resolve: resolve as (entity: unknown) => void, reject });
      this.queues.set(create.realmId, queue);
      if (queue.length >= MAX_BATCH_OPERATIONS) {
        this.flush(create.realmId);
      } else if (!this.timers.has(create.realmId)) {
        const timer = setTimeout(() => this.flush(create.realmId), this.config.QBO_BATCH_LINGER_MS);

        this.timers.set(create.realmId, timer);
      }
    });
  }

  private flush(realmId: string): void {
    const timer = this.timers.get(realmId);

    if (timer) {
      clearTimeout(timer);
      this.timers.delete(realmId);
    }

    const queue = this.queues.get(realmId) ?? [];

    this.queues.delete(realmId);
    for (let start = 0; start < queue.length; start += MAX_BATCH_OPERATIONS) {
      void this.send(realmId, queue.slice(start, start + MAX_BATCH_OPERATIONS));
    }
  }

  private async send(realmId: string, members: PendingCreate[]): Promise<void> {
    const unique = dropRepeatedRequestIds(members);
    const requestId = stableRequestId('batch', ...unique.map((member) => member.requestId).sort());

    try {
      const response = await this.client.request<{ BatchItemResponse?: BatchItemResponse[] }>({
        realmId,
        // Every member's token is valid for the realm; the newest one lives longest.
        accessToken: members[members.length - 1].accessToken,
        method: 'POST',
        path: 'batch',
        body: {
          BatchItemRequest: unique.map((member) => ({
            bId: member.requestId,
            operation: 'create',
            [member.entity]: member.body,
          })),
        },
        requestId,
      });

      this.settle(members, response.BatchItemResponse ?? []);
    } catch (error) {
      this.logger.warn('QuickBooks batch call failed', {
        realmId,
        operations: unique.length,
        reason: (error as Error).message,
      });
      for (const member of members) {
        member.reject(error as Error);
      }
    }
  }

  /** Hands each member the response entry with its bId. */
  private settle(members: PendingCreate[], items: BatchItemResponse[]): void {
    const byId = new Map(items.map((item) => [String(item.bId), item]));

    for (const member of members) {
      const item = byId.get(member.requestId);

      if (!item) {
        member.reject(
          new QboFaultError(500, 'Unknown', [
            {
              code: 'missing-batch-item',
              message: `The batch response has no item with bId ${member.requestId}`,
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

/** Two members with one requestid are the same create (a retry that overlapped); send it once. */
function dropRepeatedRequestIds(members: PendingCreate[]): PendingCreate[] {
  const seen = new Set<string>();

  return members.filter((member) => {
    if (seen.has(member.requestId)) {
      return false;
    }

    seen.add(member.requestId);

    return true;
  });
}

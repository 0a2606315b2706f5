import { type OrderReady, type RefundReady, Subjects, type SyncEvent } from '@qbsync/contracts';
import { JetStreamService, type RunningService, startService } from '@qbsync/platform';
import {
  seedCompany,
  type CompanySeedOptions,
} from '@qbsync/sandbox/dist/qbwc/company/company-seed';
import { type QuickBooksCompany } from '@qbsync/sandbox/dist/qbwc/company/quickbooks-company';
import {
  WebConnectorClient,
  type WebConnectorOptions,
} from '@qbsync/sandbox/dist/qbwc/client/web-connector-client';
import { type Infrastructure, waitFor } from '@qbsync/testing';
import { JSONCodec, type NatsConnection } from 'nats';

import { QbdConnectionHandler } from '../src/company/qbd-connection.handler';
import { type QueueState } from '../src/queue/queue-entry.schema';
import { QueueRepository } from '../src/queue/queue.repository';
import { type QbdConfig } from '../src/qbd.config';
import { qbdService } from '../src/qbd.service';

export interface Pairing {
  accountId: string;
  userName: string;
  password: string;
}

/** Starts the qbd service in this process against the test servers, on a free port. */
export async function startQbd(
  infra: Infrastructure,
  database: string,
  env: Record<string, string> = {},
): Promise<RunningService<QbdConfig>> {
  const url = new URL(infra.mongoUri);

  url.pathname = `/${database}`;

  return startService(qbdService, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.QBD_TEST_LOG_LEVEL ?? 'error',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    NATS_URL: infra.natsUrl,
    MONGODB_URI: url.toString(),
    ...env,
  });
}

/** Pairs a company file as the gateway's request would. */
export async function pair(
  service: RunningService<QbdConfig>,
  accountId: string,
  settings: Record<string, string | boolean> = {},
): Promise<Pairing> {
  const status = await service.app.get(QbdConnectionHandler).pair({
    accountId,
    connectionId: `qbd-${accountId}`,
    settings,
  });

  return { accountId, userName: status.userName, password: status.password! };
}

export async function publishOrder(
  service: RunningService<QbdConfig>,
  ready: OrderReady,
): Promise<void> {
  await service.app.get(JetStreamService).publish(Subjects.OrderReadyForQbd, ready, {
    messageId: `${ready.order.accountId}:${ready.order.channelOrderId}:${ready.order.updatedAt}`,
  });
}

export async function publishRefund(
  service: RunningService<QbdConfig>,
  ready: RefundReady,
): Promise<void> {
  await service.app.get(JetStreamService).publish(Subjects.RefundReadyForQbd, ready, {
    messageId: `${ready.refund.accountId}:${ready.refund.channelRefundId}`,
  });
}

export function queue(service: RunningService<QbdConfig>): QueueRepository {
  return service.app.get(QueueRepository);
}

/** Waits until the queue has `count` entries in `state` for the account. */
export async function waitForQueue(
  service: RunningService<QbdConfig>,
  accountId: string,
  state: QueueState,
  count: number,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(async () => (await queue(service).countInState(accountId, state)) >= count, {
    timeoutMs,
    description: `${count} queue entries in state ${state}`,
  });
}

export function newCompany(options: CompanySeedOptions = {}): QuickBooksCompany {
  return seedCompany(options);
}

export function webConnector(
  service: RunningService<QbdConfig>,
  pairing: Pairing,
  company: QuickBooksCompany,
  options: Partial<WebConnectorOptions> = {},
): WebConnectorClient {
  return new WebConnectorClient({
    appUrl: `${service.url}/qbwc`,
    userName: pairing.userName,
    password: pairing.password,
    company,
    ...options,
  });
}

/** Sales documents in the company, by type. */
export function transactionsOf(
  company: QuickBooksCompany,
  type: string,
): Array<{ refNumber?: string; memo?: string; total: number; entityName?: string; txnId: string }> {
  return [...company.transactions.values()].filter((txn) => txn.type === type);
}

/** Appends each sync event the service publishes to `events`, until the connection closes. */
export function collectSyncEvents(nats: NatsConnection, events: SyncEvent[]): void {
  const codec = JSONCodec<SyncEvent>();
  const subscription = nats.subscribe(Subjects.SyncEventRecorded);

  void (async () => {
    for await (const message of subscription) {
      events.push(codec.decode(message.data));
    }
  })();
}

/** Waits up to 30 s until `predicate` accepts a collected sync event, and returns the first one. */
export async function waitForSyncEvent(
  events: SyncEvent[],
  predicate: (event: SyncEvent) => boolean,
): Promise<SyncEvent> {
  await waitFor(() => events.some(predicate), {
    timeoutMs: 30_000,
    description: 'a matching sync event',
  });

  return events.find(predicate)!;
}

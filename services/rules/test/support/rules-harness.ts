import { randomUUID } from 'node:crypto';

import { ClientProxyFactory, type ClientProxy, Transport } from '@nestjs/microservices';
import { type CompanyLists, Streams, Subjects } from '@qbsync/contracts';
import { type RunningService, startService } from '@qbsync/platform';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { lastValueFrom, timeout } from 'rxjs';

import { rulesService } from '../../src/rules.service';

const codec = JSONCodec();

export interface RulesHarness {
  service: RunningService<object>;
  nats: NatsConnection;
  /** Sends a request/reply message as the gateway does and returns the reply. */
  request<T>(subject: string, payload: unknown): Promise<T>;
  /** Sends a request that must fail and returns the error reply ({ code, message }). */
  requestError(subject: string, payload: unknown): Promise<{ code: string; message: string }>;
  publish(subject: string, payload: unknown): Promise<void>;
  /** Waits for a message on a JetStream subject that `match` accepts, reading from the start. */
  waitFor<T>(subject: string, match: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startRulesHarness(
  infra: { natsUrl: string; mongoUri: string },
  env: Record<string, string> = {},
): Promise<RulesHarness> {
  const url = new URL(infra.mongoUri);

  url.pathname = `/rules-${randomUUID().slice(0, 8)}`;
  const service = await startService(rulesService, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    NATS_URL: infra.natsUrl,
    MONGODB_URI: url.toString(),
    SHUTDOWN_TIMEOUT_MS: '5000',
    RULES_COMPANY_LISTS_TIMEOUT_MS: '700',
    ...env,
  });
  const nats = await connect({ servers: infra.natsUrl });
  const client: ClientProxy = ClientProxyFactory.create({
    transport: Transport.NATS,
    options: { servers: [infra.natsUrl] },
  });
  const request = <T>(subject: string, payload: unknown): Promise<T> =>
    lastValueFrom(client.send<T>(subject, payload).pipe(timeout(30_000)));

  return {
    service,
    nats,
    request,
    async requestError(subject, payload) {
      try {
        await request(subject, payload);
      } catch (error) {
        return error as { code: string; message: string };
      }

      throw new Error(`Request to ${subject} succeeded but was expected to fail`);
    },
    async publish(subject, payload) {
      await nats.jetstream().publish(subject, codec.encode(payload));
    },
    async waitFor<T>(subject: string, match: (message: T) => boolean, timeoutMs = 20_000) {
      const stream = subject.startsWith('payouts.')
        ? Streams.Payouts.name
        : subject.startsWith('sync.')
          ? Streams.Sync.name
          : Streams.Orders.name;
      const consumer = await nats.jetstream().consumers.get(stream, { filterSubjects: [subject] });
      const messages = await consumer.consume();
      const timer = setTimeout(() => void messages.close(), timeoutMs);

      try {
        for await (const message of messages) {
          const decoded = codec.decode(message.data) as T;

          if (match(decoded)) {
            return decoded;
          }
        }
      } finally {
        clearTimeout(timer);
        await messages.close();
      }

      throw new Error(`No matching message on ${subject} within ${timeoutMs} ms`);
    },
    async stop() {
      await client.close();
      await nats.drain();
      await service.stop();
    },
  };
}

/**
 * Replies to Subjects.QboCompanyListsGet for one account the way a Nest request/reply handler
 * does. Requests for every other account get no reply, so they time out like a missing responder.
 */
export function answerCompanyLists(nats: NatsConnection, lists: CompanyLists): () => void {
  const subscription = nats.subscribe(Subjects.QboCompanyListsGet, {
    callback: (error, message) => {
      if (error || !message.reply) {
        return;
      }

      const packet = codec.decode(message.data) as { id: string; data: { accountId: string } };

      if (packet.data.accountId === lists.accountId) {
        message.respond(codec.encode({ id: packet.id, response: lists, isDisposed: true }));
      }
    },
  });

  return () => subscription.unsubscribe();
}

export function companyLists(accountId: string, classes: string[]): CompanyLists {
  return {
    accountId,
    target: 'qbo',
    refreshedAt: new Date().toISOString(),
    homeCurrency: 'USD',
    accounts: [
      { id: '1', name: 'Undeposited Funds', active: true, accountType: 'Other Current Asset' },
    ],
    classes: classes.map((name, index) => ({ id: String(index + 1), name, active: true })),
    locations: [],
    taxCodes: [{ id: 'TAX', name: 'TAX', active: true }],
    paymentMethods: [],
    terms: [],
    currencies: ['USD'],
    priceLevels: [],
    salesReps: [],
    unitsOfMeasure: [],
    inventorySites: [],
  };
}

import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { AppLogger, createRootLogger } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { connect, type NatsConnection } from 'nats';

import { FrameworkHttpClient, parseRetryAfter } from '../../src/channel/channel-http.client';
import { SharedRateLimiter } from '../../src/channel/shared-rate-limiter';

const logger = new AppLogger(createRootLogger('connectors-test', 'silent'));

describe('SharedRateLimiter', () => {
  const infra = withInfrastructure();
  let first: NatsConnection;
  let second: NatsConnection;

  beforeAll(async () => {
    first = await connect({ servers: infra.natsUrl });
    second = await connect({ servers: infra.natsUrl });
  });

  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('shares one bucket between replicas', async () => {
    const replicaA = new SharedRateLimiter(first, logger);
    const replicaB = new SharedRateLimiter(second, logger);
    const limits = { requestsPerSecond: 1, burst: 4 };
    const waits: number[] = [];

    for (let index = 0; index < 4; index += 1) {
      waits.push(await (index % 2 === 0 ? replicaA : replicaB).acquire('shared.default', limits));
    }

    const fifth = replicaA.acquire('shared.default', limits);

    // The fifth request finds the burst used up by both replicas and waits for a refill.
    expect(waits).toEqual([0, 0, 0, 0]);
    expect(await fifth).toBeGreaterThan(0);
  }, 30_000);

  it('blocks every replica after a Retry-After', async () => {
    const replicaA = new SharedRateLimiter(first, logger);
    const replicaB = new SharedRateLimiter(second, logger);

    await replicaA.block('blocked.default', 1);

    expect(
      await replicaB.acquire('blocked.default', { requestsPerSecond: 100, burst: 100 }),
    ).toBeGreaterThan(0);
  }, 30_000);

  it('keeps separate buckets apart', async () => {
    const limiter = new SharedRateLimiter(first, logger);

    await limiter.block('busy.default', 5);

    expect(await limiter.acquire('idle.default', { requestsPerSecond: 1, burst: 1 })).toBe(0);
  }, 30_000);
});

describe('FrameworkHttpClient', () => {
  const infra = withInfrastructure();
  let nats: NatsConnection;
  let server: Server;
  let baseUrl: string;
  let requests: number;

  beforeAll(async () => {
    nats = await connect({ servers: infra.natsUrl });
    server = createServer((request, response) => {
      requests += 1;

      if (requests === 1) {
        response.writeHead(429, { 'Retry-After': '1', 'content-type': 'application/json' });
        response.end('{"errors":"Exceeded 2 calls per second"}');

        return;
      }

      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await nats.close();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests = 0;
  });

  function client(maxRetries: number): FrameworkHttpClient {
    return new FrameworkHttpClient({
      connectionId: `connection-${maxRetries}-${Date.now()}`,
      baseUrl,
      policy: { requestsPerSecond: 50, burst: 50, maxRetries },
      limiter: new SharedRateLimiter(nats, logger),
      logger,
      timeoutMs: 5000,
    });
  }

  it('retries a 429 after Retry-After', async () => {
    const response = await client(2).request({
      method: 'GET',
      path: '/orders.json',
      query: { limit: 5 },
    });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ path: '/orders.json?limit=5' });
    expect(requests).toBe(2);
  }, 30_000);

  it('gives up after the last retry', async () => {
    await expect(client(0).request({ method: 'GET', path: '/orders.json' })).rejects.toThrow(
      /throttled \(HTTP 429\) 1 times/,
    );
  }, 30_000);
});

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    expect(parseRetryAfter('2.0')).toBe(2);
  });

  it('reads an HTTP date', () => {
    const now = Date.parse('2026-07-01T12:00:00Z');

    expect(parseRetryAfter('Wed, 01 Jul 2026 12:00:30 GMT', now)).toBe(30);
  });

  it('ignores an unreadable value', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

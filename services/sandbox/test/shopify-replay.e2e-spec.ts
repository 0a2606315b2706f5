import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { startSandbox } from './support/sandbox-harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SECRET = 'shpss_test_secret';

/** A webhook receiver on 127.0.0.1 that records every delivery and responds with `status`. */
async function startReceiver(
  status = 200,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];

    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = status;
      res.end('ok');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return { url: `http://127.0.0.1:${port}/webhooks/shopify`, received, server };
}

function expectedSignature(body: Buffer): string {
  return createHmac('sha256', SECRET).update(body).digest('base64');
}

describe('Shopify webhook replay', () => {
  let app: NestExpressApplication;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  function replay(body: Record<string, unknown>) {
    return request(app.getHttpServer())
      .post('/__sandbox/shopify/replay')
      .send({
        targetUrl: receiver.url,
        shopDomain: 'demo-shop.myshopify.com',
        secret: SECRET,
        ...body,
      });
  }

  it('delivers every distinct fixture order, signed', async () => {
    const response = await replay({}).expect(200);

    expect(response.body).toHaveLength(11);
    expect(receiver.received).toHaveLength(11);
    for (const delivery of receiver.received) {
      expect(delivery.headers['x-shopify-hmac-sha256']).toBe(expectedSignature(delivery.body));
    }
  });

  it('sends Shopify headers and the bare order body', async () => {
    await replay({ fixtures: ['order-2026_07-01-get.json'] }).expect(200);
    const [delivery] = receiver.received;
    const order = JSON.parse(delivery.body.toString('utf8'));

    expect(order.id).toBe(450789469);
    expect(order.total_price).toBe('598.94');
    expect(order.order).toBeUndefined();
    expect(delivery.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'demo-shop.myshopify.com',
      'x-shopify-api-version': '2026-07',
    });
    expect(delivery.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(delivery.headers['x-shopify-triggered-at']))).not.toBeNaN();
  });

  it('returns one result per delivery', async () => {
    const response = await replay({ fixtures: ['order-2026_07-23-post.json'] }).expect(200);

    expect(response.body).toEqual([
      {
        orderId: 1073459981,
        name: expect.any(String),
        webhookId: receiver.received[0].headers['x-shopify-webhook-id'],
        attempt: 1,
        status: 200,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('repeats a delivery with the same webhook id', async () => {
    const response = await replay({
      fixtures: ['order-2026_07-16-post.json'],
      repeatDeliveries: 2,
    }).expect(200);
    const webhookIds = receiver.received.map(
      (delivery) => delivery.headers['x-shopify-webhook-id'],
    );
    const eventIds = receiver.received.map((delivery) => delivery.headers['x-shopify-event-id']);

    expect(response.body.map((result: { attempt: number }) => result.attempt)).toEqual([1, 2, 3]);
    expect(new Set(webhookIds).size).toBe(1);
    expect(new Set(eventIds).size).toBe(1);
    expect(receiver.received[1].body.equals(receiver.received[0].body)).toBe(true);
  });

  it('signs given payloads with the given topic', async () => {
    const orders = [
      { id: 1, name: '#1', total_price: '1.00' },
      { id: 2, name: '#2', total_price: '2.00' },
    ];

    await replay({ orders, topic: 'orders/updated', concurrency: 2 }).expect(200);

    expect(receiver.received).toHaveLength(2);
    for (const delivery of receiver.received) {
      expect(delivery.headers['x-shopify-topic']).toBe('orders/updated');
      expect(delivery.headers['x-shopify-hmac-sha256']).toBe(expectedSignature(delivery.body));
    }
  });

  it('reports the receiver status', async () => {
    await new Promise((resolve) => receiver.server.close(resolve));
    receiver = await startReceiver(401);
    const response = await replay({ orders: [{ id: 5 }] }).expect(200);

    expect(response.body[0].status).toBe(401);
  });

  it('reports an unreachable receiver as status 0', async () => {
    const response = await request(app.getHttpServer())
      .post('/__sandbox/shopify/replay')
      .send({
        targetUrl: 'http://127.0.0.1:9/hooks',
        shopDomain: 'demo-shop.myshopify.com',
        secret: SECRET,
        orders: [{ id: 5 }],
      })
      .expect(200);

    expect(response.body[0]).toMatchObject({
      status: 0,
      error: expect.stringContaining('fetch failed'),
    });
  });

  it.each([['http://example.com/hooks'], ['http://10.0.0.1/hooks'], ['ftp://127.0.0.1/hooks']])(
    'rejects the non-local target %s',
    async (targetUrl) => {
      const response = await replay({ targetUrl, orders: [{ id: 1 }] }).expect(400);

      expect(response.body.message).toContain('targetUrl');
      expect(receiver.received).toHaveLength(0);
    },
  );

  it('rejects an unknown fixture file', async () => {
    const response = await replay({ fixtures: ['order-nope.json'] }).expect(400);

    expect(response.body.message).toContain('order-nope.json');
  });

  it('rejects fixtures and orders together', async () => {
    await replay({ fixtures: ['order-2026_07-01-get.json'], orders: [{ id: 1 }] }).expect(400);
  });
});

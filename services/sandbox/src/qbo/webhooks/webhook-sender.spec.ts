import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import {
  connect,
  freshRealmId,
  qboClient,
  startSandbox,
} from '../../../test/support/sandbox-harness';

const VERIFIER_TOKEN = 'sandbox-webhook-verifier-token';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('sandbox webhook sender', () => {
  let app: NestExpressApplication;
  let receiver: Server;
  let receiverUrl: string;
  let received: Received[];
  let waiters: Array<() => void>;

  beforeAll(async () => {
    app = await startSandbox();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];

      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
        waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  });

  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  beforeEach(() => {
    received = [];
    waiters = [];
  });

  afterEach(async () => {
    await request(app.getHttpServer()).delete('/__sandbox/webhooks').expect(200);
  });

  async function subscribe(format: 'legacy' | 'cloudevents') {
    await request(app.getHttpServer())
      .put('/__sandbox/webhooks')
      .send({ url: receiverUrl, verifierToken: VERIFIER_TOKEN, format, delayMs: 50 })
      .expect(200);
  }

  function nextDelivery(): Promise<Received> {
    return new Promise((resolve) => {
      waiters.push(() => resolve(received[received.length - 1]));
    });
  }

  function expectedSignature(body: string): string {
    return createHmac('sha256', VERIFIER_TOKEN).update(body).digest('base64');
  }

  it('signs the legacy body with intuit-signature', async () => {
    await subscribe('legacy');
    const realmId = freshRealmId();
    const api = qboClient(app, await connect(app, realmId));
    const delivery = nextDelivery();
    const created = await api.post('/customer', { DisplayName: 'Webhook Customer' }).expect(200);
    const { headers, body } = await delivery;

    expect(headers['intuit-signature']).toBe(expectedSignature(body));
    expect(JSON.parse(body).eventNotifications[0]).toEqual({
      realmId,
      dataChangeEvent: {
        entities: [
          expect.objectContaining({
            name: 'Customer',
            id: created.body.Customer.Id,
            operation: 'Create',
          }),
        ],
      },
    });
  });

  it('collects changes within the delay into one notification', async () => {
    await subscribe('legacy');
    const api = qboClient(app, await connect(app, freshRealmId()));
    const delivery = nextDelivery();

    await api.post('/customer', { DisplayName: 'First' }).expect(200);
    await api.post('/customer', { DisplayName: 'Second' }).expect(200);
    const { body } = await delivery;

    expect(JSON.parse(body).eventNotifications[0].dataChangeEvent.entities).toHaveLength(2);
  });

  it('sends CloudEvents with the entity and realm', async () => {
    await subscribe('cloudevents');
    const realmId = freshRealmId();
    const api = qboClient(app, await connect(app, realmId));
    const delivery = nextDelivery();
    const created = await api.post('/customer', { DisplayName: 'Cloud Customer' }).expect(200);
    const { headers, body } = await delivery;
    const [event] = JSON.parse(body);

    expect(headers['intuit-signature']).toBe(expectedSignature(body));
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'qbo.customer.created.v1',
      intuitentityid: created.body.Customer.Id,
      intuitaccountid: realmId,
    });
  });

  it('sends a notification on request', async () => {
    await subscribe('legacy');
    const realmId = freshRealmId();
    const response = await request(app.getHttpServer())
      .post(`/__sandbox/realms/${realmId}/webhooks`)
      .send({ entities: [{ name: 'account', id: '7', operation: 'Update' }] })
      .expect(200);

    expect(response.body).toMatchObject({ realmId, status: 200, entityCount: 1 });
    expect(
      JSON.parse(received[0].body).eventNotifications[0].dataChangeEvent.entities[0],
    ).toMatchObject({
      name: 'Account',
      id: '7',
      operation: 'Update',
    });
  });

  it('rejects an unknown entity name', async () => {
    await subscribe('legacy');
    const response = await request(app.getHttpServer())
      .post(`/__sandbox/realms/${freshRealmId()}/webhooks`)
      .send({ entities: [{ name: 'Spaceship', id: '1' }] })
      .expect(400);

    expect(response.body.message).toContain('Spaceship');
  });
});

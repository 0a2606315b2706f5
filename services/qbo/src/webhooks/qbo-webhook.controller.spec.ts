import { createHmac } from 'node:crypto';

import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppLogger, createRootLogger, PlatformModule } from '@qbsync/platform';
import express from 'express';

import { type QboConfig } from '../qbo.config';
import { QboChangeFeed, type QboEntityChange } from './qbo-change-feed';
import { QBO_WEBHOOK_PATH, QboWebhookController } from './qbo-webhook.controller';

const VERIFIER_TOKEN = 'webhook-spec-verifier-token';

const legacyBody = JSON.stringify({
  eventNotifications: [
    {
      realmId: '1185883450',
      dataChangeEvent: {
        entities: [
          {
            name: 'Customer',
            id: '1',
            operation: 'Create',
            lastUpdated: '2015-10-05T14:42:19-0700',
          },
          {
            name: 'Account',
            id: '33',
            operation: 'Update',
            lastUpdated: '2015-10-05T14:42:19-0700',
          },
        ],
      },
    },
  ],
});

const cloudEventsBody = JSON.stringify([
  {
    specversion: '1.0',
    id: '88cd52a4-5d2f-4b9a-9d7c-1f0ec9f3d8e2',
    source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
    type: 'qbo.paymentmethod.updated.v1',
    datacontenttype: 'application/json',
    time: '2025-09-10T21:31:25.179Z',
    intuitentityid: '5',
    intuitaccountid: '310687',
    data: {},
  },
]);

function sign(body: string, token = VERIFIER_TOKEN): string {
  return createHmac('sha256', token).update(body).digest('base64');
}

describe(QboWebhookController.name, () => {
  let app: INestApplication;
  let url: string;
  let received: QboEntityChange[][];

  async function startApp(verifierToken: string | undefined): Promise<INestApplication> {
    const logger = new AppLogger(createRootLogger('webhook-spec', 'silent'));
    const config = { QBO_WEBHOOK_VERIFIER_TOKEN: verifierToken } as QboConfig;

    @Module({
      imports: [PlatformModule.forRoot({ config, logger })],
      controllers: [QboWebhookController],
      providers: [QboChangeFeed],
    })
    class WebhookTestModule {}

    const created = await NestFactory.create(WebhookTestModule, {
      logger: false,
      bodyParser: false,
    });

    // The service bootstrap passes the same path through express.raw (rawBodyRoutes).
    created.use(QBO_WEBHOOK_PATH, express.raw({ type: () => true }));
    await created.listen(0, '127.0.0.1');
    created.get(QboChangeFeed).subscribe((changes) => received.push(changes));

    return created;
  }

  function post(body: string, signature?: string) {
    return fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(signature === undefined ? {} : { 'intuit-signature': signature }),
      },
      body,
    });
  }

  beforeAll(async () => {
    app = await startApp(VERIFIER_TOKEN);
    url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}${QBO_WEBHOOK_PATH}`;
  });

  beforeEach(() => {
    received = [];
  });

  afterAll(async () => {
    await app?.close();
  });

  it('accepts a signed legacy notification', async () => {
    const response = await post(legacyBody, sign(legacyBody));

    expect(response.status).toBe(200);
    expect(received).toEqual([
      [
        expect.objectContaining({
          realmId: '1185883450',
          entity: 'Customer',
          id: '1',
          operation: 'Create',
        }),
        expect.objectContaining({
          realmId: '1185883450',
          entity: 'Account',
          id: '33',
          operation: 'Update',
        }),
      ],
    ]);
  });

  it('accepts signed CloudEvents', async () => {
    const response = await post(cloudEventsBody, sign(cloudEventsBody));

    expect(response.status).toBe(200);
    expect(received).toEqual([
      [
        expect.objectContaining({
          realmId: '310687',
          entity: 'PaymentMethod',
          id: '5',
          operation: 'Update',
        }),
      ],
    ]);
  });

  it('rejects a wrong signature', async () => {
    const response = await post(cloudEventsBody, sign(cloudEventsBody, 'another-token'));

    expect(response.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('rejects a missing signature', async () => {
    expect((await post(cloudEventsBody)).status).toBe(401);
  });

  it('rejects a body changed after signing', async () => {
    const response = await post(legacyBody.replace('"33"', '"34"'), sign(legacyBody));

    expect(response.status).toBe(401);
  });

  it('rejects a signed body of another shape', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const response = await post(body, sign(body));

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(
      'eventNotifications',
    );
  });

  it('drops a repeated delivery', async () => {
    const body = JSON.stringify({
      eventNotifications: [
        {
          realmId: '42',
          dataChangeEvent: {
            entities: [
              { name: 'Term', id: '3', operation: 'Update', lastUpdated: '2026-01-01T10:00:00Z' },
            ],
          },
        },
      ],
    });

    await post(body, sign(body));
    const second = await post(body, sign(body));

    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ accepted: 0 });
    expect(received.flat()).toHaveLength(1);
  });

  it('is off without a verifier token', async () => {
    const off = await startApp(undefined);
    const offUrl = `${(await off.getUrl()).replace('[::1]', '127.0.0.1')}${QBO_WEBHOOK_PATH}`;
    const response = await fetch(offUrl, { method: 'POST', body: legacyBody });

    await off.close();
    expect(response.status).toBe(503);
  });
});

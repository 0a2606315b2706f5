import { Controller, Get, type INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, loadConfig } from '@qbsync/platform';
import request from 'supertest';

import { gatewayConfigSchema } from '../gateway.config';
import { ApiTokenGuard } from './api-token.guard';

const API_TOKEN = '6f1c3b9e2a7d4c8f0b5e1a9d3c7f2b6e';

@Controller('probe')
@UseGuards(ApiTokenGuard)
class ProbeController {
  @Get()
  probe(): { ok: true } {
    return { ok: true };
  }
}

describe(ApiTokenGuard.name, () => {
  let app: INestApplication;

  beforeAll(async () => {
    const config = loadConfig(gatewayConfigSchema, {
      NATS_URL: 'nats://127.0.0.1:4222',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/qbsync',
      GATEWAY_API_TOKEN: API_TOKEN,
      QBO_CLIENT_ID: 'client-id',
    });
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [ApiTokenGuard, { provide: APP_CONFIG, useValue: config }],
    }).compile();

    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  function probe(authorization?: string) {
    const call = request(app.getHttpServer()).get('/probe');

    return authorization === undefined ? call : call.set('Authorization', authorization);
  }

  describe('canActivate', () => {
    it('lets a request with the token through', async () => {
      await probe(`Bearer ${API_TOKEN}`).expect(200, { ok: true });
    });

    it('rejects a request without a header', async () => {
      await probe().expect(401);
    });

    it('tells the caller which header to send', async () => {
      const response = await probe().expect(401);

      expect(response.body.message).toBe(
        'missing or invalid bearer token: send Authorization: Bearer <GATEWAY_API_TOKEN>',
      );
    });

    it('rejects a wrong token of the same length', async () => {
      const wrong = API_TOKEN.replace(/.$/, API_TOKEN.endsWith('0') ? '1' : '0');

      await probe(`Bearer ${wrong}`).expect(401);
    });

    it('rejects a shorter token', async () => {
      await probe(`Bearer ${API_TOKEN.slice(0, -1)}`).expect(401);
    });

    it('rejects a longer token', async () => {
      await probe(`Bearer ${API_TOKEN}0`).expect(401);
    });

    it('rejects the token without the Bearer scheme', async () => {
      await probe(API_TOKEN).expect(401);
    });

    it('rejects the token under the Basic scheme', async () => {
      await probe(`Basic ${API_TOKEN}`).expect(401);
    });

    it('rejects an empty bearer token', async () => {
      await probe('Bearer ').expect(401);
    });
  });
});

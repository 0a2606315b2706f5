import mongoose from 'mongoose';
import { connect } from 'nats';

import { withInfrastructure } from '../src';

describe('withInfrastructure', () => {
  const infra = withInfrastructure();
  let errorBeforeStart: unknown;

  try {
    void infra.natsUrl;
  } catch (error) {
    errorBeforeStart = error;
  }

  it('rejects access before beforeAll', () => {
    expect(errorBeforeStart).toBeInstanceOf(Error);
    expect((errorBeforeStart as Error).message).toContain('The infrastructure is not running');
  });

  it('provides a reachable MongoDB URI', async () => {
    const connection = await mongoose.createConnection(infra.mongoUri).asPromise();

    try {
      const pong = await connection.db!.admin().ping();

      expect(pong.ok).toBe(1);
    } finally {
      await connection.close();
    }
  });

  it('provides a reachable NATS URL', async () => {
    const nc = await connect({ servers: infra.natsUrl });

    try {
      await expect(nc.flush()).resolves.toBeUndefined();
    } finally {
      await nc.close();
    }
  });

  it('exposes both servers', () => {
    expect(infra.current.natsUrl).toBe(infra.natsUrl);
    expect(infra.current.ferretDb.uri).toBe(infra.mongoUri);
  });
});

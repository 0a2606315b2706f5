import { existsSync } from 'node:fs';

import mongoose from 'mongoose';
import { AckPolicy, connect, StringCodec } from 'nats';

import { isPortFree, runningServers, startInfrastructure } from '../src';
import { isProcessAlive } from '../src/processes';

describe('startInfrastructure', () => {
  it('serves MongoDB and JetStream, then frees its ports', async () => {
    const infra = await startInfrastructure();
    const natsPid = infra.nats.pid!;
    const ferretDbPid = infra.ferretDb.pid!;

    expect(infra.natsUrl).toBe(`nats://127.0.0.1:${infra.nats.port}`);
    expect(infra.mongoUri).toBe(`mongodb://127.0.0.1:${infra.ferretDb.port}/qbsync`);

    const connection = await mongoose.createConnection(infra.mongoUri).asPromise();

    try {
      const Order = connection.model(
        'Order',
        new mongoose.Schema({ orderId: String, total: String }),
      );

      await Order.create({ orderId: '450789469', total: '598.94' });

      const stored = await Order.findOne({ orderId: '450789469' }).lean();

      expect(stored?.total).toBe('598.94');
    } finally {
      await connection.close();
    }

    const nc = await connect({ servers: infra.natsUrl });

    try {
      const codec = StringCodec();
      const jsm = await nc.jetstreamManager();

      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      await jsm.consumers.add('ORDERS', { durable_name: 'reader', ack_policy: AckPolicy.Explicit });

      const ack = await nc.jetstream().publish('orders.created', codec.encode('450789469'));

      expect(ack.stream).toBe('ORDERS');
      expect(ack.seq).toBe(1);

      const consumer = await nc.jetstream().consumers.get('ORDERS', 'reader');
      const message = await consumer.next({ expires: 5_000 });

      expect(message).not.toBeNull();
      expect(message!.subject).toBe('orders.created');
      expect(codec.decode(message!.data)).toBe('450789469');
      message!.ack();
    } finally {
      await nc.close();
    }

    await infra.stop();

    expect(await isPortFree(infra.nats.port)).toBe(true);
    expect(await isPortFree(infra.ferretDb.port)).toBe(true);
    expect(isProcessAlive(natsPid)).toBe(false);
    expect(isProcessAlive(ferretDbPid)).toBe(false);
    expect(existsSync(infra.nats.storeDir)).toBe(false);
    expect(existsSync(infra.ferretDb.dataDir)).toBe(false);
    expect(runningServers()).toHaveLength(0);
  });

  it('isolates parallel instances', async () => {
    const first = await startInfrastructure();
    const second = await startInfrastructure();

    try {
      expect(second.nats.port).not.toBe(first.nats.port);
      expect(second.ferretDb.port).not.toBe(first.ferretDb.port);
      expect(second.nats.storeDir).not.toBe(first.nats.storeDir);

      const nc = await connect({ servers: first.natsUrl });
      const jsm = await nc.jetstreamManager();

      await jsm.streams.add({ name: 'ONLY_FIRST', subjects: ['first.>'] });
      await nc.close();

      const other = await connect({ servers: second.natsUrl });
      const otherStreams = await (await other.jetstreamManager()).streams.names().next();

      expect(otherStreams).toEqual([]);
      await other.close();
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }

    expect(await isPortFree(first.nats.port)).toBe(true);
    expect(await isPortFree(second.nats.port)).toBe(true);
  });

  it('stop is idempotent', async () => {
    const infra = await startInfrastructure();

    await infra.stop();
    await expect(infra.stop()).resolves.toBeUndefined();
  });
});

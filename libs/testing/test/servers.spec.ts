import { readGreeting } from '../src/probes';
import { isPortFree, runningServers, startFerretDb, startNatsServer } from '../src';

describe('startNatsServer', () => {
  it('enables JetStream by default', async () => {
    const server = await startNatsServer();

    try {
      const greeting = await readGreeting(server.port);

      expect(greeting).toMatch(/^INFO /);
      expect(greeting).toContain('"jetstream":true');
    } finally {
      await server.stop();
    }
  });

  it('starts without JetStream when disabled', async () => {
    const server = await startNatsServer({ jetStream: false });

    try {
      const greeting = await readGreeting(server.port);

      expect(greeting).toMatch(/^INFO /);
      expect(greeting).not.toContain('"jetstream":true');
    } finally {
      await server.stop();
    }
  });

  it('reports a clash on a fixed port', async () => {
    const first = await startNatsServer();

    try {
      await expect(startNatsServer({ port: first.port, startTimeoutMs: 10_000 })).rejects.toThrow(
        /nats-server exited during startup on port \d+[\s\S]*address already in use/,
      );
    } finally {
      await first.stop();
    }
    expect(await isPortFree(first.port)).toBe(true);
  });

  it('rejects a missing custom binary', async () => {
    await expect(startNatsServer({ binary: '/nonexistent/nats-server' })).rejects.toThrow(
      'Server binary not found or not executable: /nonexistent/nats-server',
    );
  });
});

describe('startFerretDb', () => {
  it('uses the requested database name', async () => {
    const server = await startFerretDb({ databaseName: 'orders_test' });

    try {
      expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/orders_test`);
      expect(server.databaseName).toBe('orders_test');
    } finally {
      await server.stop();
    }
    expect(await isPortFree(server.port)).toBe(true);
  });

  it('reports a clash on a fixed port', async () => {
    const first = await startFerretDb();

    try {
      await expect(startFerretDb({ port: first.port, startTimeoutMs: 10_000 })).rejects.toThrow(
        /ferretdb exited during startup on port \d+[\s\S]*address already in use/,
      );
      expect(runningServers()).toHaveLength(1);
    } finally {
      await first.stop();
    }
    expect(await isPortFree(first.port)).toBe(true);
  });

  it('rejects an invalid database name', async () => {
    await expect(startFerretDb({ databaseName: 'a/b' })).rejects.toThrow(
      'Invalid databaseName "a/b"',
    );
  });
});

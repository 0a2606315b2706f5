import net from 'node:net';

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago, found by listening on port 0. Another
 * process can still take it before the caller binds it, so servers started on it retry on a clash.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  const address = server.address() as net.AddressInfo;

  await new Promise<void>((resolve) => server.close(() => resolve()));

  return address.port;
}

/** Checks whether a TCP port on 127.0.0.1 can be bound, by listening on it and closing again. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = net.createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });

  if (listening) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return listening;
}

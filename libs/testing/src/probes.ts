import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';

const PROBE_TIMEOUT_MS = 1_000;

/** Resolves true when a TCP connection to 127.0.0.1:port succeeds. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });

    socket.setTimeout(PROBE_TIMEOUT_MS);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves with the first line a server sends after the connection opens, or undefined when
 * the connection fails or nothing arrives within 1 s. A NATS server sends `INFO {json}`.
 */
export function readGreeting(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';

    const finish = (line: string | undefined): void => {
      socket.destroy();
      resolve(line);
    };

    socket.setEncoding('utf8');
    socket.setTimeout(PROBE_TIMEOUT_MS);
    socket.on('data', (chunk: string) => {
      received += chunk;

      const end = received.indexOf('\r\n');

      if (end >= 0) {
        finish(received.slice(0, end));
      }
    });
    socket.once('timeout', () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('end', () => finish(undefined));
  });
}

/**
 * Checks on Linux whether the process owns a listening TCP socket on the port, by matching the
 * socket inodes in /proc/<pid>/fd against the LISTEN entries of /proc/net/tcp and tcp6. This
 * distinguishes a started server from another process that took the port first. Resolves
 * undefined where /proc is not available.
 */
export async function listensOn(pid: number, port: number): Promise<boolean | undefined> {
  let fds: string[];

  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self')
      ? false
      : undefined;
  }

  const inodes = new Set<string>();

  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);

    if (match) {
      inodes.add(match[1]);
    }
  }

  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');

    for (const line of text.split('\n').slice(1)) {
      if (isListeningEntry(line.trim().split(/\s+/), port, inodes)) {
        return true;
      }
    }
  }

  return false;
}

const TCP_LISTEN_STATE = '0A';

/** Reads a /proc/net/tcp row: local address "IP:PORT" in hex, state, ..., inode in column 10. */
function isListeningEntry(fields: string[], port: number, inodes: Set<string>): boolean {
  if (fields.length < 10) {
    return false;
  }

  const localPort = Number.parseInt(fields[1].split(':')[1] ?? '', 16);

  return localPort === port && fields[3] === TCP_LISTEN_STATE && inodes.has(fields[9]);
}

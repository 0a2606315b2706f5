import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** Maximum time to wait in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Pause between two calls of the predicate in milliseconds (default 100). */
  intervalMs?: number;
  /** Awaited condition for the timeout message, such as "the order in MongoDB". */
  description?: string;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Calls `predicate` until it returns a truthy value and resolves with that value. A predicate
 * that throws counts as not satisfied yet, and its last error is part of the timeout error.
 * Throws when `timeoutMs` passes, also while a slow predicate call is still pending (that call
 * goes on in the background).
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Truthy<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 100;
  const description = options.description ?? 'the condition';
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;

  for (;;) {
    const remainingMs = deadline - Date.now();
    const attempt = await callWithin(predicate, Math.max(remainingMs, 0));

    if (attempt.kind === 'value' && attempt.value) {
      return attempt.value as Truthy<T>;
    }
    if (attempt.kind === 'error') {
      lastError = attempt.error;
    }

    const waitMs = Math.min(intervalMs, deadline - Date.now());

    if (waitMs <= 0) {
      throw new Error(timeoutMessage(description, timeoutMs, lastError));
    }
    await sleep(waitMs);
  }
}

type Attempt<T> =
  { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'pending' };

async function callWithin<T>(
  predicate: () => T | Promise<T>,
  limitMs: number,
): Promise<Attempt<T>> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Attempt<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'pending' }), limitMs);
  });
  const call = (async (): Promise<Attempt<T>> => {
    try {
      return { kind: 'value', value: await predicate() };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();

  try {
    return await Promise.race([call, pending]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutMessage(description: string, timeoutMs: number, lastError: unknown): string {
  const message = `Timed out after ${timeoutMs} ms waiting for ${description}`;

  if (lastError === undefined) {
    return message;
  }

  const reason = lastError instanceof Error ? lastError.message : String(lastError);

  return `${message}; the last attempt failed with: ${reason}`;
}

/**
 * Deterministic payload mutations for the channel fuzz tests: every run with the same seed feeds
 * the same malformed payloads, so a failure reproduces.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** Returns a float in [0, 1) from a 32-bit xorshift generator. */
  next(): number {
    let x = this.state;

    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;

    return this.state / 0x100000000;
  }

  integer(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.integer(values.length)];
  }
}

const ODD_VALUES: readonly unknown[] = [
  null,
  undefined,
  '',
  ' ',
  -1,
  0,
  1.5,
  -0.01,
  1e21,
  Number.MAX_SAFE_INTEGER,
  '12.345',
  '-5.00',
  'abc',
  'NaN',
  'XYZ',
  true,
  [],
  {},
  [null],
  '2024-13-45T99:99:99Z',
  '1'.repeat(40),
];

/** Returns a deep copy of `payload` with one field deleted, retyped or set to an odd value. */
export function mutatePayload(payload: unknown, random: SeededRandom): unknown {
  const copy = structuredClone(payload);
  const paths = collectPaths(copy);

  if (paths.length === 0) {
    return random.pick(ODD_VALUES);
  }

  const path = random.pick(paths);
  const parent = path
    .slice(0, -1)
    .reduce<unknown>(
      (node, key) => (node as Record<string | number, unknown>)[key],
      copy,
    ) as Record<string | number, unknown>;
  const key = path[path.length - 1];

  if (random.next() < 0.25 && !Array.isArray(parent)) {
    delete parent[key];
  } else {
    parent[key] = random.pick(ODD_VALUES);
  }

  return copy;
}

/** Returns JSON text of `payload` cut at a random point, as a truncated delivery would be. */
export function truncateJson(payload: unknown, random: SeededRandom): string {
  const text = JSON.stringify(payload);

  return text.slice(0, 1 + random.integer(Math.max(1, text.length - 1)));
}

/** Returns random bytes, some printable and some not. */
export function randomBytes(random: SeededRandom, maxLength = 256): Buffer {
  const length = random.integer(maxLength);
  const bytes = Buffer.alloc(length);

  for (let index = 0; index < length; index += 1) {
    bytes[index] = random.integer(256);
  }

  return bytes;
}

/** Flips one byte of `body`, as a tampered or corrupted delivery would carry. */
export function flipByte(body: Buffer, random: SeededRandom): Buffer {
  const copy = Buffer.from(body);

  if (copy.length > 0) {
    const index = random.integer(copy.length);

    copy[index] = copy[index] ^ (1 + random.integer(255));
  }

  return copy;
}

function collectPaths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof node !== 'object' || node === null) {
    return [];
  }

  const entries: [string | number, unknown][] = Array.isArray(node)
    ? node.map((value, index) => [index, value])
    : Object.entries(node);

  return entries.flatMap(([key, value]) => {
    const path = [...prefix, key];

    return [path, ...collectPaths(value, path)];
  });
}

/** Result of a fuzz run: how many inputs were rejected or accepted, and anything that crashed. */
export interface FuzzSummary {
  rejected: number;
  accepted: number;
  /** Inputs that threw something other than the expected payload error, with the error. */
  crashes: { input: unknown; error: string }[];
  /** Accepted results that the contract check refused, with its message. */
  invalidAccepted: { input: unknown; error: string }[];
}

export interface FuzzOptions<T> {
  samples: readonly unknown[];
  /** The normaliser under test. */
  normalise(payload: unknown): T;
  /** Returns undefined for a valid result, else what is wrong with it. */
  check(result: T): string | undefined;
  /** The error class a rejection must use. */
  rejection: abstract new (...args: never[]) => Error;
  iterations: number;
  seed: number;
}

/**
 * Feeds mutated samples, random values and truncated JSON to a normaliser and records every
 * outcome that is neither a clean rejection nor a result that passes `check`.
 */
export function fuzzNormaliser<T>(options: FuzzOptions<T>): FuzzSummary {
  const random = new SeededRandom(options.seed);
  const summary: FuzzSummary = { rejected: 0, accepted: 0, crashes: [], invalidAccepted: [] };

  for (let iteration = 0; iteration < options.iterations; iteration += 1) {
    const sample = random.pick(options.samples);
    const input = pickInput(sample, random, iteration);

    try {
      const result = options.normalise(input);
      const problem = options.check(result);

      summary.accepted += 1;

      if (problem !== undefined) {
        summary.invalidAccepted.push({ input, error: problem });
      }
    } catch (error) {
      if (error instanceof options.rejection) {
        summary.rejected += 1;
      } else {
        summary.crashes.push({ input, error: String((error as Error)?.stack ?? error) });
      }
    }
  }

  return summary;
}

function pickInput(sample: unknown, random: SeededRandom, iteration: number): unknown {
  switch (iteration % 8) {
    case 0:
      return random.pick(ODD_VALUES);
    case 1:
      return randomBytes(random, 64).toString('latin1');
    default: {
      let mutated = mutatePayload(sample, random);

      // Several mutations at once reach combinations a single one cannot.
      for (let extra = random.integer(3); extra > 0; extra -= 1) {
        mutated = mutatePayload(mutated, random);
      }

      return mutated;
    }
  }
}

import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repository's `fixtures` folder, computed from this file, which sits two levels below the
 * package root both as `src/channel-support` and as `dist/channel-support`. Only tests and the
 * connector benchmark read it; a deployed connector never does.
 */
export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'fixtures');

/** A parsed fixture, typed loosely so tests can reach into and alter any channel field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures of many channel shapes
export type FixtureJson = Record<string, any>;

/** Reads and parses one JSON fixture, such as `woocommerce/order-create.json`. */
export function readJsonFixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, relativePath), 'utf8')) as unknown;
}

/** Reads one text fixture, such as a tab-separated settlement report. */
export function readTextFixture(relativePath: string): string {
  return readFileSync(path.join(FIXTURES_DIR, relativePath), 'utf8');
}

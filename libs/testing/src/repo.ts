import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let cachedRepoRoot: string | undefined;

/**
 * Finds the monorepo root: the nearest folder above this module whose package.json declares
 * npm workspaces. The result is cached.
 */
export function repoRoot(): string {
  if (cachedRepoRoot !== undefined) {
    return cachedRepoRoot;
  }

  let dir = __dirname;

  for (;;) {
    if (declaresWorkspaces(path.join(dir, 'package.json'))) {
      cachedRepoRoot = dir;

      return dir;
    }

    const parent = path.dirname(dir);

    if (parent === dir) {
      throw new Error(
        `Cannot find the repository root: no package.json with "workspaces" above ${__dirname}`,
      );
    }
    dir = parent;
  }
}

function declaresWorkspaces(manifestPath: string): boolean {
  if (!existsSync(manifestPath)) {
    return false;
  }

  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { workspaces?: unknown };

  return manifest.workspaces !== undefined;
}

/** Resolves a path inside `<repo>/fixtures/`, rejecting paths that lead outside that folder. */
export function fixturePath(relativePath: string): string {
  const fixturesDir = path.join(repoRoot(), 'fixtures');
  const resolved = path.resolve(fixturesDir, relativePath);

  if (!resolved.startsWith(fixturesDir + path.sep)) {
    throw new Error(`Fixture path "${relativePath}" is outside ${fixturesDir}`);
  }

  return resolved;
}

/** Reads and parses a JSON file from `<repo>/fixtures/`. The type parameter is not checked. */
export function loadFixture<T = unknown>(relativePath: string): T {
  const file = fixturePath(relativePath);
  let text: string;

  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`Fixture not found: ${file}`);
    }
    throw error;
  }

  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`Fixture ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

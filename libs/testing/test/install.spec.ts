import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { compileLibrary } from './compiled-library';

// Each test builds a throwaway repository: a root package.json with workspaces, a stand-in
// scripts/infra that counts its runs, and the compiled library in libs/testing/dist, where
// repoRoot() finds that root. The real .tools/bin is never touched.
let fakeRepo: string;
let libraryEntry: string;

beforeEach(() => {
  fakeRepo = mkdtempSync(path.join(os.tmpdir(), 'qbsync-fake-repo-'));
  writeFileSync(path.join(fakeRepo, 'package.json'), '{ "workspaces": ["libs/*"] }\n');
  mkdirSync(path.join(fakeRepo, 'scripts'));
  libraryEntry = compileLibrary(path.join(fakeRepo, 'libs', 'testing', 'dist'));
});

afterEach(() => {
  rmSync(fakeRepo, { recursive: true, force: true });
});

/** Writes a stand-in install script that appends to install.count and runs `body`. */
function writeInstallScript(body: string): void {
  const script = path.join(fakeRepo, 'scripts', 'infra');

  writeFileSync(
    script,
    `#!/usr/bin/env bash
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
echo run >>"$root/install.count"
${body}
`,
  );
  chmodSync(script, 0o755);
}

const CREATE_BINARIES = `sleep 1
mkdir -p "$root/.tools/bin"
for name in nats-server ferretdb; do
  printf '#!/bin/sh\\n' >"$root/.tools/bin/$name"
  chmod +x "$root/.tools/bin/$name"
done`;

/** Runs ensureBinaries() for both tools in a separate Node process. */
function ensureInChild(): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { ensureBinaries, toolPath } = require(${JSON.stringify(libraryEntry)});
    ensureBinaries([toolPath('nats-server'), toolPath('ferretdb')]).catch((error) => {
      process.stderr.write(error.message);
      process.exit(1);
    });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';

  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

function installRuns(): number {
  const countFile = path.join(fakeRepo, 'install.count');

  return existsSync(countFile) ? readFileSync(countFile, 'utf8').trim().split('\n').length : 0;
}

describe('ensureBinaries', () => {
  it('installs once for parallel processes', async () => {
    writeInstallScript(CREATE_BINARIES);

    const results = await Promise.all([ensureInChild(), ensureInChild(), ensureInChild()]);

    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(installRuns()).toBe(1);
    expect(existsSync(path.join(fakeRepo, '.tools', 'install.lock'))).toBe(false);
  });

  it('skips the install when binaries exist', async () => {
    writeInstallScript(CREATE_BINARIES);
    await ensureInChild();

    const again = await ensureInChild();

    expect(again.code).toBe(0);
    expect(installRuns()).toBe(1);
  });

  it('names the command when the install fails', async () => {
    writeInstallScript('echo "go: module lookup disabled" >&2; exit 3');

    const result = await ensureInChild();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`"${path.join(fakeRepo, 'scripts', 'infra')} install" failed`);
    expect(result.stderr).toContain('exit code 3');
    expect(result.stderr).toContain('go: module lookup disabled');
  });

  it('replaces a stale lock', async () => {
    writeInstallScript(CREATE_BINARIES);
    mkdirSync(path.join(fakeRepo, '.tools'));
    // No process has pid 2^22 + 1: Linux caps pids at 2^22.
    writeFileSync(path.join(fakeRepo, '.tools', 'install.lock'), `${2 ** 22 + 1}\n`);

    const result = await ensureInChild();

    expect(result.code).toBe(0);
    expect(installRuns()).toBe(1);
  });
});

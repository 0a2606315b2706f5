import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startNatsServer, toolPath, waitFor } from '../src';
import { isProcessAlive } from '../src/processes';
import { compileLibrary } from './compiled-library';

let libraryDir: string;
let libraryEntry: string;

beforeAll(() => {
  libraryDir = mkdtempSync(path.join(os.tmpdir(), 'qbsync-testing-lib-'));
  libraryEntry = compileLibrary(libraryDir);
});

afterAll(() => {
  rmSync(libraryDir, { recursive: true, force: true });
});

interface ChildReport {
  pid: number;
  storeDir: string;
}

/**
 * Runs a Node process that starts nats-server through the library, prints its pid and store
 * folder as JSON, and then runs `ending` instead of stop().
 */
async function runChild(ending: string): Promise<{ report: ChildReport; exited: Promise<void> }> {
  const script = `
    const { startNatsServer } = require(${JSON.stringify(libraryEntry)});
    startNatsServer({ binary: ${JSON.stringify(toolPath('nats-server'))} }).then((server) => {
      console.log(JSON.stringify({ pid: server.pid, storeDir: server.storeDir }));
      ${ending}
    });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));

  const line = await waitFor(() => stdout.split('\n').find((text) => text.startsWith('{')), {
    timeoutMs: 30_000,
    description: 'the child process to report the nats-server pid',
  });

  return { report: JSON.parse(line) as ChildReport, exited };
}

async function waitForExit(pid: number): Promise<void> {
  await waitFor(() => !isProcessAlive(pid), { timeoutMs: 5_000, description: `pid ${pid} to end` });
}

/** Starts and stops a server, which removes the temp folders of ended test processes. */
async function sweepAbandonedTempDirs(): Promise<void> {
  const server = await startNatsServer();

  await server.stop();
}

describe('server cleanup on process end', () => {
  it('kills servers on process exit', async () => {
    const { report, exited } = await runChild('process.exit(0);');

    await exited;
    await waitForExit(report.pid);
    expect(existsSync(report.storeDir)).toBe(false);
  });

  it('kills servers when the process is killed', async () => {
    const { report, exited } = await runChild(
      `setInterval(() => undefined, 1000); process.kill(process.pid, 'SIGKILL');`,
    );

    await exited;
    await waitForExit(report.pid);
    expect(existsSync(report.storeDir)).toBe(true);
    await sweepAbandonedTempDirs();
    expect(existsSync(report.storeDir)).toBe(false);
  });

  it('does not keep the process alive', async () => {
    const { report, exited } = await runChild('');

    await waitFor(() => exited.then(() => true), {
      timeoutMs: 10_000,
      description: 'the child process to exit by itself',
    });
    await waitForExit(report.pid);
  });

  it('kills servers a Jest test file leaves running', async () => {
    const reportFile = path.join(libraryDir, 'leak-report.json');
    const jest = spawn(
      process.execPath,
      [
        require.resolve('jest/bin/jest'),
        '--roots',
        '<rootDir>/test/fixtures',
        '--testMatch',
        '**/*.fixture.ts',
      ],
      {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, LEAK_REPORT_FILE: reportFile },
        stdio: 'ignore',
      },
    );
    const code = await new Promise<number | null>((resolve) => jest.once('close', resolve));

    expect(code).toBe(0);

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChildReport;

    await waitForExit(report.pid);
    await sweepAbandonedTempDirs();
    expect(existsSync(report.storeDir)).toBe(false);
  });
});

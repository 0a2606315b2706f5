import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { fixturePath, freePort, isPortFree, loadFixture, repoRoot, waitFor } from '../src';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `call ${calls}` : undefined), {
      intervalMs: 5,
    });

    expect(value).toBe('call 3');
  });

  it('names the awaited condition on timeout', async () => {
    await expect(
      waitFor(() => false, { timeoutMs: 50, intervalMs: 10, description: 'the order document' }),
    ).rejects.toThrow('Timed out after 50 ms waiting for the order document');
  });

  it('reports the last predicate error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 50, intervalMs: 10 },
      ),
    ).rejects.toThrow('the last attempt failed with: connection refused');
  });

  it('times out on a hanging predicate', async () => {
    const started = Date.now();

    await expect(
      waitFor(() => new Promise<boolean>(() => undefined), { timeoutMs: 100 }),
    ).rejects.toThrow('Timed out after 100 ms waiting for the condition');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('freePort', () => {
  it('returns a bindable port', async () => {
    const port = await freePort();

    expect(port).toBeGreaterThan(0);
    expect(await isPortFree(port)).toBe(true);
  });
});

describe('repoRoot', () => {
  it('finds the workspace root', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));

    expect(manifest.workspaces).toContain('libs/*');
    expect(existsSync(path.join(repoRoot(), 'scripts', 'infra'))).toBe(true);
  });
});

describe('fixtures', () => {
  it('loads a Shopify fixture', () => {
    const fixture = loadFixture<{ request: { method: string; url: string } }>(
      'shopify/customer-2026_07-01-get.json',
    );

    expect(fixture.request.method).toBe('GET');
    expect(fixture.request.url).toContain('customers');
  });

  it('resolves paths inside fixtures', () => {
    expect(fixturePath('qbo/xsd/Finance.xsd')).toBe(
      path.join(repoRoot(), 'fixtures', 'qbo', 'xsd', 'Finance.xsd'),
    );
  });

  it('rejects paths outside fixtures', () => {
    expect(() => fixturePath('../package.json')).toThrow('is outside');
  });

  it('names a missing fixture', () => {
    expect(() => loadFixture('shopify/missing.json')).toThrow(
      `Fixture not found: ${path.join(repoRoot(), 'fixtures', 'shopify', 'missing.json')}`,
    );
  });
});

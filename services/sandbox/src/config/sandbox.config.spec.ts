import { DEFAULT_FIXTURES_DIR, loadSandboxConfig, SandboxConfigError } from './sandbox.config';

describe('loadSandboxConfig', () => {
  it('applies the defaults', () => {
    expect(loadSandboxConfig({})).toEqual({
      port: 4010,
      host: '127.0.0.1',
      qboClientId: 'sandbox-client-id',
      qboClientSecret: 'sandbox-client-secret',
      fixturesDir: DEFAULT_FIXTURES_DIR,
    });
  });

  it('reads the variables', () => {
    const config = loadSandboxConfig({
      SANDBOX_PORT: '5000',
      SANDBOX_HOST: 'localhost',
      SANDBOX_QBO_CLIENT_ID: 'id',
      SANDBOX_QBO_CLIENT_SECRET: 'secret',
      SANDBOX_FIXTURES_DIR: DEFAULT_FIXTURES_DIR,
    });

    expect(config).toMatchObject({
      port: 5000,
      host: 'localhost',
      qboClientId: 'id',
      qboClientSecret: 'secret',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadSandboxConfig({ SANDBOX_PORT: '' }).port).toBe(4010);
  });

  it.each([
    ['SANDBOX_PORT', 'abc'],
    ['SANDBOX_PORT', '70000'],
    ['SANDBOX_HOST', 'bad host!'],
    ['SANDBOX_FIXTURES_DIR', '/nonexistent/fixtures'],
  ])('names the invalid variable %s=%s', (variable, value) => {
    expect(() => loadSandboxConfig({ [variable]: value })).toThrow(SandboxConfigError);
    expect(() => loadSandboxConfig({ [variable]: value })).toThrow(`${variable}="${value}"`);
  });
});

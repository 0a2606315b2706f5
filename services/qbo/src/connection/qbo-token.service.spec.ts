import { randomBytes, randomInt, randomUUID } from 'node:crypto';

import { Test } from '@nestjs/testing';
import { AppLogger, createRootLogger, loadConfig, PlatformModule } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import {
  advanceClock,
  authorize,
  REDIRECT_URI,
  resetClock,
  revokeGrant,
  type RunningSandbox,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startSandbox,
} from '../../test/sandbox';
import { ExclusiveClaimRepository } from '../common/exclusive-claim.repository';
import { type QboConfig, qboConfigSchema } from '../qbo.config';
import { QboConnectionRepository, type QboTokens } from './qbo-connection.repository';
import { QboReconnectNeededError, QboTokenService } from './qbo-token.service';

/** One replica of the qbo service: its own providers over the shared database. */
interface Replica {
  tokens: QboTokenService;
  connections: QboConnectionRepository;
}

interface ConnectedAccount {
  accountId: string;
  realmId: string;
  tokens: QboTokens;
}

describe(QboTokenService.name, () => {
  const infra = withInfrastructure();
  const logger = new AppLogger(createRootLogger('qbo-token-spec', 'silent'));
  let sandbox: RunningSandbox;
  let database: Connection;
  let config: QboConfig;
  let replica: Replica;

  beforeAll(async () => {
    sandbox = await startSandbox();
    database = await openTestDatabase(infra.mongoUri);
    config = loadConfig(qboConfigSchema, {
      NATS_URL: infra.natsUrl,
      MONGODB_URI: infra.mongoUri,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      QBO_CLIENT_ID: SANDBOX_CLIENT_ID,
      QBO_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
      QBO_API_BASE_URL: sandbox.url,
      QBO_TOKEN_URL: sandbox.tokenUrl,
      QBO_REQUEST_TIMEOUT_MS: '5000',
    });
    replica = await createReplica();
    await ensureIndexes(database);
  });

  afterEach(async () => {
    await resetClock(sandbox);
  });

  afterAll(async () => {
    await database?.close();
    await sandbox?.close();
  });

  async function createReplica(overrides: Partial<QboConfig> = {}): Promise<Replica> {
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot({ config: { ...config, ...overrides }, logger, database })],
      providers: [ExclusiveClaimRepository, QboConnectionRepository, QboTokenService],
    }).compile();

    return {
      tokens: moduleRef.get(QboTokenService),
      connections: moduleRef.get(QboConnectionRepository),
    };
  }

  /** Connects a new realm through the code flow and stores the connection. */
  async function connectAccount(): Promise<ConnectedAccount> {
    const accountId = `account-${randomUUID()}`;
    const authorization = await authorize(sandbox, String(randomInt(1e9, 1e10)));
    const tokens = await replica.tokens.exchangeCode(authorization.code, REDIRECT_URI);

    await replica.connections.upsert({
      accountId,
      connectionId: `connection-${randomUUID()}`,
      realmId: authorization.realmId,
      missingItemAction: 'create',
      ...tokens,
    });

    return { accountId, realmId: authorization.realmId, tokens };
  }

  async function readStoredConnection(accountId: string): Promise<Record<string, unknown>> {
    const document = await database.collection('qbo_connections').findOne({ accountId });

    return document as Record<string, unknown>;
  }

  describe('exchangeCode', () => {
    it('returns an access token', async () => {
      const { code } = await authorize(sandbox, '4620816365000000001');
      const tokens = await replica.tokens.exchangeCode(code, REDIRECT_URI);

      expect(tokens.accessToken).toMatch(/^[\w-]{20,}$/);
    });

    it('returns a refresh token', async () => {
      const { code } = await authorize(sandbox, '4620816365000000001');
      const tokens = await replica.tokens.exchangeCode(code, REDIRECT_URI);

      expect(tokens.refreshToken).toMatch(/^[\w-]{20,}$/);
    });

    it('sets the access token to expire in an hour', async () => {
      const { code } = await authorize(sandbox, '4620816365000000001');
      const tokens = await replica.tokens.exchangeCode(code, REDIRECT_URI);
      const secondsLeft = (tokens.accessTokenExpiresAt.getTime() - Date.now()) / 1000;

      expect(Math.round(secondsLeft / 60)).toBe(60);
    });

    it('rejects a code used twice', async () => {
      const { code } = await authorize(sandbox, '4620816365000000001');

      await replica.tokens.exchangeCode(code, REDIRECT_URI);

      await expect(replica.tokens.exchangeCode(code, REDIRECT_URI)).rejects.toThrow(
        /invalid_grant/,
      );
    });

    it('rejects a wrong client secret', async () => {
      const misconfigured = await createReplica({ QBO_CLIENT_SECRET: 'not-the-secret' });
      const { code } = await authorize(sandbox, '4620816365000000001');

      await expect(misconfigured.tokens.exchangeCode(code, REDIRECT_URI)).rejects.toThrow(
        /HTTP 401/,
      );
    });
  });

  describe('refresh', () => {
    it('returns a new access token', async () => {
      const account = await connectAccount();
      const refreshed = await replica.tokens.refresh(account.accountId);

      expect(refreshed.accessToken).not.toBe(account.tokens.accessToken);
    });

    it('rotates the refresh token', async () => {
      const account = await connectAccount();
      const refreshed = await replica.tokens.refresh(account.accountId);

      expect(refreshed.refreshToken).not.toBe(account.tokens.refreshToken);
    });

    it('stores the rotated refresh token', async () => {
      const account = await connectAccount();
      const refreshed = await replica.tokens.refresh(account.accountId);
      const stored = await replica.connections.findByAccountId(account.accountId);

      expect(stored!.refreshToken).toBe(refreshed.refreshToken);
    });

    it('stores the new tokens encrypted', async () => {
      const account = await connectAccount();
      const refreshed = await replica.tokens.refresh(account.accountId);
      const stored = JSON.stringify(await readStoredConnection(account.accountId));

      expect(stored).not.toContain(refreshed.refreshToken);
      expect(stored).not.toContain(refreshed.accessToken);
    });

    it('uses the stored token after the old one expires', async () => {
      const account = await connectAccount();

      await replica.tokens.refresh(account.accountId);
      // The sandbox honours a replaced refresh token for 60 seconds only.
      await advanceClock(sandbox, 120);

      await expect(replica.tokens.refresh(account.accountId)).resolves.toMatchObject({
        status: 'connected',
      });
    });

    it('makes one token request for concurrent refreshes', async () => {
      const account = await connectAccount();
      const before = sandbox.tokenRequests();

      await Promise.all([
        replica.tokens.refresh(account.accountId),
        replica.tokens.refresh(account.accountId),
      ]);

      expect(sandbox.tokenRequests() - before).toBe(1);
    });

    it('gives concurrent callers the same token', async () => {
      const account = await connectAccount();
      const [first, second] = await Promise.all([
        replica.tokens.refresh(account.accountId),
        replica.tokens.refresh(account.accountId),
      ]);

      expect(second.accessToken).toBe(first.accessToken);
    });

    it('makes one token request across two replicas', async () => {
      const account = await connectAccount();
      const otherReplica = await createReplica();
      const before = sandbox.tokenRequests();

      await Promise.all([
        replica.tokens.refresh(account.accountId),
        otherReplica.tokens.refresh(account.accountId),
      ]);

      expect(sandbox.tokenRequests() - before).toBe(1);
    });

    it('gives both replicas the same token', async () => {
      const account = await connectAccount();
      const otherReplica = await createReplica();
      const [first, second] = await Promise.all([
        replica.tokens.refresh(account.accountId),
        otherReplica.tokens.refresh(account.accountId),
      ]);

      expect(second.accessToken).toBe(first.accessToken);
    });

    it('uses the refresh token another replica stored', async () => {
      const account = await connectAccount();
      const otherReplica = await createReplica();

      // The other replica keeps a copy of the connection, then this one rotates the token.
      await otherReplica.connections.findByAccountId(account.accountId);
      await replica.tokens.refresh(account.accountId);
      // The sandbox honours a replaced refresh token for 60 seconds only.
      await advanceClock(sandbox, 120);

      await expect(otherReplica.tokens.refresh(account.accountId)).resolves.toMatchObject({
        status: 'connected',
      });
    });

    it('rejects an account without a connection', async () => {
      await expect(replica.tokens.refresh(`account-${randomUUID()}`)).rejects.toThrow(
        /has no QuickBooks Online connection/,
      );
    });

    it('lets a retry through after a failed request', async () => {
      const account = await connectAccount();
      const misconfigured = await createReplica({ QBO_CLIENT_SECRET: 'not-the-secret' });

      await expect(misconfigured.tokens.refresh(account.accountId)).rejects.toThrow(/HTTP 401/);

      const before = sandbox.tokenRequests();

      await replica.tokens.refresh(account.accountId);

      expect(sandbox.tokenRequests() - before).toBe(1);
    });

    it('keeps the connection usable after a failed request', async () => {
      const account = await connectAccount();
      const misconfigured = await createReplica({ QBO_CLIENT_SECRET: 'not-the-secret' });

      await expect(misconfigured.tokens.refresh(account.accountId)).rejects.toThrow(/HTTP 401/);

      expect(await readStoredConnection(account.accountId)).toMatchObject({ status: 'connected' });
    });
  });

  describe('refresh after invalid_grant', () => {
    let account: ConnectedAccount;
    let error: unknown;

    beforeAll(async () => {
      account = await connectAccount();
      await revokeGrant(sandbox, account.tokens.refreshToken);
      error = await replica.tokens.refresh(account.accountId).catch((caught: unknown) => caught);
    });

    it('throws QboReconnectNeededError', () => {
      expect(error).toBeInstanceOf(QboReconnectNeededError);
    });

    it('names the account in the error', () => {
      expect((error as QboReconnectNeededError).accountId).toBe(account.accountId);
    });

    it('marks the connection reconnect_needed', async () => {
      expect(await readStoredConnection(account.accountId)).toMatchObject({
        status: 'reconnect_needed',
      });
    });

    it('rejects later refreshes without a token request', async () => {
      const before = sandbox.tokenRequests();

      await expect(replica.tokens.refresh(account.accountId)).rejects.toBeInstanceOf(
        QboReconnectNeededError,
      );
      expect(sandbox.tokenRequests()).toBe(before);
    });

    it('is cleared by a new connection', async () => {
      const { code } = await authorize(sandbox, account.realmId);
      const tokens = await replica.tokens.exchangeCode(code, REDIRECT_URI);

      await replica.connections.upsert({
        accountId: account.accountId,
        connectionId: `connection-${randomUUID()}`,
        realmId: account.realmId,
        missingItemAction: 'create',
        ...tokens,
      });

      await expect(replica.tokens.refresh(account.accountId)).resolves.toMatchObject({
        status: 'connected',
      });
    });
  });

  describe('getFreshConnection', () => {
    it('returns a connection far from expiry unchanged', async () => {
      const account = await connectAccount();
      const connection = await replica.connections.findByAccountId(account.accountId);

      await expect(replica.tokens.getFreshConnection(connection!)).resolves.toBe(connection);
    });

    it('makes no token request far from expiry', async () => {
      const account = await connectAccount();
      const connection = await replica.connections.findByAccountId(account.accountId);
      const before = sandbox.tokenRequests();

      await replica.tokens.getFreshConnection(connection!);

      expect(sandbox.tokenRequests()).toBe(before);
    });

    it('refreshes a token that expires within five minutes', async () => {
      const account = await connectAccount();
      const connection = await replica.connections.findByAccountId(account.accountId);
      const expiring = { ...connection!, accessTokenExpiresAt: new Date(Date.now() + 60_000) };

      const fresh = await replica.tokens.getFreshConnection(expiring);

      expect(fresh.accessToken).not.toBe(connection!.accessToken);
    });
  });
});

import { type QboApiClient } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { type QboConnection } from '../connection/qbo-connection.repository';
import { type QboTokenService } from '../connection/qbo-token.service';

/**
 * API access for one company while posting one order: it carries the access token and refreshes it
 * once when QuickBooks returns 401 (a token revoked or expired early).
 */
export class QboSession {
  constructor(
    private connection: QboConnection,
    private readonly client: QboApiClient,
    private readonly tokens: QboTokenService,
  ) {}

  get realmId(): string {
    return this.connection.realmId;
  }

  get accountId(): string {
    return this.connection.accountId;
  }

  get missingItemAction(): QboConnection['missingItemAction'] {
    return this.connection.missingItemAction;
  }

  async query<T>(entity: string, statement: string): Promise<T[]> {
    return this.withAuthRetry((accessToken) =>
      this.client.query<T>(this.realmId, accessToken, entity, statement),
    );
  }

  async read<T>(path: string): Promise<T> {
    return this.withAuthRetry((accessToken) =>
      this.client.request<T>({ realmId: this.realmId, accessToken, method: 'GET', path }),
    );
  }

  async create<T>(path: string, body: unknown, requestId: string): Promise<T> {
    return this.withAuthRetry((accessToken) =>
      this.client.request<T>({
        realmId: this.realmId,
        accessToken,
        method: 'POST',
        path,
        body,
        requestId,
      }),
    );
  }

  /** Runs `call` with the access token, and once more with a refreshed token after a 401. */
  async withAuthRetry<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    try {
      return await call(this.connection.accessToken);
    } catch (error) {
      if (!(error instanceof QboFaultError) || error.httpStatus !== 401) {
        throw error;
      }

      this.connection = await this.tokens.refresh(this.accountId);

      return call(this.connection.accessToken);
    }
  }
}

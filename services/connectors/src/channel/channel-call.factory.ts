import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { type ConnectorsConfig } from '../connectors.config';
import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
} from './channel-adapter';
import { FrameworkHttpClient } from './channel-http.client';
import { ChannelOAuthTokenStore } from './channel-oauth';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { SharedRateLimiter } from './shared-rate-limiter';

/** Builds the context an adapter call gets: the connection, its base URL and HTTP client. */
@Injectable()
export class ChannelCallFactory {
  private readonly logger: AppLogger;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    @Inject(APP_CONFIG) private readonly config: ConnectorsConfig,
    private readonly limiter: SharedRateLimiter,
    private readonly tokens: ChannelOAuthTokenStore,
    logger: AppLogger,
  ) {
    this.logger = logger.child('ChannelHttp');
  }

  /** Returns the base URL: the connection's own, then `CHANNEL_BASE_URL`, then the channel's default. */
  resolveBaseUrl(connection: ChannelConnection): string {
    return (
      connection.settings.baseUrl ??
      this.config.CHANNEL_BASE_URL ??
      this.adapter.defaultBaseUrl(connection.credentials)
    );
  }

  /** Builds the call context, with the token store's access tokens when the adapter declares `oauth`. */
  create(connection: ChannelConnection): ChannelCallContext {
    const baseUrl = this.resolveBaseUrl(connection);
    const call: ChannelCallContext = {
      connection,
      baseUrl,
      now: () => new Date(),
      http: new FrameworkHttpClient({
        connectionId: connection.connectionId,
        baseUrl,
        policy: this.adapter.rateLimit,
        limiter: this.limiter,
        logger: this.logger,
        timeoutMs: this.config.CHANNEL_HTTP_TIMEOUT_MS,
      }),
    };
    const accessTokens = this.tokens.forCall(call);

    if (accessTokens) {
      call.accessTokens = accessTokens;
    }

    return call;
  }
}

import { timingSafeEqual } from 'node:crypto';

import { Body, Controller, Get, Headers, Inject, Post, Query, Res } from '@nestjs/common';
import { type Response } from 'express';

import { SANDBOX_CONFIG } from '../../config/config.tokens';
import { type SandboxConfig } from '../../config/sandbox.config';
import { invalidClient, invalidRequest, OAuthError } from './oauth.errors';
import { OAuthService } from './oauth.service';

/** The scope a QuickBooks accounting app must request. */
export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

/** Scopes that Intuit's authorization server accepts. */
const KNOWN_SCOPES = new Set([
  ACCOUNTING_SCOPE,
  'com.intuit.quickbooks.payment',
  'openid',
  'profile',
  'email',
  'phone',
  'address',
]);

const realmIdPattern = /^\d{1,20}$/;

/** Stand-in for Intuit's OAuth 2.0 endpoints (authorization code grant with client secret). */
@Controller('oauth2')
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
  ) {}

  /**
   * Approves the request without a login page and redirects to the app. Errors about the client
   * or the redirect URI are returned here, because redirecting them would reach an unverified
   * URI (RFC 6749 section 4.1.2.1). Other errors are sent to the redirect URI.
   */
  @Get('authorize')
  authorize(@Query() query: Record<string, unknown>, @Res() res: Response): void {
    const clientId = stringParam(query.client_id);
    const redirectUri = stringParam(query.redirect_uri);

    if (!this.oauth.isValidClientId(clientId)) {
      res.status(400).json(new OAuthError(400, 'invalid_client', 'Unknown client_id').toBody());

      return;
    }

    if (!isAbsoluteHttpUrl(redirectUri)) {
      res
        .status(400)
        .json(invalidRequest('redirect_uri must be an absolute http or https URL').toBody());

      return;
    }

    const target = new URL(redirectUri);
    const state = stringParam(query.state);
    const problem = this.checkAuthorizationParams(query, state);

    if (problem) {
      target.searchParams.set('error', problem.error);
      target.searchParams.set('error_description', problem.description);
    } else {
      const realmParam = stringParam(query.realmId);
      const approval = this.oauth.approve(redirectUri, realmParam || undefined);

      target.searchParams.set('code', approval.code);
      target.searchParams.set('realmId', approval.realmId);
    }

    if (state) {
      target.searchParams.set('state', state);
    }

    res.redirect(302, target.toString());
  }

  /** Token endpoint: exchanges an authorization code or a refresh token. */
  @Post('v1/tokens/bearer')
  token(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ): void {
    respondWithTokens(res, () => {
      this.authenticateClient(authorization);
      const grantType = stringParam(body?.grant_type);

      if (grantType === 'authorization_code') {
        return this.oauth.exchangeCode(stringParam(body.code), stringParam(body.redirect_uri));
      }

      if (grantType === 'refresh_token') {
        return this.oauth.refresh(stringParam(body.refresh_token));
      }

      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `grant_type "${grantType}" is not supported`,
      );
    });
  }

  /** Revokes an access or refresh token, accepting a JSON or form body `{token}`. */
  @Post('v1/tokens/revoke')
  revoke(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ): void {
    respondWithTokens(res, () => {
      this.authenticateClient(authorization);
      const token = stringParam(body?.token);

      if (!token) {
        throw invalidRequest('token is missing');
      }

      this.oauth.revoke(token);

      return undefined;
    });
  }

  private checkAuthorizationParams(
    query: Record<string, unknown>,
    state: string,
  ): { error: string; description: string } | undefined {
    if (stringParam(query.response_type) !== 'code') {
      return { error: 'unsupported_response_type', description: 'response_type must be code' };
    }

    const scopes = stringParam(query.scope).split(' ').filter(Boolean);

    if (!scopes.includes(ACCOUNTING_SCOPE) || scopes.some((scope) => !KNOWN_SCOPES.has(scope))) {
      return { error: 'invalid_scope', description: `scope must include ${ACCOUNTING_SCOPE}` };
    }

    if (!state) {
      return { error: 'invalid_request', description: 'state is missing' };
    }

    const realmId = stringParam(query.realmId);

    if (realmId && !realmIdPattern.test(realmId)) {
      return { error: 'invalid_request', description: 'realmId must be a string of digits' };
    }

    return undefined;
  }

  /** Checks HTTP Basic client authentication, the method Intuit's token endpoint uses. */
  private authenticateClient(authorization: string | undefined): void {
    const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const separator = decoded.indexOf(':');
    const clientId = decoded.slice(0, Math.max(separator, 0));
    const secret = decoded.slice(separator + 1);

    if (
      separator < 0 ||
      clientId !== this.config.qboClientId ||
      !sameSecret(secret, this.config.qboClientSecret)
    ) {
      throw invalidClient();
    }
  }
}

function respondWithTokens(res: Response, action: () => object | undefined): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  try {
    const result = action();

    if (result === undefined) {
      res.status(200).end();
    } else {
      res.status(200).json(result);
    }
  } catch (error) {
    if (!(error instanceof OAuthError)) {
      throw error;
    }

    if (error.httpStatus === 401) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Intuit"');
    }

    res.status(error.httpStatus).json(error.toBody());
  }
}

function sameSecret(received: string, expected: string): boolean {
  const left = Buffer.from(received);
  const right = Buffer.from(expected);

  return left.length === right.length && timingSafeEqual(left, right);
}

function stringParam(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);

    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** An OAuth 2.0 error response (RFC 6749 section 5.2), such as `{"error":"invalid_grant"}`. */
export class OAuthError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const invalidGrant = (description: string) =>
  new OAuthError(400, 'invalid_grant', description);

export const invalidRequest = (description: string) =>
  new OAuthError(400, 'invalid_request', description);

export const invalidClient = () =>
  new OAuthError(
    401,
    'invalid_client',
    'Client authentication failed; check the client id and secret',
  );

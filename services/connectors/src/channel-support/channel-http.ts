import { ChannelHttpError, type ChannelHttpResponse } from '../channel/channel-adapter';

/**
 * Returns the JSON body of a 2xx response. Throws `ChannelHttpError` with the status and the
 * start of the channel's message otherwise, so a log line says what the channel objected to.
 */
export function expectJson(response: ChannelHttpResponse, what: string): unknown {
  if (response.status < 200 || response.status >= 300) {
    throw new ChannelHttpError(
      `${what} failed with HTTP ${response.status}: ${response.text.slice(0, 300)}`,
      response.status,
    );
  }

  if (response.json === undefined) {
    throw new ChannelHttpError(`${what} returned a body that is not JSON`, response.status);
  }

  return response.json;
}

/** Reads a `Retry-After` header given in seconds; returns undefined when absent or invalid. */
export function retryAfterSeconds(response: ChannelHttpResponse): number | undefined {
  const value = Number(response.headers['retry-after']);

  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Describes a thrown value for a connection test or a rejected event. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

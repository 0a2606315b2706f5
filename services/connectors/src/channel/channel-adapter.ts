import {
  type Channel,
  type InventoryAdjustment,
  type InventoryLevel,
  type InventoryPushResult,
  type Order,
  type Payout,
  type Refund,
} from '@qbsync/contracts';
import { type z } from 'zod';

import { type ChannelAccessTokens, type ChannelOAuthGrant } from './channel-oauth-grant';

/**
 * The contract between the connector framework and one selling channel.
 *
 * A channel module provides a `ChannelAdapter`: how to identify, verify and parse the channel's
 * webhooks, how to poll its orders, refunds and payouts, how to test a connection and push
 * inventory, its rate-limit policy and its credential schema. The adapter is pure channel
 * knowledge. It never touches NATS, the database or the scheduler.
 *
 * The framework provides everything else, once for every channel. That is the connection store with
 * credentials encrypted by SecretBox, `POST /webhooks/<channel>`, the JetStream publisher with one
 * message id per revision, the poll scheduler and its cursor store, the rate limiter shared by all
 * replicas, re-sync, history backfill and the sandbox base URL. See README.md in this folder.
 */
export interface ChannelAdapter<Credentials = unknown> {
  readonly channel: Channel;
  /** The channel's name as merchants know it ("Shopify", "WooCommerce"), used in messages. */
  readonly displayName: string;
  readonly authorization: AuthorizationScheme;
  /**
   * Validates what the merchant enters at connect time. Fields listed in `secretFields` are
   * encrypted at rest and never returned by any API; the rest are stored readable.
   */
  readonly credentialSchema: z.ZodType<Credentials>;
  readonly secretFields: readonly (keyof Credentials & string)[];
  readonly rateLimit: RateLimitPolicy;
  /**
   * The channel's token grant. When set, the framework exchanges, caches and rotates access
   * tokens and passes them to every call as `ChannelCallContext.accessTokens`.
   */
  readonly oauth?: ChannelOAuthGrant<Credentials>;
  /** Capabilities of this adapter; the framework schedules only those listed. */
  readonly capabilities: ChannelCapabilities;
  /** HTTP status of an accepted webhook: 200 by default, 202 for batch push APIs. */
  readonly webhookAcceptedStatus?: 200 | 202;

  /**
   * Returns the key that finds the connection a stored webhook belongs to, such as a Shopify
   * `X-Shopify-Shop-Domain`, from the credentials. The framework indexes connections by it.
   * Returns undefined for channels that address webhooks by connection id in the URL instead.
   */
  webhookKey?(credentials: Credentials): string | undefined;

  /**
   * Returns false when the credentials allow webhooks only (a Shopify connection without an
   * access token), so the framework neither polls nor backfills it. Absent means true.
   */
  canCallApi?(credentials: Credentials): boolean;

  /**
   * Explanation for the connection test and re-sync errors of a connection without API access
   * (`canCallApi` false): what it lacks and which credentials enable polling. Absent means
   * "webhooks only".
   */
  readonly noApiAccessHelp?: string;

  /** Channel defaults for the base URL, overridden per connection or by `CHANNEL_BASE_URL`. */
  defaultBaseUrl(credentials: Credentials): string;

  /**
   * Reads the connection key and delivery id of a webhook delivery without trusting it yet.
   * Returns an error message naming the missing header when the delivery cannot be attributed.
   */
  identifyWebhook?(delivery: WebhookDelivery): WebhookIdentity | { error: string };

  /** Checks the delivery's signature with the connection's secret, over the raw body bytes. */
  verifyWebhook?(delivery: WebhookDelivery, connection: ChannelConnection<Credentials>): boolean;

  /**
   * Parses a verified delivery into canonical events. Throws `ChannelPayloadError` for a body
   * that cannot become a valid contract; the framework rejects the delivery and logs a sync event.
   */
  parseWebhook?(delivery: WebhookDelivery, context: ParseContext<Credentials>): ChannelEvent[];

  /**
   * Completes an event after the webhook was accepted and before it is published, with calls
   * the webhook response must not wait for (Shopify: the order's transactions). Runs on the
   * framework's work queue, so it may be retried; it must be idempotent.
   */
  enrich?(event: ChannelEvent, call: ChannelCallContext<Credentials>): Promise<ChannelEvent>;

  /**
   * Reads the record a `fetch` event names (a webhook that carries only an id) and returns its
   * normalised events: the order, its refunds, or `rejected` events. Returns an empty list when
   * the channel has no such record. Runs on the work queue and is retried after a
   * `ChannelHttpError`, so it must be idempotent.
   */
  fetchRecord?(
    call: ChannelCallContext<Credentials>,
    request: FetchRequest,
  ): Promise<ChannelEvent[]>;

  /** Reads one page of orders modified inside the window. */
  pollOrders?(call: ChannelCallContext<Credentials>, request: PollRequest): Promise<PollPage>;

  /** Reads one page of refunds (and cancellations of paid goods) inside the window. */
  pollRefunds?(call: ChannelCallContext<Credentials>, request: PollRequest): Promise<PollPage>;

  /** Reads one page of payouts or settlements dated inside the window. */
  pollPayouts?(call: ChannelCallContext<Credentials>, request: PollRequest): Promise<PollPage>;

  /** Reads the named orders, with their refunds, for a manual re-sync by order number. */
  fetchOrdersByNumber?(
    call: ChannelCallContext<Credentials>,
    orderNumbers: readonly string[],
  ): Promise<OrderNumberLookup[]>;

  /**
   * Parses an uploaded file of orders (the custom store's CSV). Returns the events and every
   * row-level error; the framework queues nothing when there is any error.
   */
  parseUpload?(content: string, context: ParseContext<Credentials>): UploadParseResult;

  /** Calls the channel with the stored credentials and reports each problem found. */
  testConnection(call: ChannelCallContext<Credentials>): Promise<ConnectionTestResult>;

  /**
   * Subscribes the webhook topics the product needs to `addresses.address` (and the app's
   * uninstall topic to `addresses.uninstallAddress`). A subscription already in place counts as
   * made. Returns the subscriptions and, per topic, the channel's message when one failed.
   */
  registerWebhooks?(
    call: ChannelCallContext<Credentials>,
    addresses: { address: string; uninstallAddress?: string },
  ): Promise<{
    webhooks: { id: string; topic: string; address: string }[];
    errors: { topic: string; message: string }[];
  }>;

  /** Deletes every webhook subscription the connection's token can see, returning how many. */
  deleteWebhooks?(call: ChannelCallContext<Credentials>): Promise<number>;

  /** Reads the channel's quantities per location, for the inventory service's comparison. */
  readInventory?(call: ChannelCallContext<Credentials>): Promise<InventoryLevel[]>;

  /**
   * Sets quantities on the channel per location. Returns one result per requested level, in
   * request order, naming the SKU and the channel's message on failure.
   */
  pushInventory?(
    call: ChannelCallContext<Credentials>,
    levels: readonly InventoryLevel[],
  ): Promise<InventoryPushResult['results']>;
}

export type AuthorizationScheme =
  /** OAuth 2.0 access token (Shopify custom app token, eBay, Etsy, Square, BigCommerce). */
  | 'oauth2'
  /** OAuth 1.0a or consumer key and secret (WooCommerce REST over HTTPS uses Basic auth). */
  | 'consumer-key'
  /** A long-lived API key or token sent in a header. */
  | 'api-key'
  /** HTTP Basic authentication (custom store pull API). */
  | 'basic'
  /** Login with Amazon refresh token plus SP-API; Walmart client credentials. */
  | 'client-credentials';

export interface ChannelCapabilities {
  webhooks: boolean;
  pollOrders: boolean;
  pollRefunds: boolean;
  pollPayouts: boolean;
  inventoryRead: boolean;
  inventoryPush: boolean;
}

/**
 * Per-connection rate limit, enforced by the framework's limiter for every replica together.
 * The limiter is a token bucket: `burst` requests at once, refilled at `requestsPerSecond`.
 */
export interface RateLimitPolicy {
  requestsPerSecond: number;
  burst: number;
  /** Retries of a 429 or 503 response, each after its `Retry-After` (or a backoff without it). */
  maxRetries: number;
  /**
   * Reads the channel's own budget headers from a response (Shopify
   * `X-Shopify-Shop-Api-Call-Limit: 32/40`), so the limiter slows down before the channel responds 429. Returns the seconds to wait before the next request, or undefined for none.
   */
  observe?(response: ChannelHttpResponse): number | undefined;
  /**
   * Further buckets with their own budget, chosen per request with `ChannelHttpRequest.bucket`
   * (Shopify GraphQL's cost budget beside the REST call budget).
   */
  buckets?: Record<string, { requestsPerSecond: number; burst: number }>;
}

/** A connection as adapters receive it: ids, decrypted credentials and settings. */
export interface ChannelConnection<Credentials = unknown> {
  accountId: string;
  connectionId: string;
  channel: Channel;
  credentials: Credentials;
  settings: ConnectionSettings;
  /**
   * `reconnect_needed` after the channel rejected the stored grant (`invalid_grant`); the
   * merchant must connect again. Absent means connected.
   */
  status?: 'reconnect_needed';
}

/** Per-connection settings that change which records are pulled (order filters, schedule). */
export interface ConnectionSettings {
  /** Channel status values to pull, as the channel spells them; empty pulls all. */
  statusFilter: string[];
  /** Stores, locations or marketplaces to keep, applied after fetching; empty keeps all. */
  storeFilter: string[];
  /** Minutes between polls, 1 to 60. */
  pollIntervalMinutes: number;
  /** The API base URL override for this connection (a sandbox or a self-hosted store). */
  baseUrl?: string;
}

export interface WebhookDelivery {
  /** The exact bytes received; signatures are computed over them. */
  rawBody: Buffer;
  /** Request headers, lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The connection id when the webhook URL carries one (`/webhooks/<channel>/<connectionId>`). */
  connectionId?: string;
  receivedAt: string;
}

export interface WebhookIdentity {
  /** Value of the adapter's `webhookKey` for the connection, or undefined to use `connectionId`. */
  webhookKey?: string;
  /** The channel's id for this delivery, for logs only (dedupe is by revision, not delivery). */
  deliveryId?: string;
  /** The channel's topic or event name. */
  topic?: string;
  /** The header that carries the signature, named in the message when it does not match. */
  signatureHeader?: string;
}

export interface ParseContext<Credentials = unknown> {
  connection: ChannelConnection<Credentials>;
  receivedAt: string;
  /** The channel's id for this delivery, as `identifyWebhook` returned it. */
  deliveryId?: string;
  topic?: string;
}

/**
 * One canonical outcome of a delivery or poll. `revision` identifies the version of the record,
 * so the same revision always gets the same JetStream message id (a redelivery is dropped) and an
 * edit, cancellation or refund after first sight gets a new one.
 */
export type ChannelEvent =
  | { kind: 'order'; order: Order; revision: string }
  | { kind: 'refund'; refund: Refund; revision: string }
  | { kind: 'payout'; payout: Payout; revision: string }
  | { kind: 'inventory'; levels: InventoryLevel[]; revision: string }
  | { kind: 'inventory_adjustment'; adjustment: InventoryAdjustment; revision: string }
  | {
      /** A record the webhook named without its content, which `fetchRecord` reads. */
      kind: 'fetch';
      record: FetchRequest['record'];
      /**
       * The channel's id of the record the webhook named. BigCommerce refund webhooks name the
       * order.
       */
      recordId: string;
      /** The channel's order id, named in the sync log when the read fails. */
      channelOrderId?: string;
      /**
       * Identifies the change the webhook announced (Square's order `version`, BigCommerce's
       * scope and `created_at`), so a redelivered webhook queues no second read.
       */
      revision: string;
    }
  | { kind: 'ignored'; reason: string }
  | {
      kind: 'rejected';
      /** The channel's id of the record that could not be normalised, when known. */
      channelOrderId?: string;
      orderNumber?: string;
      /** The message of the `ChannelPayloadError`, naming the field and the fix. */
      reason: string;
    };

/** The record a `fetch` event names, as `fetchRecord` receives it. */
export interface FetchRequest {
  /** `refund` reads the order together with its refunds. */
  record: 'order' | 'refund';
  recordId: string;
  channelOrderId?: string;
  /** The webhook topic that named the record. */
  topic?: string;
  receivedAt: string;
}

export interface PollRequest {
  /** Inclusive start of the window, ISO 8601. The framework already subtracted the overlap. */
  modifiedSince: string;
  /** Exclusive end of the window, ISO 8601. */
  modifiedUntil: string;
  /** The `nextPage` of the previous page of this window, absent on the first. */
  page?: string;
  /** Records per page the channel should return, within the channel's maximum. */
  pageSize: number;
  receivedAt: string;
}

export interface PollPage {
  /** Normalised records; a record that fails normalisation is a `rejected` event, not a throw. */
  events: ChannelEvent[];
  /** Opaque cursor for the next page (Shopify `page_info`, a page number); absent on the last. */
  nextPage?: string;
}

export interface OrderNumberLookup {
  orderNumber: string;
  /** The order and its refunds, or empty when the channel has no such order. */
  events: ChannelEvent[];
}

export interface UploadParseResult {
  /** Data rows read, not counting the header. */
  rows: number;
  events: ChannelEvent[];
  /** `row` counts the header as row 1, as spreadsheets number rows. */
  errors: { row: number; column: string; message: string }[];
}

export interface ConnectionTestResult {
  ok: boolean;
  /** Each check made (credentials, scopes, webhook registration...), with what is wrong. */
  checks: { name: string; ok: boolean; message: string }[];
  /** The channel's name for the store (shop name, site title), when the test could read it. */
  storeName?: string;
}

/** Context of an adapter call, from the framework: the connection and the channel's HTTP client. */
export interface ChannelCallContext<Credentials = unknown> {
  connection: ChannelConnection<Credentials>;
  http: ChannelHttpClient;
  /** The resolved base URL: connection override, then `CHANNEL_BASE_URL`, then the default. */
  baseUrl: string;
  now(): Date;
  /** The connection's access tokens, for adapters that declare `oauth`. */
  accessTokens?: ChannelAccessTokens;
}

export interface ChannelHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path below the base URL ("/admin/api/2026-07/orders.json") or an absolute URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string or Buffer. */
  body?: unknown;
  /** Tokens this request takes from the bucket (GraphQL query cost); 1 when absent. */
  cost?: number;
  /** A bucket named in `RateLimitPolicy.buckets`; the default bucket when absent. */
  bucket?: string;
}

export interface ChannelHttpResponse {
  status: number;
  /** Response headers, lower-cased. */
  headers: Readonly<Record<string, string>>;
  /**
   * The body bytes as received, for binary bodies such as a ZIP report. The framework's client
   * always sets it.
   * TODO: make it required once `shopify-inventory.ts` stops building responses without it.
   */
  body?: Buffer;
  /** The body decoded as UTF-8. */
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * The framework's HTTP client for one connection. Every request waits for the shared rate
 * limiter, retries 429 and 503 after `Retry-After` up to the policy's `maxRetries`, and feeds
 * each response to `RateLimitPolicy.observe`. Any other status is returned to the adapter.
 * It throws `ChannelHttpError` on a network failure or after the last retry.
 */
export interface ChannelHttpClient {
  request(request: ChannelHttpRequest): Promise<ChannelHttpResponse>;
}

/**
 * A channel payload that cannot become a valid contract. `field` is the path in the channel's
 * payload ("line_items[2].quantity"); the message states what is wrong and how to fix it.
 */
export class ChannelPayloadError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly channelOrderId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChannelPayloadError';
  }
}

/** A channel API call that failed after retries: network error, 4xx other than 429, or 5xx. */
export class ChannelHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChannelHttpError';
  }
}

/** One webhook delivery that `scripts/bench-connectors.js` feeds to `parseWebhook` in a loop. */
export interface BenchmarkSample<Credentials = unknown> {
  name: string;
  delivery: WebhookDelivery;
  credentials: Credentials;
}

/**
 * One order record as a poll or fetch reads it from the channel's API, for channels whose order
 * webhooks carry only an id or that have none. `normalise` parses the stored response body and
 * runs the channel's order normaliser over it, as the adapter does, and returns the number of
 * orders produced.
 */
export interface BenchmarkRecord {
  name: string;
  normalise(): number;
}

/**
 * One entry of `CHANNEL_REGISTRATIONS` (src/channel-registrations.ts): the adapter, and samples and
 * records for the connector benchmark. A deployment with `CHANNEL=<name>` loads only its own
 * entry. Each entry offers at least one of the two benchmark members.
 */
export interface ChannelRegistration<Credentials = unknown> {
  adapter: ChannelAdapter<Credentials>;
  benchmarkSamples?(): BenchmarkSample<Credentials>[];
  benchmarkRecords?(): BenchmarkRecord[];
}

export enum ShopifyErrorCode {
  /** The body is not a Shopify order this connector can normalise; retrying cannot help. */
  InvalidPayload = 'SHOPIFY_INVALID_PAYLOAD',
}

/**
 * Raised for a Shopify order payload that cannot be normalised. The message names every invalid
 * field by its Shopify path and states what it must contain, for example
 * `line_items[0].quantity: must be a whole number greater than zero`.
 */
export class ShopifyPayloadError extends Error {
  readonly code = ShopifyErrorCode.InvalidPayload;

  constructor(
    /** The invalid fields and what each must contain, separated by "; ". */
    readonly problems: string,
    /** The Shopify order id, when the payload had a readable one. */
    readonly orderId?: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid Shopify order${orderId ? ` ${orderId}` : ''}: ${problems}`, options);
    this.name = 'ShopifyPayloadError';
  }
}

import { decimalToMinor, minorUnitExponent } from '@qbsync/contracts';

import { type ShopifyMoneySet } from './shopify-order.schema';
import { ShopifyPayloadError } from './shopify.errors';

/**
 * Currency of the normalised amounts. `shop` is the store's currency (`currency` and the plain
 * amount fields). `presentment` is the currency the buyer paid in (`presentment_currency` and the
 * `presentment_money` of each `*_set` field).
 */
export type ShopifyCurrencyBasis = 'shop' | 'presentment';

/** Reads Shopify amounts as integer minor units of one currency, naming the field on failure. */
export class ShopifyMoneyReader {
  constructor(
    readonly currency: string,
    private readonly basis: ShopifyCurrencyBasis,
    /** True when shop and presentment currency are the same, so the plain fields are usable. */
    private readonly sameCurrency: boolean,
    private readonly orderId: string,
  ) {}

  /**
   * Returns the amount of a field that Shopify sends both plain (`price`) and as a set
   * (`price_set`). `path` names the plain field, for example `line_items[0].price`.
   */
  read(plain: string, set: ShopifyMoneySet, path: string): number {
    if (this.basis === 'shop' || this.sameCurrency) {
      return this.toMinor(plain, path);
    }

    return this.readPresentment(set, `${path}_set`);
  }

  /**
   * Returns a plain amount field that has no `*_set` twin (such as `total_outstanding`), read as
   * shop currency. Returns undefined when the order's amounts are in another currency, because
   * the field cannot then be converted.
   */
  readShopOnly(plain: string, path: string): number | undefined {
    if (this.basis === 'shop' || this.sameCurrency) {
      return this.toMinor(plain, path);
    }

    return undefined;
  }

  /** Returns the amount of a field that Shopify sends only as a set, or undefined without one. */
  readSet(set: ShopifyMoneySet, path: string): number | undefined {
    if (!set) {
      return undefined;
    }

    const money = this.basis === 'shop' ? set.shop_money : set.presentment_money;
    const moneyPath = this.basis === 'shop' ? 'shop_money' : 'presentment_money';

    return this.toMinor(money.amount, `${path}.${moneyPath}.amount`);
  }

  /** Converts a decimal string to minor units, rejecting more decimals than the currency has. */
  toMinor(value: string, path: string): number {
    try {
      return decimalToMinor(value, this.currency);
    } catch (error) {
      const exponent = minorUnitExponent(this.currency);

      throw new ShopifyPayloadError(
        `${path}: "${value}" must be an amount in ${this.currency} with at most ${exponent} ` +
          `decimal places; send amounts rounded to the currency's minor unit`,
        this.orderId,
        { cause: error },
      );
    }
  }

  private readPresentment(set: ShopifyMoneySet, path: string): number {
    if (!set) {
      throw new ShopifyPayloadError(
        `${path}: is missing, so the amount in ${this.currency} is unknown; request the *_set ` +
          `fields from Shopify or post in the shop currency`,
        this.orderId,
      );
    }

    return this.toMinor(set.presentment_money.amount, `${path}.presentment_money.amount`);
  }
}

/**
 * Formats a Shopify tax rate (a JSON number such as 0.06) as a decimal string without exponent
 * notation, so 0.0000001 becomes "0.0000001" rather than "1e-7".
 */
export function formatRate(rate: number | string): string {
  if (typeof rate === 'string') {
    return rate;
  }

  return rate.toFixed(12).replace(/\.?0+$/, '') || '0';
}

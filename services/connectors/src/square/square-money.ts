import { ChannelPayloadError } from '../channel/channel-adapter';
import { readCurrency } from '../channel-support';
import { type SquareMoney } from './square.schemas';

/**
 * Reads Square Money objects of one record. Every amount must be in the record's currency,
 * because Square never mixes currencies within an order, refund or payout; a mismatch means the
 * payload was altered.
 */
export class SquareMoneyReader {
  readonly currency: string;

  constructor(
    currency: string,
    private readonly recordId: string,
    currencyField: string,
  ) {
    this.currency = readCurrency(currency, currencyField, recordId);
  }

  /** Returns the amount in minor units; absent Money is 0. */
  read(money: SquareMoney | null | undefined, field: string): number {
    if (!money) {
      return 0;
    }

    if (money.currency !== this.currency) {
      throw new ChannelPayloadError(
        `${field}.currency: "${money.currency}" differs from the record's ${this.currency}; ` +
          'Square records use one currency throughout',
        `${field}.currency`,
        this.recordId,
      );
    }

    return money.amount;
  }

  /** Like `read`, but rejects a negative amount. */
  readNonNegative(money: SquareMoney | null | undefined, field: string): number {
    const amount = this.read(money, field);

    if (amount < 0) {
      throw new ChannelPayloadError(
        `${field}.amount: ${amount} must not be negative`,
        `${field}.amount`,
        this.recordId,
      );
    }

    return amount;
  }
}

/** Reads a Square quantity string as a whole number greater than zero. */
export function readWholeQuantity(value: string, field: string, recordId: string): number {
  const quantity = Number(value);

  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new ChannelPayloadError(
      `${field}: "${value}" must be a whole number greater than zero; items sold by weight or ` +
        'with fractional quantities cannot be posted as QuickBooks item lines',
      field,
      recordId,
    );
  }

  return quantity;
}

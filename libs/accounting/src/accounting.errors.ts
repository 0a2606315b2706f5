export enum AccountingErrorCode {
  /** The posted lines cannot reproduce the channel's total within the rounding tolerance. */
  OrderDoesNotBalance = 'ORDER_DOES_NOT_BALANCE',
  /** An amount or weight passed to an allocation is not a safe integer, or the weights are invalid. */
  InvalidAllocation = 'INVALID_ALLOCATION',
  /** An option passed to a plan builder is out of range or malformed. */
  InvalidOption = 'INVALID_OPTION',
  /** A computed amount no longer fits a safe integer of minor units. */
  AmountOutOfRange = 'AMOUNT_OUT_OF_RANGE',
  /** A payout's transactions do not add up to the amount that reached the bank. */
  PayoutDoesNotBalance = 'PAYOUT_DOES_NOT_BALANCE',
}

/** Base class of every error this library throws. `code` identifies the case for callers. */
export class AccountingError extends Error {
  constructor(
    readonly code: AccountingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AccountingError';
  }
}

/** Figures behind a failed balance check, all in minor units of `currency`. */
export interface BalanceFigures {
  currency: string;
  channelTotal: number;
  computedTotal: number;
  itemTotal: number;
  shippingTotal: number;
  discountTotal: number;
  taxTotal: number;
  taxesIncluded: boolean;
  tolerance: number;
}

/**
 * Raised when an order's parts do not add up to its channel total by more than rounding can
 * explain. Posting such an order would put a wrong amount in the books, so it needs a person.
 */
export class OrderDoesNotBalanceError extends AccountingError {
  constructor(
    message: string,
    readonly figures: BalanceFigures,
  ) {
    super(AccountingErrorCode.OrderDoesNotBalance, message);
    this.name = 'OrderDoesNotBalanceError';
  }

  get difference(): number {
    return this.figures.channelTotal - this.figures.computedTotal;
  }
}

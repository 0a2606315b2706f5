import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  percentToRate,
  readCurrency,
  readDecimal,
  readMinorInteger,
  readRoundedDecimal,
  splitLineTotal,
} from './channel-money';

describe('readRoundedDecimal', () => {
  it.each([
    ['62.6793', 'USD', 6268],
    ['62.6749', 'USD', 6267],
    ['0.0050', 'USD', 1],
    ['-1.2350', 'USD', -124],
    ['1500.4999', 'JPY', 1500],
    ['1.23450', 'KWD', 1235],
    [12.5, 'USD', 1250],
  ])('rounds %s %s half away from zero', (value, currency, expected) => {
    expect(readRoundedDecimal(value, currency, 'amount')).toBe(expected);
  });

  it('rejects text that is not a number', () => {
    expect(() => readRoundedDecimal('12,50', 'USD', 'order.total')).toThrow(
      /order\.total: "12,50" must be an amount/,
    );
  });
});

describe('readDecimal', () => {
  it('names the field of an amount with too many decimals', () => {
    try {
      readDecimal('10.001', 'USD', 'items[0].price', 'order-1');
      throw new Error('expected a ChannelPayloadError');
    } catch (error) {
      expect(error).toBeInstanceOf(ChannelPayloadError);
      expect((error as ChannelPayloadError).field).toBe('items[0].price');
      expect((error as ChannelPayloadError).channelOrderId).toBe('order-1');
    }
  });

  it('rejects a value that is not a string or number', () => {
    expect(() => readDecimal(null, 'USD', 'total')).toThrow(ChannelPayloadError);
  });
});

describe('readCurrency', () => {
  it('accepts lower case and trims', () => {
    expect(readCurrency(' eur ', 'currency')).toBe('EUR');
  });

  it('rejects an unknown code naming the field', () => {
    expect(() => readCurrency('XBT', 'order.currency')).toThrow(
      /order\.currency: "XBT" is not a supported/,
    );
  });
});

describe('readMinorInteger', () => {
  it('rejects a fraction of a minor unit', () => {
    expect(() => readMinorInteger(10.5, 'amount_money.amount')).toThrow(
      /amount_money\.amount: 10\.5 must be a whole number/,
    );
  });
});

describe('splitLineTotal', () => {
  it.each([
    [1000, 3, 334, 2],
    [3000, 2, 1500, 0],
    [1, 4, 1, 3],
    [0, 5, 0, 0],
  ])('splits %d over %d units', (total, quantity, unitPrice, remainder) => {
    const split = splitLineTotal(total, quantity);

    expect(split).toEqual({ unitPrice, remainder });
    expect(split.unitPrice * quantity - split.remainder).toBe(total);
  });
});

describe('percentToRate', () => {
  it.each([
    ['8.5', '0.085'],
    ['8.0000', '0.08'],
    ['20', '0.2'],
    ['0', '0'],
    ['100', '1'],
    ['0.25', '0.0025'],
    [7.25, '0.0725'],
    ['abc', '0'],
  ])('turns %s percent into %s', (percent, rate) => {
    expect(percentToRate(percent)).toBe(rate);
  });
});

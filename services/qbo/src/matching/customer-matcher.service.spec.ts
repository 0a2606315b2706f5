import { customerDisplayName } from './customer-matcher.service';
import { MAX_DISPLAY_NAME_LENGTH } from './qbo-names';

describe('customerDisplayName', () => {
  it('keeps the name for the home currency', () => {
    expect(customerDisplayName('Bob Norman', 'USD', 'USD')).toBe('Bob Norman');
  });

  it('appends a foreign currency code', () => {
    expect(customerDisplayName('Bob Norman', 'EUR', 'USD')).toBe('Bob Norman EUR');
  });

  it('cleans the name like any QuickBooks name', () => {
    expect(customerDisplayName('Acme:Widgets™  Inc', 'USD', 'USD')).toBe('Acme Widgets Inc');
  });

  it('cuts a long home-currency name to the limit', () => {
    const name = customerDisplayName('a'.repeat(600), 'USD', 'USD');

    expect(name).toHaveLength(MAX_DISPLAY_NAME_LENGTH);
  });

  it('cuts a long foreign name to the limit', () => {
    const name = customerDisplayName('a'.repeat(600), 'EUR', 'USD');

    expect(name).toHaveLength(MAX_DISPLAY_NAME_LENGTH);
  });

  it('keeps the currency suffix of a cut name', () => {
    const name = customerDisplayName('a'.repeat(600), 'EUR', 'USD');

    expect(name.endsWith('a EUR')).toBe(true);
  });

  it('gives different names per currency', () => {
    const euro = customerDisplayName('Bob Norman', 'EUR', 'USD');
    const pound = customerDisplayName('Bob Norman', 'GBP', 'USD');

    expect(euro).not.toBe(pound);
  });
});

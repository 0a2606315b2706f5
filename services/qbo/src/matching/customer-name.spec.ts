import { type CustomerMatchMode } from '@qbsync/contracts';
import { buildOrder } from '@qbsync/testing/dist/orders';

import { buildCustomerName } from './customer-name';

const order = buildOrder({
  orderNumber: '#123456',
  currency: 'USD',
  channel: 'amazon',
  customer: { firstName: 'John', lastName: 'Smith', email: 'john@example.com, js@example.org' },
  billingAddress: { name: 'John T. Smith', company: 'Acme', line1: '1 Main St' },
  shippingAddress: { name: 'Jane Q. Doe', company: 'Shipco', line1: '2 Side St' },
});

describe('buildCustomerName', () => {
  const cases: Array<[CustomerMatchMode, string]> = [
    ['last_first', 'Smith, John'],
    ['first_last', 'John Smith'],
    ['single_customer', 'Web Store'],
    ['billing_company_else_first_last', 'Acme'],
    ['billing_company_else_last_first', 'Acme'],
    ['billing_company_else_single', 'Acme'],
    ['last_first_email', 'Smith, John, john@example.com'],
    ['first_last_email', 'John Smith, john@example.com'],
    ['channel', 'Amazon'],
    ['store_and_currency', 'Amazon USD'],
    ['order_number', '123456'],
    ['last_first_middle_initial', 'Smith, John, T'],
    ['shipping_company_else_first_last', 'Shipco'],
    ['shipping_company_else_last_first', 'Shipco'],
    ['shipping_last_first', 'Doe, Jane'],
    ['shipping_first_last', 'Jane Doe'],
    ['shipping_full_name', 'Jane Q Doe'],
    ['billing_full_name', 'John T. Smith'],
    ['billing_address_first_last', 'John Smith'],
    ['billing_email', 'john@example.com'],
    ['email_field', 'John Smith'],
  ];

  it.each(cases)('mode %s builds %s', (mode, expected) => {
    expect(buildCustomerName(order, mode, 'Web Store').displayName).toBe(expected);
  });

  describe('fallbacks', () => {
    const personOnly = buildOrder({
      customer: { firstName: 'John', lastName: 'Smith' },
      billingAddress: { name: 'John Smith' },
    });

    it('falls back to the person without a billing company', () => {
      expect(
        buildCustomerName(personOnly, 'billing_company_else_last_first', 'Web Store').displayName,
      ).toBe('Smith, John');
    });

    it('falls back to the single name without a company', () => {
      expect(
        buildCustomerName(personOnly, 'billing_company_else_single', 'Web Store').displayName,
      ).toBe('Web Store');
    });

    it('splits the billing address name without customer names', () => {
      const addressOnly = buildOrder({ billingAddress: { name: '  Ann   Lee ' } });

      expect(buildCustomerName(addressOnly, 'last_first', 'Web Store').displayName).toBe(
        'Lee, Ann',
      );
    });

    it('returns no name when the order has none', () => {
      expect(
        buildCustomerName(buildOrder(), 'first_last', 'Web Store').displayName,
      ).toBeUndefined();
    });

    it('uses the order id for a bare hash', () => {
      const bare = buildOrder({ orderNumber: '#', channelOrderId: '777' });

      expect(buildCustomerName(bare, 'order_number', 'Web Store').displayName).toBe('777');
    });
  });

  describe('emails', () => {
    it('splits the order email on commas', () => {
      expect(buildCustomerName(order, 'email_field', 'Web Store').emails).toEqual([
        'john@example.com',
        'js@example.org',
      ]);
    });

    it('drops entries without an at sign', () => {
      const odd = buildOrder({ customer: { email: 'none, a@b.c' } });

      expect(buildCustomerName(odd, 'email_field', 'Web Store').emails).toEqual(['a@b.c']);
    });
  });
});

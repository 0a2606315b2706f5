import { type Channel, type Order } from '@qbsync/contracts';

import { type PlanCustomer } from './posting-plan.types';

const CHANNEL_NAMES: Record<Channel, string> = {
  shopify: 'Shopify',
  amazon: 'Amazon',
  woocommerce: 'WooCommerce',
  bigcommerce: 'BigCommerce',
  ebay: 'eBay',
  etsy: 'Etsy',
  walmart: 'Walmart',
  square: 'Square',
  custom: 'Custom store',
};

/**
 * Builds the QuickBooks customer for an order. The display name is the customer's first and last
 * name, else the billing address name, else the company, else the email, else "<Channel> customer".
 * The billing address falls back to the shipping address, because a document needs a bill-to.
 */
export function buildPlanCustomer(order: Order): PlanCustomer {
  const { customer } = order;
  const billingAddress = order.billingAddress ?? order.shippingAddress;
  const givenName = cleanText(customer.firstName);
  const familyName = cleanText(customer.lastName);
  const companyName = cleanText(customer.company) ?? cleanText(billingAddress?.company);
  const email = cleanText(customer.email);
  const personName = cleanText([givenName, familyName].filter(Boolean).join(' '));
  const displayName =
    personName ??
    cleanText(billingAddress?.name) ??
    companyName ??
    email ??
    `${CHANNEL_NAMES[order.channel]} customer`;

  return omitUndefined({
    displayName,
    givenName,
    familyName,
    companyName,
    email,
    phone: cleanText(customer.phone) ?? cleanText(billingAddress?.phone),
    billingAddress,
    shippingAddress: order.shippingAddress,
  });
}

/** Trims `value` and collapses runs of whitespace; returns undefined for a blank value. */
function cleanText(value: string | undefined): string | undefined {
  const cleaned = value?.replace(/\s+/g, ' ').trim();

  return cleaned ? cleaned : undefined;
}

function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

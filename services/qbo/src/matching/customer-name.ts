import { type Address, type CustomerMatchMode, type Order } from '@qbsync/contracts';

/** The name a customer matching mode builds from an order, and what a new customer gets. */
export interface CustomerName {
  /** DisplayName to look up (trimmed, case-insensitive). Undefined when the order lacks the parts. */
  displayName?: string;
  /**
   * Email addresses to match against QuickBooks' email field (mode `email_field`): the order's
   * email split on commas, any match wins.
   */
  emails: string[];
}

const CHANNEL_NAMES: Record<Order['channel'], string> = {
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

interface PersonName {
  first?: string;
  middle?: string;
  last?: string;
  /** The name exactly as the channel sent it, whitespace collapsed. */
  full?: string;
}

/**
 * Builds the QuickBooks customer name for `order` under `mode`, as the customer matching modes
 * describe: `Smith, John`, `John Smith`, the billing or shipping company, the email, the channel,
 * `Amazon USD`, the order number... `singleCustomerName` serves the single-customer modes.
 */
export function buildCustomerName(
  order: Order,
  mode: CustomerMatchMode,
  singleCustomerName: string,
): CustomerName {
  const billing = billingPerson(order);
  const shipping = addressPerson(order.shippingAddress);
  const billingCompany = clean(order.billingAddress?.company) ?? clean(order.customer.company);
  const shippingCompany = clean(order.shippingAddress?.company);
  const email = clean(order.customer.email);
  const emails = splitEmails(email);
  const displayName = nameForMode(mode, {
    order,
    billing,
    shipping,
    billingCompany,
    shippingCompany,
    firstEmail: emails[0],
    singleCustomerName,
  });

  return { displayName, emails };
}

interface ModeInputs {
  order: Order;
  billing: PersonName;
  shipping: PersonName;
  billingCompany?: string;
  shippingCompany?: string;
  firstEmail?: string;
  singleCustomerName: string;
}

function nameForMode(mode: CustomerMatchMode, inputs: ModeInputs): string | undefined {
  const { order, billing, shipping } = inputs;

  switch (mode) {
    case 'last_first':
      return lastFirst(billing);
    case 'first_last':
      return firstLast(billing);
    case 'single_customer':
      return inputs.singleCustomerName;
    case 'billing_company_else_first_last':
      return inputs.billingCompany ?? firstLast(billing);
    case 'billing_company_else_last_first':
      return inputs.billingCompany ?? lastFirst(billing);
    case 'billing_company_else_single':
      return inputs.billingCompany ?? inputs.singleCustomerName;
    case 'last_first_email':
      return joinParts([lastFirst(billing), inputs.firstEmail], ', ');
    case 'first_last_email':
      return joinParts([firstLast(billing), inputs.firstEmail], ', ');
    case 'channel':
      return CHANNEL_NAMES[order.channel];
    case 'store_and_currency':
      return `${CHANNEL_NAMES[order.channel]} ${order.currency}`;
    case 'order_number':
      return clean(order.orderNumber.replace(/^#/, '')) ?? order.channelOrderId;
    case 'last_first_middle_initial':
      return joinParts([lastFirst(billing), billing.middle?.charAt(0)], ', ');
    case 'shipping_company_else_first_last':
      return inputs.shippingCompany ?? firstLast(shipping);
    case 'shipping_company_else_last_first':
      return inputs.shippingCompany ?? lastFirst(shipping);
    case 'shipping_last_first':
      return lastFirst(shipping);
    case 'shipping_first_last':
      return firstLast(shipping);
    case 'shipping_full_name':
      // "John T. Smith" becomes "John T Smith": the parts without their punctuation.
      return joinParts([shipping.first, shipping.middle, shipping.last], ' ')?.replace(/\./g, '');
    case 'billing_full_name':
      return billing.full;
    case 'billing_address_first_last':
      return firstLast(addressPerson(order.billingAddress));
    case 'billing_email':
      return inputs.firstEmail;
    case 'email_field':
      // The display name is only what a new customer gets: matching uses the email field.
      return firstLast(billing) ?? inputs.firstEmail;
  }
}

/** Returns the billing person: the customer's own names, else the billing address name split. */
function billingPerson(order: Order): PersonName {
  const fromAddress = addressPerson(order.billingAddress ?? order.shippingAddress);
  const first = clean(order.customer.firstName);
  const last = clean(order.customer.lastName);

  if (!first && !last) {
    return fromAddress;
  }

  const full = clean([first, last].filter(Boolean).join(' '));

  return {
    first,
    last,
    middle: fromAddress.middle,
    full: fromAddress.full ?? full,
  };
}

/** Splits an address name "John T. Smith" into first, middle and last. */
function addressPerson(address: Address | undefined): PersonName {
  const full = clean(address?.name);

  if (!full) {
    return {};
  }

  const words = full.split(' ');

  if (words.length === 1) {
    return { last: words[0], full };
  }

  return {
    first: words[0],
    middle: words.length > 2 ? words.slice(1, -1).join(' ') : undefined,
    last: words[words.length - 1],
    full,
  };
}

function lastFirst(person: PersonName): string | undefined {
  return joinParts([person.last, person.first], ', ');
}

function firstLast(person: PersonName): string | undefined {
  return joinParts([person.first, person.last], ' ');
}

function joinParts(parts: Array<string | undefined>, separator: string): string | undefined {
  const present = parts.filter((part): part is string => Boolean(part));

  return present.length > 0 ? present.join(separator) : undefined;
}

function splitEmails(email: string | undefined): string[] {
  return (email ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.includes('@'));
}

function clean(value: string | undefined): string | undefined {
  const cleaned = value?.replace(/\s+/g, ' ').trim();

  return cleaned ? cleaned : undefined;
}

import {
  ORDER_SCHEMA_VERSION,
  type Address,
  type Discount,
  type Order,
  type OrderFee,
  type OrderLine,
  type Payment,
  type ShippingLine,
  type TaxLine,
  type Tip,
} from '@qbsync/contracts';

import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  percentToRate,
  validateOrder,
  type ChannelNormaliseContext,
} from '../channel-support';
import { SquareMoneyReader, readWholeQuantity } from './square-money';
import { squareOrderSchema, type SquareOrder } from './square.schemas';

/** Service charges with these words in their name are shipping, the rest are charged as lines. */
const SHIPPING_CHARGE_NAME = /\b(shipping|delivery|postage|freight)\b/i;
/** Tender types paid from a Square gift card. */
const GIFT_CARD_TENDERS = new Set(['SQUARE_GIFT_CARD']);

export interface SquareOrderOptions {
  /** SKUs by catalog object (item variation) id; Square line items carry no SKU themselves. */
  skuByVariationId?: ReadonlyMap<string, string>;
}

interface SquareMapping {
  order: SquareOrder;
  money: SquareMoneyReader;
  taxes: Map<string, { name: string; rate: string }>;
  discounts: Map<string, string>;
}

/**
 * Converts a Square Orders API order (`RetrieveOrder`, `SearchOrders`) into the canonical order.
 * Square amounts are already minor units. The order's tip becomes `tips`, service charges named like
 * shipping become shipping lines and the rest item-less lines, tenders become payments (Square gift
 * card tenders as gift card payments) and the tenders' processing fees become `fees`.
 * Throws `ChannelPayloadError` naming the Square field that is missing or invalid.
 */
export function normaliseSquareOrder(
  payload: unknown,
  context: ChannelNormaliseContext,
  options: SquareOrderOptions = {},
): Order {
  const order = parseChannelPayload(squareOrderSchema, payload, 'Square order', (raw) => raw.id);
  const money = new SquareMoneyReader(order.total_money.currency, order.id, 'total_money.currency');
  const mapping: SquareMapping = {
    order,
    money,
    taxes: new Map(
      order.taxes.map((tax) => [
        tax.uid,
        { name: firstText(tax.name) ?? 'Sales Tax', rate: percentToRate(tax.percentage ?? '0') },
      ]),
    ),
    discounts: new Map(
      order.discounts.map((discount) => [discount.uid, firstText(discount.name) ?? 'Discount']),
    ),
  };
  const lines = order.line_items.map((_item, index) => mapLineItem(mapping, index, options));
  const shippingLines: ShippingLine[] = [];

  for (const [index, charge] of order.service_charges.entries()) {
    const path = `service_charges[${index}]`;
    const price = money.readNonNegative(charge.total_money, `${path}.total_money`);
    const taxes = mapApplied(mapping, charge.applied_taxes, `${path}.applied_taxes`);
    const title = firstText(charge.name) ?? 'Service charge';

    if (SHIPPING_CHARGE_NAME.test(title)) {
      shippingLines.push({ title, price, discounts: [], taxes });
    } else {
      lines.push(chargeLine(`service-charge-${charge.uid}`, title, price, taxes));
    }
  }

  const lineDiscounts = lines.flatMap((line) => line.discounts.map((discount) => discount.amount));
  const totalDiscount = money.readNonNegative(order.total_discount_money, 'total_discount_money');
  const unallocated = totalDiscount - lineDiscounts.reduce((sum, amount) => sum + amount, 0);
  const orderDiscounts: Discount[] =
    unallocated > 0 ? [{ title: 'Discount', amount: unallocated }] : [];

  const normalised: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'square',
    channelOrderId: order.id,
    // NOTE: Square orders have no short number; the order id (29 characters) is longer than a
    // QuickBooks Online DocNumber (21), so numbering settings must supply the document number.
    orderNumber: firstText(order.reference_id) ?? order.id,
    createdAt: new Date(order.created_at).toISOString(),
    updatedAt: new Date(order.updated_at).toISOString(),
    financialStatus: order.state,
    currency: money.currency,
    presentmentCurrency: money.currency,
    taxesIncluded: order.taxes.some((tax) => tax.type === 'INCLUSIVE'),
    customer: mapCustomer(order),
    lines,
    shippingLines,
    orderDiscounts,
    taxLines: mapTaxSummary(mapping),
    payments: mapTenders(mapping),
    totals: {
      subtotal: lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0),
      discounts: totalDiscount,
      shipping: shippingLines.reduce((sum, line) => sum + line.price, 0),
      tax: money.readNonNegative(order.total_tax_money, 'total_tax_money'),
      total: money.read(order.total_money, 'total_money'),
    },
    tags: [],
    customFields: [
      { name: 'location_id', value: order.location_id },
      { name: 'state', value: order.state },
      ...(order.source?.name ? [{ name: 'source', value: order.source.name }] : []),
      ...(order.version !== null && order.version !== undefined
        ? [{ name: 'version', value: String(order.version) }]
        : []),
    ],
    source: buildSource(context, `square:order:${order.id}`),
  };

  assignDefined(normalised, {
    tips: mapTips(mapping),
    fees: mapProcessingFees(mapping),
    processedAt: order.closed_at ? new Date(order.closed_at).toISOString() : undefined,
    cancelledAt: order.state === 'CANCELED' ? normalised.updatedAt : undefined,
    shippingAddress: mapShippingAddress(order),
  });

  return validateOrder(normalised, 'Square');
}

function mapLineItem(
  mapping: SquareMapping,
  index: number,
  options: SquareOrderOptions,
): OrderLine {
  const item = mapping.order.line_items[index];
  const path = `line_items[${index}]`;
  const variationId = item.catalog_object_id ?? undefined;

  return {
    lineId: item.uid,
    sku: (variationId && options.skuByVariationId?.get(variationId)) ?? '',
    name: firstText(item.name) ?? 'Custom amount',
    ...assignDefined<Partial<OrderLine>>(
      {},
      { variantTitle: firstText(item.variation_name), variantId: variationId },
    ),
    quantity: readWholeQuantity(item.quantity, `${path}.quantity`, mapping.order.id),
    unitPrice: mapping.money.readNonNegative(item.base_price_money, `${path}.base_price_money`),
    discounts: item.applied_discounts.map((applied, appliedIndex) => ({
      title: mapping.discounts.get(applied.discount_uid ?? '') ?? 'Discount',
      amount: mapping.money.readNonNegative(
        applied.applied_money,
        `${path}.applied_discounts[${appliedIndex}].applied_money`,
      ),
    })),
    taxes: mapApplied(mapping, item.applied_taxes, `${path}.applied_taxes`),
    taxable: item.applied_taxes.length > 0,
    requiresShipping: mapping.order.fulfillments.some(
      (fulfillment) => fulfillment.type === 'SHIPMENT',
    ),
    giftCard: item.item_type === 'GIFT_CARD',
    customFields: item.note ? [{ name: 'note', value: item.note }] : [],
  };
}

function mapApplied(
  mapping: SquareMapping,
  applied: SquareOrder['line_items'][number]['applied_taxes'],
  path: string,
): TaxLine[] {
  return applied.map((tax, index) => {
    const definition = mapping.taxes.get(tax.tax_uid ?? '') ?? { name: 'Sales Tax', rate: '0' };

    return {
      name: definition.name,
      rate: definition.rate,
      amount: mapping.money.readNonNegative(tax.applied_money, `${path}[${index}].applied_money`),
    };
  });
}

function chargeLine(lineId: string, name: string, price: number, taxes: TaxLine[]): OrderLine {
  return {
    lineId,
    sku: '',
    name,
    quantity: 1,
    unitPrice: price,
    discounts: [],
    taxes,
    taxable: taxes.length > 0,
    requiresShipping: false,
    giftCard: false,
    customFields: [],
  };
}

function mapTaxSummary(mapping: SquareMapping): TaxLine[] {
  return mapping.order.taxes.flatMap((tax, index) => {
    const amount = mapping.money.readNonNegative(
      tax.applied_money,
      `taxes[${index}].applied_money`,
    );
    const definition = mapping.taxes.get(tax.uid);

    return amount > 0 && definition
      ? [{ name: definition.name, rate: definition.rate, amount }]
      : [];
  });
}

/** Tenders of a completed order, the tip included in the card tender as Square records it. */
function mapTenders(mapping: SquareMapping): Payment[] {
  return mapping.order.tenders.map((tender, index) =>
    assignDefined<Payment>(
      {
        gateway: tender.type.toLowerCase(),
        amount: mapping.money.readNonNegative(
          tender.amount_money,
          `tenders[${index}].amount_money`,
        ),
        kind: GIFT_CARD_TENDERS.has(tender.type) ? 'gift_card' : 'sale',
        status:
          tender.card_details?.status === 'FAILED' || tender.card_details?.status === 'VOIDED'
            ? 'failure'
            : tender.card_details?.status === 'AUTHORIZED'
              ? 'pending'
              : 'success',
      },
      {
        transactionId: firstText(tender.payment_id, tender.id),
        processedAt: tender.created_at ? new Date(tender.created_at).toISOString() : undefined,
      },
    ),
  );
}

/** Maps `total_tip_money`, which Square includes in `total_money`, to one tip. */
function mapTips(mapping: SquareMapping): Tip[] | undefined {
  const amount = mapping.money.readNonNegative(mapping.order.total_tip_money, 'total_tip_money');

  return amount > 0 ? [{ title: 'Tip', amount }] : undefined;
}

/**
 * Maps each tender's `processing_fee_money`, the fee Square kept from that tender. Square's `Tender`
 * reference documents that the field is usually filled about ten seconds after the transaction, so the
 * result is undefined (unknown) unless some tender carries the field.
 * NOTE: Square's developer forum reports tenders with a `payment_id` that omit the field. Their fee
 * is then only in the Payments API's `processing_fee`, which the order path does not read.
 */
function mapProcessingFees(mapping: SquareMapping): OrderFee[] | undefined {
  const tenders = mapping.order.tenders
    .map((tender, index) => ({ tender, index }))
    .filter(({ tender }) => tender.processing_fee_money);

  if (tenders.length === 0) {
    return undefined;
  }

  return tenders.flatMap(({ tender, index }) => {
    const amount = mapping.money.readNonNegative(
      tender.processing_fee_money,
      `tenders[${index}].processing_fee_money`,
    );

    return amount > 0
      ? [{ title: `Square processing fee (${tender.type} tender)`, gateway: 'square', amount }]
      : [];
  });
}

function mapCustomer(order: SquareOrder): Order['customer'] {
  const recipient = order.fulfillments.find((item) => item.shipment_details?.recipient)
    ?.shipment_details?.recipient;
  const [firstName, ...rest] = (recipient?.display_name ?? '').trim().split(/\s+/);

  return assignDefined(
    {},
    {
      channelCustomerId: firstText(order.customer_id),
      email: firstText(recipient?.email_address),
      phone: firstText(recipient?.phone_number),
      firstName: firstText(firstName),
      lastName: firstText(rest.join(' ')),
    },
  );
}

function mapShippingAddress(order: SquareOrder): Address | undefined {
  const recipient = order.fulfillments.find((item) => item.shipment_details?.recipient)
    ?.shipment_details?.recipient;
  const address = recipient?.address;

  if (!recipient) {
    return undefined;
  }

  return assignDefined<Address>(
    {},
    {
      name: firstText(recipient.display_name),
      line1: firstText(address?.address_line_1),
      line2: firstText(address?.address_line_2),
      city: firstText(address?.locality),
      regionCode: firstText(address?.administrative_district_level_1),
      postalCode: firstText(address?.postal_code),
      countryCode: firstText(address?.country),
      phone: firstText(recipient.phone_number),
    },
  );
}

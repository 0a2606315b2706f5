'use strict';
// Generated Shopify orders and signed webhook deliveries, shared by the benchmark and the cluster
// run.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('./infra');

const SKUS = ['IPOD2008GREEN', 'IPOD2008RED', 'IPOD2008BLACK', 'IPOD2009BLACK', 'IPOD2009WHITE'];

/** Shopify's sample order 450789469, the fullest of the published examples. */
function loadTemplateOrder() {
  const file = path.join(REPO_ROOT, 'fixtures/shopify/order-2026_07-08-get.json');

  return JSON.parse(fs.readFileSync(file, 'utf8')).response.order;
}

/**
 * Copies the template as order `id`, named `<prefix><sequence>`, with one of 50 buyers and SKUs
 * rotated over five items, so matching meets repeat customers and items as in a real shop.
 */
function makeOrder(template, id, prefix, sequence) {
  const order = structuredClone(template);
  order.id = id;
  order.name = `${prefix}${sequence}`;
  order.order_number = sequence;
  order.customer.first_name = `Buyer${sequence % 50}`;
  order.line_items.forEach((line, index) => {
    line.sku = SKUS[(sequence + index) % SKUS.length];
  });

  return order;
}

/** Delivers `order` as a signed orders/create webhook to the connector at `connectorUrl`. */
async function sendOrderWebhook(connectorUrl, account, order) {
  const body = JSON.stringify(order);
  const signature = crypto
    .createHmac('sha256', account.webhookSecret)
    .update(body)
    .digest('base64');
  const response = await fetch(`${connectorUrl}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Shop-Domain': account.shopDomain,
      'X-Shopify-Hmac-Sha256': signature,
      'X-Shopify-Webhook-Id': crypto.randomUUID(),
    },
    body,
  });
  if (response.status !== 200) {
    throw new Error(
      `webhook for order ${order.id} to ${connectorUrl} returned HTTP ${response.status}: ${await response.text()}`,
    );
  }
}

module.exports = { loadTemplateOrder, makeOrder, sendOrderWebhook };

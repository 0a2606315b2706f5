import { type ShopifyApi, describeErrors } from './shopify-api';

/**
 * Topics an installed app subscribes to. `orders/updated` also fires when an order is paid,
 * fulfilled or cancelled, so those topics need no subscription of their own.
 */
export const SHOPIFY_WEBHOOK_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
] as const;

export const APP_UNINSTALLED_TOPIC = 'app/uninstalled';

interface ShopifyWebhook {
  id: number | string;
  topic: string;
  address: string;
}

export interface WebhookRegistration {
  webhooks: { id: string; topic: string; address: string }[];
  errors: { topic: string; message: string }[];
}

/**
 * Subscribes the app's topics through the REST Admin API (`webhooks.json`). A subscription that
 * already exists for the topic and address is kept. The app's subscriptions for the same topic at
 * another address (an earlier public URL) are deleted, so Shopify stops calling it.
 */
export async function registerShopifyWebhooks(
  api: ShopifyApi,
  addresses: { address: string; uninstallAddress?: string },
): Promise<WebhookRegistration> {
  const requested: { topic: string; address: string }[] = SHOPIFY_WEBHOOK_TOPICS.map((topic) => ({
    topic,
    address: addresses.address,
  }));

  if (addresses.uninstallAddress) {
    requested.push({ topic: APP_UNINSTALLED_TOPIC, address: addresses.uninstallAddress });
  }

  const existing = await api.getAll<ShopifyWebhook>('webhooks.json', 'webhooks', {});
  const result: WebhookRegistration = { webhooks: [], errors: [] };

  for (const { topic, address } of requested) {
    const current = existing.filter((webhook) => webhook.topic === topic);
    const matching = current.find((webhook) => webhook.address === address);

    for (const stale of current.filter((webhook) => webhook.address !== address)) {
      await api.delete(`webhooks/${String(stale.id)}.json`);
    }

    if (matching) {
      result.webhooks.push({ id: String(matching.id), topic, address });
      continue;
    }

    const response = await api.post<{ webhook?: ShopifyWebhook }>('webhooks.json', {
      webhook: { topic, address, format: 'json' },
    });

    if (response.status === 201 && response.body.webhook) {
      result.webhooks.push({ id: String(response.body.webhook.id), topic, address });
    } else {
      const detail = describeErrors({
        status: response.status,
        headers: {},
        text: response.text,
        json: response.body,
      });

      result.errors.push({
        topic,
        message: `Shopify responded to POST webhooks.json with HTTP ${response.status}${detail ? ` (${detail})` : ''}`,
      });
    }
  }

  return result;
}

/**
 * Deletes every webhook subscription the access token can see. A token belongs to one app, so
 * these are the subscriptions this app registered on the shop.
 */
export async function deleteShopifyWebhooks(api: ShopifyApi): Promise<number> {
  const existing = await api.getAll<ShopifyWebhook>('webhooks.json', 'webhooks', {});
  let deleted = 0;

  for (const webhook of existing) {
    if (await api.delete(`webhooks/${String(webhook.id)}.json`)) {
      deleted += 1;
    }
  }

  return deleted;
}

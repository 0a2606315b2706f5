import { type ChannelRegistration } from '../channel/channel-adapter';
import { ebayAdapter, type EbayCredentials } from './ebay.adapter';

/** eBay's Sell APIs send no order webhooks, so the webhook benchmark has no samples for it. */
export const ebayRegistration: ChannelRegistration<EbayCredentials> = { adapter: ebayAdapter };

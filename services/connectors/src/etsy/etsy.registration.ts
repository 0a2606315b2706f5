import { type ChannelRegistration } from '../channel/channel-adapter';
import { etsyAdapter, type EtsyCredentials } from './etsy.adapter';

/** Etsy Open API v3 sends no order webhooks, so the webhook benchmark has no samples for it. */
export const etsyRegistration: ChannelRegistration<EtsyCredentials> = { adapter: etsyAdapter };

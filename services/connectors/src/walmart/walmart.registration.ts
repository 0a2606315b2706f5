import { type ChannelRegistration } from '../channel/channel-adapter';
import { walmartAdapter, type WalmartCredentials } from './walmart.adapter';

/** The connector polls Walmart, so the webhook benchmark has no samples for it. */
export const walmartRegistration: ChannelRegistration<WalmartCredentials> = {
  adapter: walmartAdapter,
};
